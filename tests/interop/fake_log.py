"""fake_log.py DIR PORTFILE: a fake Agora log for tests/blackbox/t360_log_tools.sh, serving the
files `build/tests/ledger_gen log DIR ...` writes, with the query strings of the API
(docs/LEDGER-TOOLS.md, the HTTP contract of issue 7). Binds 127.0.0.1 on a free port, writes the
port to PORTFILE. POSTed cosignatures are kept as DIR/posted-<n>.txt."""
import http.server, json, os, sys, urllib.parse

D = sys.argv[1]

class H(http.server.BaseHTTPRequestHandler):
    def send(self, code, body, ctype="application/json"):
        body = body if isinstance(body, bytes) else body.encode()
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def file(self, rel, ctype):
        p = os.path.join(D, rel)
        if not os.path.isfile(p):
            return self.send(404, '{"title":"not found"}', "application/problem+json")
        self.send(200, open(p, "rb").read(), ctype)

    def do_GET(self):
        u = urllib.parse.urlparse(self.path)
        q = {k: v[0] for k, v in urllib.parse.parse_qs(u.query).items()}
        size = int(open(os.path.join(D, "checkpoint")).read().split("\n")[1])
        if u.path in ("/log/checkpoint", "/api/v1/log/checkpoint"):
            return self.file("checkpoint", "text/plain; charset=utf-8")
        if u.path.startswith("/log/tile/") and ".." not in u.path:
            return self.file(u.path[len("/log/"):], "application/octet-stream")
        if u.path == "/api/v1/log/entries":
            s, e = int(q["start"]), min(int(q["end"]), int(q["start"]) + 1000, size)
            es = json.load(open(os.path.join(D, "entries.json")))[s:e]
            return self.send(200, json.dumps({"size": size, "entries": es}))
        if u.path == "/api/v1/log/proof/consistency":
            a, b = int(q["from"]), int(q["to"])
            if a > b or b != size:
                return self.send(400, '{"detail":"from > to or to is not the size"}',
                                 "application/problem+json")
            if a == 0 or a == b:
                return self.send(200, json.dumps({"from": a, "to": b, "proof": []}))
            return self.file("consistency/%d.json" % a, "application/json")
        self.send(404, '{"title":"not found"}', "application/problem+json")

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        n = len([f for f in os.listdir(D) if f.startswith("posted-")])
        open(os.path.join(D, "posted-%d.txt" % n), "wb").write(body)
        size = int(body.decode().split("\n")[1])
        self.send(201, json.dumps({"size": size, "witnesses": ["unchecked"]}))

    def log_message(self, *a):
        pass

srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
open(sys.argv[2], "w").write(str(srv.server_address[1]))
srv.serve_forever()
