# rfc9162.py: RFC 9162 in Python for the black-box tests (t350, t490): the root of a list of leaf
# hashes (section 2.1.1), and the two proof checks (sections 2.1.3.2 and 2.1.4.2), written from the
# RFC apart from agora's C, so that a test compares two implementations. The tests import it with
# `from rfc9162 import *` and use json, sys and base64 through it too.
import base64, hashlib, json, sys
def node(a, b): return hashlib.sha256(b"\x01" + a + b).digest()
def mth(l):
    if len(l) == 0: return hashlib.sha256(b"").digest()
    if len(l) == 1: return l[0]
    k = 1
    while k * 2 < len(l): k *= 2
    return node(mth(l[:k]), mth(l[k:]))
def inclusion_root(i, n, leaf, proof):
    fn, sn, r = i, n - 1, leaf
    for p in proof:
        if sn == 0: return None
        if fn & 1 or fn == sn:
            r = node(p, r)
            if not fn & 1:
                while fn & 1 == 0 and fn != 0: fn >>= 1; sn >>= 1
        else:
            r = node(r, p)
        fn >>= 1; sn >>= 1
    return r if sn == 0 else None
def consistency_ok(m, n, proof, r1, r2):
    if m == n: return not proof and r1 == r2
    if m & (m - 1) == 0: proof = [r1] + proof
    fn, sn = m - 1, n - 1
    while fn & 1: fn >>= 1; sn >>= 1
    fr = sr = proof[0]
    for c in proof[1:]:
        if sn == 0: return False
        if fn & 1 or fn == sn:
            fr = node(c, fr); sr = node(c, sr)
            if not fn & 1:
                while fn & 1 == 0 and fn != 0: fn >>= 1; sn >>= 1
        else:
            sr = node(sr, c)
        fn >>= 1; sn >>= 1
    return sn == 0 and fr == r1 and sr == r2
def root_of(note): return base64.b64decode(note.split("\n")[2])
h = bytes.fromhex
def size_of(note): return int(note.split("\n")[1])
