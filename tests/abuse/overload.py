#!/usr/bin/env python3
# overload.py PORT JSON_FILE N TAG: N submissions at once (one thread each), each with a summary
# of its own (TAG and its number). Prints JSON: per submission its status, Retry-After,
# Content-Type, problem status, and the response id of a 201.
import http.client, json, sys, threading

port, json_file, n, tag = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
base = json.load(open(json_file))
path = '/api/v1/consultations/multilingual-internet/responses'
out = [None] * n
go = threading.Event()

def one(i):
    doc = dict(base)
    doc['summary'] = '%s number %d' % (tag, i)
    body = json.dumps(doc).encode()
    go.wait()
    try:
        c = http.client.HTTPConnection('127.0.0.1', port, timeout=60)
        c.request('POST', path, body, {'Content-Type': 'application/json'})
        r = c.getresponse()
        raw = r.read()
        try:
            j = json.loads(raw)
        except ValueError:
            j = {}
        out[i] = {'status': r.status, 'retry_after': r.getheader('Retry-After'),
                  'type': r.getheader('Content-Type'), 'problem_status': j.get('status'),
                  'id': j.get('id') if r.status == 201 else None, 'summary': doc['summary']}
        c.close()
    except Exception as e:
        out[i] = {'status': repr(e)}

ts = [threading.Thread(target=one, args=(i,)) for i in range(n)]
for t in ts:
    t.start()
go.set()
for t in ts:
    t.join()
print(json.dumps(out))
