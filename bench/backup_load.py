#!/usr/bin/env python3
"""bench/backup_load.py: submits responses to a running agora from CLIENTS threads, one after
another on each keep-alive connection, until the file STOP exists; writes one line per answer to
OUT: "start_epoch_s latency_s status public_id". Used by bench/backup and t430_backup.sh to see
what a backup running at the same time does to the writer."""
import http.client
import json
import os
import sys
import threading
import time

port, slug, clients, out_path, stop = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
lock = threading.Lock()
out = open(out_path, "w", buffering=1)


def body(w, i):
    return json.dumps({
        "respondent": {"name": "Load %d-%d" % (w, i), "organization": "Bench", "job_title": "T",
                       "country": "KE", "stakeholder_type": "academia", "email": "load@example.org"},
        "publish_as": "name", "language": "en", "summary": "Submitted during a backup %d %d" % (w, i),
        "answers": [{"question": 1, "text": "An answer written while the backup ran, %d %d." % (w, i)}],
    })


def worker(w):
    conn = http.client.HTTPConnection("127.0.0.1", int(port), timeout=30)
    i = 0
    while not os.path.exists(stop):
        i += 1
        t0 = time.time()
        try:
            conn.request("POST", "/api/v1/consultations/%s/responses" % slug, body(w, i),
                         {"Content-Type": "application/json"})
            r = conn.getresponse()
            data = r.read()
            status = r.status
            rid = json.loads(data).get("id", "-") if status == 201 else "-"
        except Exception:
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", int(port), timeout=30)
            status, rid = 0, "-"
        with lock:
            out.write("%.6f %.6f %d %s\n" % (t0, time.time() - t0, status, rid))


threads = [threading.Thread(target=worker, args=(w,)) for w in range(clients)]
for t in threads:
    t.start()
for t in threads:
    t.join()
