#!/usr/bin/env python3
# multipart.py PORT PATH JSON_FILE NAME...: POSTs a multipart submission (the JSON as the
# "response" part, one small text attachment per NAME, each NAME a Python bytes literal so that
# it may hold NUL and control bytes) and prints the status, then the body.
import ast, http.client, sys

port, path, json_file = int(sys.argv[1]), sys.argv[2], sys.argv[3]
names = [ast.literal_eval(a) for a in sys.argv[4:]]
b = b'----agora-t510-boundary'
body = b'--' + b + b'\r\nContent-Disposition: form-data; name="response"\r\nContent-Type: application/json\r\n\r\n'
body += open(json_file, 'rb').read() + b'\r\n'
for i, n in enumerate(names):
    body += b'--' + b + b'\r\nContent-Disposition: form-data; name="attachments"; filename="' + n + b'"\r\n'
    body += b'Content-Type: text/plain\r\n\r\nnote number %d, a plain text attachment\n\r\n' % (i + 1)
body += b'--' + b + b'--\r\n'
c = http.client.HTTPConnection('127.0.0.1', port, timeout=20)
c.request('POST', path, body, {'Content-Type': 'multipart/form-data; boundary=' + b.decode()})
r = c.getresponse()
print(r.status)
sys.stdout.write(r.read().decode('utf-8', 'replace'))
