#!/usr/bin/env python3
# bombs.py KIND OUT: writes a hostile file, built here so that none is committed.
#   zip-bomb:  a DOCX whose word/document.xml inflates to 2 GiB of spaces (2 MB on disk)
#   zip-liar:  the same, but its headers claim 1,000 bytes
#   pdf-bomb:  a one-page PDF whose content stream is 5 million nested "q" (save state)
import struct, sys, zlib

def zip_file(entries):
    """entries: (name, raw deflate bytes or None for stored, data for stored, crc, size)"""
    out, central = bytearray(), bytearray()
    for name, method, payload, crc, size in entries:
        off = len(out)
        hdr = struct.pack('<IHHHHHIIIHH', 0x04034b50, 20, 0, method, 0, 0x21, crc, len(payload), size,
                          len(name), 0)
        out += hdr + name + payload
        central += struct.pack('<IHHHHHHIIIHHHHHII', 0x02014b50, 20, 20, 0, method, 0, 0x21, crc,
                               len(payload), size, len(name), 0, 0, 0, 0, 0, off) + name
    cd = len(out)
    out += central
    out += struct.pack('<IHHHHIIH', 0x06054b50, 0, 0, len(entries), len(entries), len(central), cd, 0)
    return bytes(out)

def spaces_deflate(mib):
    # One MiB of spaces, flushed so that the next MiB compresses to the same bytes: the stream is
    # that segment repeated, then an empty final block.
    co = zlib.compressobj(9, zlib.DEFLATED, -15)
    seg = co.compress(b' ' * (1 << 20)) + co.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    block = b' ' * (1 << 20)
    for _ in range(mib):
        crc = zlib.crc32(block, crc)
    return seg * mib + b'\x03\x00', crc & 0xffffffff

def docx(liar):
    types = (b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
             b'<Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" '
             b'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
    data, crc = spaces_deflate(2048)
    size = 1000 if liar else 2048 << 20
    rels = b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"/>'
    return zip_file([(b'[Content_Types].xml', 0, types, zlib.crc32(types), len(types)),
                     (b'_rels/.rels', 0, rels, zlib.crc32(rels), len(rels)),
                     (b'word/document.xml', 8, data, crc, size)])

def pdf():
    co = zlib.compressobj(9)
    body = co.compress(b'q ' * 5000000) + co.compress(b'BT /F1 12 Tf 72 700 Td (bomb) Tj ET') + co.flush()
    objs = [b'<< /Type /Catalog /Pages 2 0 R >>',
            b'<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
            b'<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>',
            b'<< /Length %d /Filter /FlateDecode >>\nstream\n' % len(body) + body + b'\nendstream',
            b'<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>']
    out, offs = bytearray(b'%PDF-1.4\n%\xe2\xe3\xcf\xd3\n'), []
    for i, o in enumerate(objs):
        offs.append(len(out))
        out += b'%d 0 obj\n' % (i + 1) + o + b'\nendobj\n'
    x = len(out)
    out += b'xref\n0 %d\n0000000000 65535 f \n' % (len(objs) + 1)
    for o in offs:
        out += b'%010d 00000 n \n' % o
    out += b'trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n' % (len(objs) + 1, x)
    return bytes(out)

kind, path = sys.argv[1], sys.argv[2]
data = {'zip-bomb': lambda: docx(False), 'zip-liar': lambda: docx(True), 'pdf-bomb': pdf}[kind]()
open(path, 'wb').write(data)
