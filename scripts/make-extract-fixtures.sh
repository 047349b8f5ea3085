#!/bin/sh
# make-extract-fixtures.sh: regenerates tests/fixtures/extract/ (committed, so tests need none of
# this). Needs Debian's python3-gi, python3-gi-cairo, gir1.2-pango-1.0, fonts-noto-core,
# fonts-noto-cjk and chromium (`sh scripts/deps.sh --fixtures` installs them). The PDFs come from
# two producers, cairo (through pango) and Chromium (Skia), because poppler's text of Arabic
# differs between them: see docs/EXTRACTION.md.
set -eu
cd "$(dirname "$0")/.."
out=tests/fixtures/extract
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
PY=/usr/bin/python3	# Debian's python, which has the gi bindings

# The sample paragraphs, one per language: lang|text. The unit test looks for pieces of them.
cat >"$tmp/text.txt" <<'TXT'
ar|تحسين الاتصالات في المناطق الريفية لا يزال أولوية للدول الأعضاء.
ar|في عام 2026 قدمت ITU تقريرا عن الاتصالات.
zh-CN|农村地区的宽带接入仍然是优先事项。
en|Broadband access in rural areas remains a priority.
fr|L'accès au haut débit dans les zones rurales reste une priorité.
ru|Широкополосный доступ в сельских районах остаётся приоритетом.
TXT

# A page all in Arabic (poppler reads such a page right to left), with a number and a Latin word.
cat >"$tmp/arabic.txt" <<'TXT'
ar|في عام 2026 قدمت ITU تقريرا عن الاتصالات.
ar|تحسين الاتصالات في المناطق الريفية لا يزال أولوية للدول الأعضاء.
TXT

# cairo through pango: FONT names the Arabic face (Noto Sans Arabic draws lam-alef as one
# ligature glyph; Noto Naskh Arabic as two overlapping glyphs).
cat >"$tmp/pango.py" <<'PYEOF'
import sys, gi
gi.require_version('Pango', '1.0'); gi.require_version('PangoCairo', '1.0')
gi.require_foreign('cairo')
import cairo
from gi.repository import Pango, PangoCairo
out, src, arabic = sys.argv[1], sys.argv[2], sys.argv[3]
s = cairo.PDFSurface(out, 595, 842)
cr = cairo.Context(s)
if src == '-':	# no text at all: a grey rectangle as an image, like a scan
    img = cairo.ImageSurface(cairo.FORMAT_RGB24, 200, 100)
    ic = cairo.Context(img); ic.set_source_rgb(0.8, 0.8, 0.8); ic.paint()
    cr.set_source_surface(img, 50, 50); cr.paint()
    s.finish(); sys.exit(0)
y = 50
for line in open(src, encoding='utf-8').read().split('\n'):
    if not line:
        continue
    lang, text = line.split('|', 1)
    lay = PangoCairo.create_layout(cr)
    lay.set_width(495 * Pango.SCALE)
    lay.set_wrap(Pango.WrapMode.WORD)
    lay.set_auto_dir(True)
    lay.set_font_description(Pango.FontDescription.from_string("Noto Sans, Noto Sans CJK SC, %s 14" % arabic))
    attrs = Pango.AttrList()
    attrs.insert(Pango.attr_language_new(Pango.Language.from_string(lang)))
    lay.set_attributes(attrs)
    lay.set_text(text, -1)
    cr.move_to(50, y)
    PangoCairo.show_layout(cr, lay)
    y += lay.get_pixel_size()[1] + 20
s.finish()
PYEOF
$PY "$tmp/pango.py" "$out/multi-cairo.pdf" "$tmp/text.txt" "Noto Sans Arabic"
$PY "$tmp/pango.py" "$out/multi-cairo-naskh.pdf" "$tmp/text.txt" "Noto Naskh Arabic"
$PY "$tmp/pango.py" "$out/ar-cairo.pdf" "$tmp/arabic.txt" "Noto Sans Arabic"
$PY "$tmp/pango.py" "$out/scan.pdf" - -

# Chromium's "print to PDF" (Skia), with the same two Arabic faces.
chromium_pdf() {	# FONT OUT [TEXT]
{
	echo "<!doctype html><html><head><meta charset=\"utf-8\"><style>body{font-family:\"Noto Sans\",\"$1\",\"Noto Sans CJK SC\";font-size:14pt}</style></head><body>"
	while IFS='|' read -r lang text; do
		dir=ltr; [ "$lang" = ar ] && dir=rtl
		echo "<p lang=\"$lang\" dir=\"$dir\">$text</p>"
	done <"${3:-$tmp/text.txt}"
	echo '</body></html>'
} >"$tmp/page.html"
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
	--disable-background-networking --disable-component-update --disable-sync \
	--no-pdf-header-footer --user-data-dir="$tmp/chromium" \
	--print-to-pdf="$PWD/$out/$2" "file://$tmp/page.html" >/dev/null 2>&1
[ -s "$out/$2" ] || { echo "chromium made no PDF" >&2; exit 1; }
}
chromium_pdf "Noto Sans Arabic" multi-chromium.pdf
chromium_pdf "Noto Naskh Arabic" multi-chromium-naskh.pdf
chromium_pdf "Noto Sans Arabic" ar-chromium.pdf "$tmp/arabic.txt"
chromium_pdf "Noto Naskh Arabic" ar-chromium-naskh.pdf "$tmp/arabic.txt"

