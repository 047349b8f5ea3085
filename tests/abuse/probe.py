#!/usr/bin/env python3
# probe.py PORT PID SECONDS JSON_FILE OUT: an ordinary visitor while an attack runs. From
# 127.0.0.2 (another client address than the attacker's 127.0.0.1), 4 GET a second of a
# consultation's page and 1 POST a second of a submission, each on a new connection; samples the
# server's resident memory (VmRSS) every 0.5 s. Writes JSON to OUT: latencies, errors, RSS.
import http.client, json, sys, threading, time

port, pid, seconds, json_file, out = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), sys.argv[4], sys.argv[5]
body = open(json_file, 'rb').read()
lat = {'GET': [], 'POST': []}
errors = []
rss = []
stop = time.time() + seconds

def once(method, path, data, hdrs):
    t = time.time()
    try:
        c = http.client.HTTPConnection('127.0.0.1', port, timeout=10, source_address=('127.0.0.2', 0))
        c.request(method, path, data, hdrs)
        r = c.getresponse()
        r.read()
        c.close()
        ms = (time.time() - t) * 1000
        if r.status not in (200, 201):
            errors.append('%s %s: %d' % (method, path, r.status))
        lat[method].append(ms)
    except Exception as e:
        errors.append('%s %s: %r after %.0f ms' % (method, path, e, (time.time() - t) * 1000))

def getter():
    while time.time() < stop:
        once('GET', '/consultations/multilingual-internet', None, {})
        time.sleep(0.25)

def poster():
    while time.time() < stop:
        once('POST', '/api/v1/consultations/multilingual-internet/responses', body,
             {'Content-Type': 'application/json'})
        time.sleep(1.0)

def sampler():
    while time.time() < stop:
        try:
            for line in open('/proc/%d/status' % pid):
                if line.startswith('VmRSS:'):
                    rss.append(int(line.split()[1]))
        except OSError:
            errors.append('server gone')
            return
        time.sleep(0.5)

ts = [threading.Thread(target=f) for f in (getter, poster, sampler)]
for t in ts:
    t.start()
for t in ts:
    t.join()

def pct(xs, p):
    xs = sorted(xs)
    return round(xs[min(len(xs) - 1, int(len(xs) * p / 100))], 1) if xs else None

allms = lat['GET'] + lat['POST']
json.dump({'requests': len(allms), 'get': len(lat['GET']), 'post': len(lat['POST']),
           'p50_ms': pct(allms, 50), 'p99_ms': pct(allms, 99), 'max_ms': round(max(allms), 1) if allms else None,
           'get_p99_ms': pct(lat['GET'], 99), 'post_p99_ms': pct(lat['POST'], 99),
           'errors': len(errors), 'first_errors': errors[:5],
           'rss_start_kb': rss[0] if rss else None, 'rss_max_kb': max(rss) if rss else None,
           'rss_end_kb': rss[-1] if rss else None}, open(out, 'w'))
