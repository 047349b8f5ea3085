#!/usr/bin/env python3
"""xss.py BASE ROUTES PATHS: an XSS polyglot in every query parameter of every page, and in every
field of every form those pages hold, as an anonymous visitor and as the secretariat (env
XSS_EMAIL, XSS_PASSWORD). An HTML answer must never carry the polyglot unescaped; every page is
fetched again at the end, so what was stored is checked too. Prints TAP lines: one per check."""
import html.parser, http.cookiejar, os, re, sys, urllib.error, urllib.parse, urllib.request, uuid

POLY = ('"\' autofocus onfocus=alert(7) x="><svg/onload=alert(7)><script>alert(7)</script>'
        '<img src=x onerror=alert(7)>javascript:alert(7)//</textarea></title></style>-->')
# What must never appear as is in an HTML answer (the polyglot's dangerous parts).
MARKERS = ['<svg/onload', '<script>alert(7)', '<img src=x', '" autofocus onfocus', "' autofocus onfocus",
           '</textarea></title>', '="javascript:alert(7)']
base, routes_file, paths_file = sys.argv[1], sys.argv[2], sys.argv[3]
n = 0
fails = 0


def tap(good, desc, why=''):
    global n, fails
    n += 1
    if good:
        print(f'ok {n} - {desc}')
    else:
        fails += 1
        print(f'not ok {n} - {desc}')
        if why:
            print('# ' + why.replace('\n', '\n# '))


class Forms(html.parser.HTMLParser):
    """The forms of a page: action, method, enctype, fields [(name, type, value, options)]."""
    def __init__(self):
        super().__init__()
        self.forms, self.cur, self.select = [], None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == 'form':
            self.cur = {'action': a.get('action', ''), 'method': (a.get('method') or 'get').lower(),
                        'enctype': a.get('enctype', ''), 'fields': []}
            self.forms.append(self.cur)
        elif self.cur is not None and tag in ('input', 'textarea', 'select') and a.get('name'):
            f = [a['name'], a.get('type', tag), a.get('value', ''), []]
            self.cur['fields'].append(f)
            if tag == 'select':
                self.select = f
        elif tag == 'option' and self.select is not None:
            self.select[3].append(a.get('value', ''))

    def handle_endtag(self, tag):
        if tag == 'form':
            self.cur = None
        elif tag == 'select':
            self.select = None


def visitor(login):
    jar = http.cookiejar.CookieJar()
    op = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    if login:
        body = fetch(op, '/login')[1]
        csrf = re.search(r'name="csrf" value="([^"]*)"', body).group(1)
        data = urllib.parse.urlencode({'email': login[0], 'password': login[1], 'csrf': csrf}).encode()
        st, _, _ = fetch(op, '/login', data, 'application/x-www-form-urlencoded')
        if st != 200:
            sys.exit(f'# cannot log in: {st}')
    return op


def fetch(op, path, data=None, ctype=None):
    """(status, body, content type); redirects followed."""
    req = urllib.request.Request(base + path, data=data, method='POST' if data is not None else 'GET')
    if ctype:
        req.add_header('Content-Type', ctype)
    try:
        with op.open(req, timeout=30) as resp:
            return resp.status, resp.read().decode('utf-8', 'replace'), resp.headers.get('Content-Type', '')
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode('utf-8', 'replace'), e.headers.get('Content-Type', '')


def clean(body, ctype):
    if 'text/html' not in ctype:
        return None
    low = body.lower()
    for m in MARKERS:
        i = low.find(m.lower())
        if i >= 0:
            return f'unescaped {m!r} at: {body[max(0, i - 80):i + 60]!r}'
    return None


def route_of(path, routes):
    p = path.split('?')[0]
    for method, pattern, query in routes:
        rx = '^' + re.sub(r'\\{[a-z]+\\}', '[^/]+', re.escape(pattern)) + '$'
        rx = re.sub(r'\\\*\$$', '.+$', rx)  # a final '*' matches the rest of the path (route.h)
        if re.match(rx, p):
            return query
    return None


def multipart(fields):
    b = uuid.uuid4().hex
    out = []
    for name, value, filename in fields:
        disp = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename is not None else '')
        out.append(f'--{b}\r\nContent-Disposition: {disp}\r\n'
                   + ('Content-Type: text/plain\r\n' if filename is not None else '') + f'\r\n{value}\r\n')
    out.append(f'--{b}--\r\n')
    return ''.join(out).encode(), f'multipart/form-data; boundary={b}'


routes = []
for line in open(routes_file):
    f = line.split()
    if len(f) >= 5 and f[0] == 'GET':
        routes.append((f[0], f[1], [] if f[4] == '-' else f[4].split(',')))
paths = [l.strip() for l in open(paths_file) if l.strip()]
who = [('anon', visitor(None)), ('secretariat', visitor((os.environ['XSS_EMAIL'], os.environ['XSS_PASSWORD'])))]
forms_seen = set()
for name, op in who:
    for path in paths:
        query = route_of(path, routes)
        if query is None:
            tap(False, f'{name} GET {path}', 'no route of the table matches')
            continue
        # every declared query parameter, and one the route does not take
        bad = []
        for q in query + ['unexpected']:
            u = urllib.parse.urlsplit(path)
            qs = [(k, v) for k, v in urllib.parse.parse_qsl(u.query) if k != q] + [(q, POLY)]
            st, body, ct = fetch(op, u.path + '?' + urllib.parse.urlencode(qs))
            why = clean(body, ct)
            if why:
                bad.append(f'?{q}: {why}')
            if st >= 500:
                bad.append(f'?{q}: status {st}')
        tap(not bad, f'{name} GET {path}: the polyglot in ?{",".join(query + ["unexpected"])} comes back escaped',
            '\n'.join(bad))
        st, body, ct = fetch(op, path)
        if 'text/html' not in ct:
            continue
        parser = Forms()
        parser.feed(body)
        for form in parser.forms:
            if form['method'] != 'post' or form['action'] in ('/logout',):
                continue
            key = (name, re.sub(r'[?].*', '', form['action']), tuple(sorted(f[0] for f in form['fields'])))
            if key in forms_seen:
                continue
            forms_seen.add(key)
            fields = []
            for fname, ftype, fvalue, _ in form['fields']:
                if fname == 'csrf':
                    fields.append((fname, fvalue, None))
                elif ftype == 'file':
                    fields.append((fname, 'plain text', POLY.replace('"', '').replace('\r', '')))
                elif ftype not in ('submit', 'button', 'image', 'reset'):
                    fields.append((fname, POLY, None))
            action = form['action'] or path
            if 'multipart' in form['enctype']:
                data, ctype = multipart(fields)
            else:
                data = urllib.parse.urlencode([(k, v) for k, v, _ in fields]).encode()
                ctype = 'application/x-www-form-urlencoded'
            st, body2, ct2 = fetch(op, action, data, ctype)
            why = clean(body2, ct2) or (f'status {st}' if st >= 500 else None)
            tap(why is None, f'{name} POST {action} (from {path}): every field the polyglot, answer escaped',
                why or '')
# What was stored comes back escaped too, on every page.
for name, op in who:
    bad = []
    for path in paths:
        st, body, ct = fetch(op, path)
        why = clean(body, ct)
        if why:
            bad.append(f'{path}: {why}')
    tap(not bad, f'{name}: every page again after the forms were sent, nothing unescaped', '\n'.join(bad))
tap(len(forms_seen) >= 5, f'forms were found and sent ({len(forms_seen)})')
sys.exit(1 if fails else 0)
