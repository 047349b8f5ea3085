#!/bin/bash
# t510_regressions: known kinds of bugs, each kept out by a test. A NUL byte in a multipart
# boundary (CVE-2023-27371); a request whose length is ambiguous (Content-Length headers that
# disagree, Content-Length with Transfer-Encoding: refused and the connection closed, so that a
# request hidden in the body is never answered as its own); path and control characters in
# attachment file names; a zip bomb, a lying zip and a PDF bomb, stopped in the extraction worker
# (its caps, its resource limits) while the server and other submissions go on; stopping while
# requests arrive (libmicrohttpd's quiesce race).
. "$(dirname "$0")/lib.sh"
ABUSE=$(cd "$(dirname "$0")/../abuse" && pwd)
FIX=$(cd "$(dirname "$0")" && pwd)/fixtures
JANE=$FIX/resp-jane.json
ROUND=multilingual-internet
SUB=/api/v1/consultations/$ROUND/responses
init_data
start_server --submit-rate 0 --page-cache-ms 0

same() { [ "$1" = "$2" ] || { echo "# got '$1', wanted '$2'"; return 1; }; }
matches() { [[ $1 =~ $2 ]] || { echo "# '$1' does not match $2"; return 1; }; }
stored() { sql "SELECT (SELECT COUNT(*) FROM responses) || '/' || (SELECT COUNT(*) FROM response_attachments)"; }
# raw: stdin's bytes on one connection; the answer in $TMP/raw (last line: closed or open)
raw() { python3 "$ABUSE/rawhttp.py" "$PORT" "${1:-2}" >"$TMP/raw"; }
answers() { grep -ac '^HTTP/1\.[01] ' "$TMP/raw"; }
statuses() { grep -a '^HTTP/1\.[01] ' "$TMP/raw" | cut -d' ' -f2 | tr '\n' ' ' | sed 's/ $//'; }
hidden='GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n'	# 34 bytes

# ---- A NUL byte in a multipart boundary ---------------------------------------------------------
before=$(stored)
body='--ab\0cd\r\nContent-Disposition: form-data; name="response"\r\n\r\n{}\r\n--ab\0cd--\r\n'
len=$(printf -- "$body" | wc -c)
printf -- "POST $SUB HTTP/1.1\r\nHost: t\r\nContent-Type: multipart/form-data; boundary=ab\0cd\r\nContent-Length: $len\r\n\r\n$body" | raw
check "NUL in the multipart boundary: one answer, 400" same "$(statuses)" 400
check "NUL in the boundary: a problem+json body" grep -aq '^Content-Type: application/problem+json' "$TMP/raw"
check "NUL in the boundary: the problem says the form is malformed" grep -aq '"status":400,"detail":"the form body is malformed"' "$TMP/raw"
check "NUL in the boundary: nothing stored" same "$(stored)" "$before"

# ---- Ambiguous lengths: never a smuggled request ------------------------------------------------
printf "POST $SUB HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: 0\r\nContent-Length: 34\r\n\r\n$hidden" | raw
check "Content-Length 0 then 34 (a GET hidden in the body): one answer, 400" same "$(statuses)" 400
check "  the hidden GET /healthz is not answered" sh -c "! grep -aq '\"status\":\"ok\"' '$TMP/raw'"
check "  the problem names the ambiguous length" grep -aq "the request's length is ambiguous" "$TMP/raw"
check "  Connection: close, and the server closed it" sh -c "grep -aq '^Connection: close' '$TMP/raw' && [ \"\$(tail -1 '$TMP/raw')\" = closed ]"
printf "POST $SUB HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: 34\r\nContent-Length: 0\r\n\r\n$hidden" | raw
check "Content-Length 34 then 0: one answer, 400, closed" same "$(statuses)/$(tail -1 "$TMP/raw")" "400/closed"
printf "GET /healthz HTTP/1.1\r\nHost: t\r\nContent-Length: 34\r\nContent-Length: 0\r\n\r\n$hidden" | raw
check "a GET with Content-Length 34 and 0: one answer, 400" same "$(statuses)" 400
printf "POST $SUB HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n$hidden" | raw
check "Transfer-Encoding chunked with Content-Length: one answer, 400, closed (RFC 9112 6.3)" same "$(statuses)/$(tail -1 "$TMP/raw")" "400/closed"
printf "POST $SUB HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: 2\r\ncontent-length: 2\r\n\r\n{}$hidden" | raw
check "equal Content-Lengths (2, 2) are one length (RFC 9112 6.3): the 2-byte body judged (422), then the next request answered" same "$(statuses)" "422 200"
check "nothing stored by any of them" same "$(stored)" "$before"
check "each refusal is logged" same "$(grep -c 'msg="ambiguous request length: refused" addr=127.0.0.1 ' "$TMP/serve.err")" 4

# ---- Path and control characters in attachment file names ---------------------------------------
python3 "$ABUSE/multipart.py" "$PORT" "$SUB" "$JANE" "b'../../../../tmp/t510-escape.txt'" "b'/etc/t510-abs.txt'" \
	"b'..\\\\..\\\\t510-win.txt'" "b'ctl\\x1b[31m\\x07\\x7f.txt'" "b'..'" "b'caf\\xc3\\xa9 notes.txt'" >"$TMP/b"
