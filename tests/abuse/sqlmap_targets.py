#!/usr/bin/env python3
# sqlmap_targets.py OPENAPI ROUTES VALUES: one JSON line per operation of the OpenAPI document
# that has a parameter (path, query, or a body): its method, a URL with each path parameter
# marked for sqlmap (*), the query parameters with sample values, and a sample body (a form as
# application/x-www-form-urlencoded, or JSON). ROUTES is `agora routes` output: a route missing
# from the document is listed too (with its query parameters from that output), so that no route
# is left out. VALUES is a JSON object: a parameter's name -> its sample value; "SECTION.name"
# (SECTION: the path's first segment after /api/v1 and /admin, e.g. "proposals.id") comes first.
import json, re, sys

spec = json.load(open(sys.argv[1]))
routes = [l.split() for l in open(sys.argv[2]) if l.strip()]
values = json.load(open(sys.argv[3]))
comp = spec.get('components', {})

def deref(o):
    while isinstance(o, dict) and '$ref' in o:
        kind, name = o['$ref'].split('/')[-2:]
        o = comp[kind][name]
    return o

def sample(schema, name='', depth=0):
    s = deref(schema) or {}
    for key in ('allOf', 'oneOf', 'anyOf'):
        if key in s:
            s = deref(s[key][0])
    if 'example' in s:
        return s['example']
    if 'enum' in s:
        return s['enum'][0]
    t = s.get('type', 'string')
    if t == 'object' or 'properties' in s:
        if depth > 3:
            return {}
        return {k: sample(v, k, depth + 1) for k, v in s.get('properties', {}).items()}
    if t == 'array':
        return [sample(s.get('items', {}), name, depth + 1)] if depth <= 3 else []
    if t == 'integer' or t == 'number':
        return values.get(name, 1)
    if t == 'boolean':
        return True
    return str(values.get(name, 'test'))

def value(path, name, default):
    segs = [x for x in path.split('/') if x and x not in ('api', 'v1', 'admin')]
    key = '%s.%s' % (segs[0], name) if segs else name
    return values.get(key, values.get(name, default))

def url_of(path, query):
    u = re.sub(r'\{([^}]+)\}', lambda m: str(value(path, m.group(1), '1')) + '*', path)
    if query:
        u += '?' + '&'.join('%s=%s' % (q, value(path, q, 'test')) for q in query)
    return u

seen = set()
for path, item in spec['paths'].items():
    for method, op in item.items():
        if method not in ('get', 'post', 'put', 'patch', 'delete'):
            continue
        params = [deref(p) for p in item.get('parameters', []) + op.get('parameters', [])]
        query = [p['name'] for p in params if p['in'] == 'query']
        has_path = any(p['in'] == 'path' for p in params) or '{' in path
        body, ctype = None, None
        content = deref(op.get('requestBody', {})).get('content', {})
        if 'application/json' in content:
            body, ctype = json.dumps(sample(content['application/json'].get('schema', {}))), 'json'
        else:
            for ct in ('application/x-www-form-urlencoded', 'multipart/form-data'):
                if ct in content:
                    fields = sample(content[ct].get('schema', {}))
                    if isinstance(fields, dict):
                        body = '&'.join('%s=%s' % (k, v if not isinstance(v, (dict, list, bool)) else 'test')
                                        for k, v in fields.items())
                        ctype = 'form'
                    break
        seen.add((method.upper(), path))
        if not (query or has_path or body):
            continue
        print(json.dumps({'method': method.upper(), 'path': path, 'url': url_of(path, query), 'data': body,
                          'type': ctype}))
for r in routes:
    method, path, query = r[0], r[1], r[-1]
    if (method, path) in seen:
        continue
    q = [] if query == '-' else query.split(',')
    if not (q or '{' in path):
        continue
    print(json.dumps({'method': method, 'path': path, 'url': url_of(path, q), 'data': None, 'type': None,
                      'note': 'not in the OpenAPI document'}))
