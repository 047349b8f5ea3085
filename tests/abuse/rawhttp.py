#!/usr/bin/env python3
# rawhttp.py PORT [WAIT_S]: sends stdin's bytes as they are on one connection (what curl will not
# send: duplicate headers, NUL bytes) and writes every byte the server answers until it closes
# the connection or WAIT_S seconds (default 2) pass. The last line is "closed" or "open".
import socket, sys, time

port = int(sys.argv[1])
wait = float(sys.argv[2]) if len(sys.argv) > 2 else 2.0
data = sys.stdin.buffer.read()
s = socket.create_connection(('127.0.0.1', port), timeout=wait)
s.sendall(data)
out, state, end = b'', 'open', time.time() + wait
try:
    while time.time() < end:
        s.settimeout(max(0.05, end - time.time()))
        b = s.recv(65536)
        if not b:
            state = 'closed'
            break
        out += b
except (socket.timeout, TimeoutError):
    pass
except ConnectionResetError:
    state = 'closed'
s.close()
sys.stdout.buffer.write(out + b'\n' + state.encode() + b'\n')