check "a submission with hostile file names: 201" same "$(head -1 "$TMP/b")" 201
sed -i 1d "$TMP/b"
ID=$(json 'j["id"]')
req GET "/api/v1/responses/$ID"
names=$(json '"|".join(a["filename"] for a in j["attachments"])')
check "../, /, \\, control characters and '..' are stored as attachment-N.txt; an ordinary UTF-8 name is kept" \
	same "$names" 'attachment-1.txt|attachment-2.txt|attachment-3.txt|attachment-4.txt|attachment-5.txt|café notes.txt'
check "no file was written outside the data folder" sh -c '! ls /tmp/t510-escape.txt /etc/t510-abs.txt "$1/../t510-win.txt" "$1/t510-win.txt" 2>/dev/null | grep -q .' _ "$DATA"
check "no file in the data folder is named after an attachment" sh -c '! find "$1" -name "*t510*" | grep -q .' _ "$DATA"
cd_ok=0
# printable ASCII but '"' and '\' in the fallback; only unreserved characters and %XX in filename*
CD_RE='^attachment; filename="[] !#-[^-~]*"; filename\*=UTF-8'"''"'[A-Za-z0-9._~%-]*$'
for k in 1 2 3 4 5 6; do
	req GET "/responses/$ID/attachments/$k"
	cd=$(header Content-Disposition)
	if [ "$STATUS" = 200 ] && body_has "note number $k," && [[ $cd =~ $CD_RE ]]; then
		cd_ok=$((cd_ok + 1))
	else
		echo "# attachment $k: $STATUS, Content-Disposition: $cd"
	fi
done
check "each of the 6 is served, its own bytes, with a Content-Disposition of printable ASCII and a %-encoded UTF-8 name" same "$cd_ok" 6
check "the ordinary name keeps its UTF-8 in filename*, '_' in the ASCII fallback" same "$cd" "attachment; filename=\"caf__ notes.txt\"; filename*=UTF-8''caf%C3%A9%20notes.txt"
# A NUL byte inside filename="...": libmicrohttpd cannot read the name and hands the part over as
# a text field. It was dropped while the submission got 201; now it is refused.
before=$(stored)
python3 "$ABUSE/multipart.py" "$PORT" "$SUB" "$JANE" "b'nul\\x00byte.txt'" >"$TMP/b"
check "a file name with a NUL byte: 400, not a 201 that dropped the file" same "$(head -1 "$TMP/b")" 400
sed -i 1d "$TMP/b"
check "  the problem names the attachments field" same "$(json 'j["errors"][0]["field"] if "errors" in j else j')" attachments
check "  nothing stored" same "$(stored)" "$before"

# ---- Bombs: the worker stops them; the server and other submissions go on -------------------------
python3 "$ABUSE/bombs.py" zip-bomb "$TMP/bomb.docx"
python3 "$ABUSE/bombs.py" zip-liar "$TMP/liar.docx"
python3 "$ABUSE/bombs.py" pdf-bomb "$TMP/bomb.pdf"
check "the bombs are small on disk (docx 2 MB, pdf 10 KB)" same "$(( $(stat -c %s "$TMP/bomb.docx") < 3000000 && $(stat -c %s "$TMP/bomb.pdf") < 100000 ))" 1
sha() { sha256sum "$1" | cut -d' ' -f1; }
printf 'an ordinary note\n' >"$TMP/ordinary.txt"
t0=$(date +%s%N)
req POST "$SUB" -F "response=<$JANE;type=application/json" -F "attachments=@$TMP/bomb.docx" -F "attachments=@$TMP/liar.docx" -F "attachments=@$TMP/bomb.pdf"
check "a submission with a zip bomb, a lying zip and a PDF bomb: 201 (stored as sent)" status_is 201
BOMB_ID=$(json 'j["id"]')
# While the worker chews: the server answers and takes other submissions.
slow=0
for _ in $(seq 1 10); do
	s=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' --max-time 5 "$BASE/healthz")
	[ "${s%% *}" = 200 ] && python3 -c "import sys; sys.exit(0 if float('${s#* }') < 1 else 1)" || slow=$((slow + 1))
	sleep 0.2
done
check "GET /healthz during the extraction: 10 times 200 within 1 s" same "$slow" 0
req POST "$SUB" -F "response=<$JANE;type=application/json" -F "attachments=@$TMP/ordinary.txt"
check "another submission during the extraction: 201" status_is 201
ORD_ID=$(json 'j["id"]')
state() { sql "SELECT status FROM file_texts WHERE sha256 = '$(sha "$1")'"; }
for _ in $(seq 1 300); do
	[ -n "$(state "$TMP/bomb.pdf")" ] && [ -n "$(state "$TMP/bomb.docx")" ] && [ -n "$(state "$TMP/liar.docx")" ] && [ -n "$(state "$TMP/ordinary.txt")" ] && break
	sleep 0.1