# DOCX and ODT: hand-written minimal XML in zip files.
$PY - "$out" <<'PYEOF'
import sys, zipfile, os
out = sys.argv[1]
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
CT = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
      '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
      '<Default Extension="xml" ContentType="application/xml"/>'
      '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
      '</Types>')
RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
        '</Relationships>')

def docx(name, body, prolog='', raw=None):
    with zipfile.ZipFile(os.path.join(out, name), 'w', zipfile.ZIP_DEFLATED) as z:
        z.writestr('[Content_Types].xml', CT)
        z.writestr('_rels/.rels', RELS)
        if raw is not None:
            z.writestr('word/document.xml', raw)
        else:
            z.writestr('word/document.xml', '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' + prolog +
                       '<w:document %s><w:body>%s</w:body></w:document>' % (W, body))

# A phrase split across runs (as Word does after an edit), a tab and a line break, Arabic too.
docx('split-runs.docx',
     '<w:p><w:r><w:t>The conn</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>ectivity</w:t></w:r>'
     '<w:r><w:t xml:space="preserve"> of rural schools</w:t></w:r></w:p>'
     '<w:p><w:r><w:t>Item</w:t><w:tab/><w:t>Value</w:t><w:br/><w:t>Next line</w:t></w:r></w:p>'
     '<w:p><w:r><w:t>الاتصالات لا تزال</w:t></w:r></w:p>')
# Tracked changes: deleted text and a field code must not be indexed.
docx('deleted.docx',
     '<w:p><w:r><w:t>Kept sentence.</w:t></w:r>'
     '<w:del w:id="1" w:author="x"><w:r><w:delText>Withdrawn secret wording</w:delText></w:r></w:del>'
     '<w:r><w:instrText xml:space="preserve"> HYPERLINK "http://example.invalid" </w:instrText></w:r>'
     '<w:ins w:id="2" w:author="x"><w:r><w:t> Inserted words.</w:t></w:r></w:ins></w:p>')
# Billion laughs: ten levels of ten references each.
laughs = '<!DOCTYPE w:document [<!ENTITY lol "lol">'
for i in range(1, 10):
    laughs += '<!ENTITY lol%d "%s">' % (i, ('&lol%s;' % (i - 1 if i > 1 else '')) * 10)
laughs += ']>'
docx('laughs.docx', '<w:p><w:r><w:t>Before &lol9; after</w:t></w:r></w:p>', prolog=laughs)
# An external entity: a local file and a URL; neither may be read.
docx('xxe.docx', '<w:p><w:r><w:t>Start &file; &net; end</w:t></w:r></w:p>',
     prolog='<!DOCTYPE w:document [<!ENTITY file SYSTEM "file:///etc/hostname">'
            '<!ENTITY net SYSTEM "http://127.0.0.1:9/x">]>')
# Zip bombs: a document.xml of 100 MiB (over the size cap), and one of 8 MiB that inflates from
# a few kilobytes (over the ratio cap). Both must be refused before anything is inflated.
pad = ' ' * (100 << 20)
docx('bomb-size.docx', None, raw='<w:document %s><w:body><w:p><w:r><w:t>x</w:t></w:r></w:p>%s</w:body></w:document>' % (W, pad))
pad = ' ' * (8 << 20)
docx('bomb-ratio.docx', None, raw='<w:document %s><w:body><w:p><w:r><w:t>x</w:t></w:r></w:p>%s</w:body></w:document>' % (W, pad))

# ODT: a heading, spaces, a tab, a line break, and a tracked deletion.
T = 'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
content = ('<?xml version="1.0" encoding="UTF-8"?>'
           '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" %s office:version="1.2">'
           '<office:body><office:text>'
           '<text:tracked-changes><text:changed-region text:id="c1"><text:deletion>'
           '<text:p>Removed clause</text:p></text:deletion></text:changed-region></text:tracked-changes>'
           '<text:h text:outline-level="1">Rural connectivity</text:h>'
           '<text:p>Connec<text:span>tivity</text:span> of<text:s text:c="3"/>schools<text:tab/>2026<text:line-break/>Приоритет остаётся.</text:p>'
           '</office:text></office:body></office:document-content>') % T
with zipfile.ZipFile(os.path.join(out, 'sample.odt'), 'w', zipfile.ZIP_DEFLATED) as z:
    z.writestr(zipfile.ZipInfo('mimetype'), 'application/vnd.oasis.opendocument.text')
    z.writestr('META-INF/manifest.xml',
               '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
               '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>'
               '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>')
    z.writestr('content.xml', content)
PYEOF
ls -l "$out"