done
echo "# the three bombs were judged in $((($(date +%s%N) - t0) / 1000000)) ms"
check "the zip bomb's text status: failed" same "$(state "$TMP/bomb.docx")" failed
check "the lying zip's text status: failed" same "$(state "$TMP/liar.docx")" failed
# Built with AddressSanitizer the worker has no memory limit (src/extract/extract.c: the
# sanitizer's allocator needs the address space), so only the 30 s CPU limit can stop the PDF
# bomb, and whether poppler reads it whole first depends on the machine's speed (a quiet
# machine's fresh-clone run read it in 28 s, text status ok). There the PDF bomb's three checks
# are left out (and not counted); the other two bombs are checked as everywhere.
PDF_BOMB_CHECKED=1
[ "${AGORA_ASAN:-0}" = 1 ] && PDF_BOMB_CHECKED=0
[ "$PDF_BOMB_CHECKED" = 1 ] && check "the PDF bomb's text status: failed" same "$(state "$TMP/bomb.pdf")" failed
check "the ordinary attachment beside them: ok" same "$(state "$TMP/ordinary.txt")" ok
check "no extraction job left pending or running, none retried" same "$(sql "SELECT COUNT(*) FROM jobs WHERE kind = 'extract' AND (state IN ('pending', 'running') OR attempts > 1)")" 0
req GET "/api/v1/responses/$BOMB_ID/receipt"
if [ "$PDF_BOMB_CHECKED" = 1 ]; then
	check "the receipt says the three could not be read" same "$(json '[(a["filename"], a["reason"]) for a in j["not_searchable"]]')" "[('bomb.docx', 'failed'), ('liar.docx', 'failed'), ('bomb.pdf', 'failed')]"
else
	check "the receipt says the two zips could not be read" same "$(json '[(a["filename"], a["reason"]) for a in j["not_searchable"] if a["filename"] != "bomb.pdf"]')" "[('bomb.docx', 'failed'), ('liar.docx', 'failed')]"
fi
log_of() { grep "msg=\"text extraction failed\" path=\"[^\"]*$(sha "$1")\"" "$TMP/serve.err"; }
check "log: the zip bomb was refused from its header (2 GiB over the 64 MiB cap), before inflating" \
	matches "$(log_of "$TMP/bomb.docx")" 'ended="exit 13" .*word/document.xml would inflate to 2147483648 bytes \(at most 67108864\)'
check "log: the lying zip was caught when its part grew past the size its header gave" \
	matches "$(log_of "$TMP/liar.docx")" 'ended="exit 13" .*is not the size its header says'
# The memory limit stops it (RLIMIT_AS 1 GiB: bad_alloc, SIGABRT); built with AddressSanitizer,
# whose allocator reserves its own memory and fails otherwise, the CPU limit does (SIGXCPU).
[ "$PDF_BOMB_CHECKED" = 1 ] && check "log: the PDF bomb hit one of the worker's limits (memory: bad_alloc, SIGABRT; or CPU: SIGXCPU)" \
	matches "$(log_of "$TMP/bomb.pdf")" 'ended="(signal 6 \(Aborted\)" limits="cpu=30s as=1073741824" worker="terminate called after throwing an instance of .std::bad_alloc|signal 24 \(CPU time limit exceeded\)" limits="cpu=30s as=1073741824")'
rss=$(awk '/^VmHWM/ {print $2}' "/proc/$PID/status")
check "the server's own peak memory stayed small (VmHWM ${rss} kB < 300 MB): the bombs went off in the worker" same "$((rss < 300000))" 1
check "the server is still running" kill -0 "$PID"
req GET "/api/v1/responses/$ORD_ID"
check "the other submission is there" status_is 200
req POST "$SUB" -F "response=<$JANE;type=application/json"
check "a submission after the bombs: 201" status_is 201
stop_server
check "the server stops cleanly" same "$STOP_RC" 0

# ---- Stopping while requests arrive ------------------------------------------------------------
# libmicrohttpd 0.9.75's MHD_quiesce_daemon() races its own epoll worker threads for the listening
# socket and aborts the process when it loses ("Failed to remove listen FD from epoll set": once in
# a CI run, in t50). The server does not quiesce: its accept policy refuses new connections while
# it stops, and MHD_stop_daemon() closes the socket.
check "the server does not call MHD_quiesce_daemon" sh -c "! nm -D --undefined-only '$AGORA' | grep -q MHD_quiesce_daemon"
bad=0
for i in $(seq 1 20); do
	start_server --threads 2
	(for j in $(seq 1 40); do curl -s -o /dev/null --max-time 2 "$BASE/healthz"; done) &
	load=$!
	sleep 0.1
	stop_server
	[ "$STOP_RC" = 0 ] || { bad=$((bad + 1)); tail -2 "$TMP/serve.err"; }
	kill "$load" 2>/dev/null
	wait "$load" 2>/dev/null
done
check "20 stops with requests arriving: each exits 0" same "$bad" 0
finish
