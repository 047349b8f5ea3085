#!/bin/bash
# t505_faults: fault injection with libfiu on the submission path of a serving server, started
# under fiu-run -x (the POSIX wrappers) and steered with fiu-ctrl while it serves:
# - pwrite, fsync, fdatasync and rename failing at random (one client of four sends an
#   attachment each time), then the arena's allocations
#   ("agora/arena/alloc", src/util/arena.c) failing at random: every submission gets 201 or a
#   503 problem+json, never anything else, and the server never dies;
# - a full disk (pwrite, then fsync and fdatasync, failing with ENOSPC; write for an attachment's
#   blob): 503 whose detail says the disk is full; the fault disabled, the same server accepts
#   submissions again, with attachments too;
# - after a restart every response that got 201 is there, by id and content, exactly once, the
#   database passes PRAGMA integrity_check and the log verifies.
# SQLite only (tests/blackbox/sqlite-only): the faults reach the server's own system calls, and
# on PostgreSQL the database's writes and fsyncs are the PostgreSQL server's.
. "$(dirname "$0")/lib.sh"
cd "$(dirname "$0")/../.." || exit 1
ROUND=multilingual-internet
REAL=$AGORA
FIFO=$TMP/fiu
RUN=0
command -v fiu-run >/dev/null && command -v fiu-ctrl >/dev/null ||
	{ not_ok "fiu-run and fiu-ctrl are installed (apt-get install fiu-utils)"; finish; }

# fiu CMD: a libfiu remote-control command to the serving server (bounded: fiu-ctrl would wait
# for ever on the fifo of a server that died)
fiu() { kill -0 "$PID" 2>/dev/null && timeout 5 fiu-ctrl -f "$FIFO" -c "$1" "$PID"; }
# submit TAG [attach]: one submission (with attach: multipart, with a small text attachment of
# its own); appends "STATUS TAG ID" to $TMP/results, body in $TMP/sub-TAG
submit() {
	local code id body
	printf '{"respondent":{"name":"F %s","organization":"Org","job_title":"T","country":"KE","stakeholder_type":"academia","email":"f@example.org"},"publish_as":"name","language":"en","summary":"FI %s","answers":[{"question":1,"text":"Answer %s"}]}' \
		"$1" "$1" "$1" >"$TMP/req-$1.json"
	if [ "${2:-}" = attach ]; then
		printf 'A paper for %s.\n' "$1" >"$TMP/paper-$1.txt"
		body=(-F "response=<$TMP/req-$1.json;type=application/json" -F "attachments=@$TMP/paper-$1.txt;type=text/plain")
	else
		body=(-H 'Content-Type: application/json' --data-binary @"$TMP/req-$1.json")
	fi
	code=$(curl -s -o "$TMP/sub-$1" -D "$TMP/subh-$1" -w '%{http_code}' --max-time 20 -X POST \
		"${body[@]}" "$BASE/api/v1/consultations/$ROUND/responses")
	id=$(sed -n 's/^{"id":"\([^"]*\)".*/\1/p' "$TMP/sub-$1")
	echo "$code $1 ${id:-}" >>"$TMP/results"
	LAST=$code
}
# burst NAME COUNT: COUNT submissions from 4 clients at once (the fourth sends attachments)
burst() {
	local c
	for c in 1 2 3 4; do
		(for i in $(seq 1 $(($2 / 4))); do submit "$1-$c-$i" "$([ $c = 4 ] && echo attach)"; done) &
	done
	wait $(jobs -p | grep -vx "$PID")
}
# only_201_503 NAME: every answer of burst NAME is 201, or 503 problem+json
only_201_503() {
	local bad=0 code tag
	while read -r code tag _; do
		case $tag in "$1"-*) ;; *) continue ;; esac
		[ "$code" = 201 ] && continue
		if [ "$code" != 503 ] || ! grep -qi '^content-type: application/problem+json' "$TMP/subh-$tag"; then
			bad=$((bad + 1))
			echo "# $tag: $code $(head -c 200 "$TMP/sub-$tag")"
		fi
	done <"$TMP/results"
	[ $bad = 0 ]
}
count() { awk -v n="$1" -v s="$2" '$2 ~ "^" n "-" && $1 == s' "$TMP/results" | wc -l; }

init_data
AGORA_BIN_FIU=$TMP/agora-fiu
# (an ASan build, make asan, must not insist on coming first: fiu-run's libraries are preloaded)
printf '#!/bin/sh\nexport ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"\nexec fiu-run -x -f "%s" "%s" "$@"\n' \
	"$FIFO" "$REAL" >"$AGORA_BIN_FIU"
chmod +x "$AGORA_BIN_FIU"
AGORA=$AGORA_BIN_FIU start_server --submit-rate 0 --writer-batch 4
check "the server runs under fiu-run, with its control fifo" test -p "$FIFO-$PID.in"
submit base-1
check "no fault: 201" [ "$LAST" = 201 ]

# I/O faults at random on the calls a commit makes: SQLite writes with pwrite64 (libfiu's
# posix/io/rw/pwrite) and syncs with fdatasync or fsync; blobs are renamed into place. Not
# posix/io/rw/write: process-wide it also fails libmicrohttpd's eventfd wake-ups (a resumed
# connection then waits for the next event: curl times out), which no full or failing disk does.
IO_POINTS="posix/io/rw/pwrite posix/io/sync/fsync posix/io/sync/fdatasync posix/io/dir/rename"
for p in $IO_POINTS; do
	fiu "enable_random name=$p,probability=0.01"
done
burst io 80
for p in $IO_POINTS; do
	fiu "disable name=$p"
done
check "random I/O faults: the server is still up" kill -0 "$PID"
check "random I/O faults: every answer is 201 or 503 problem+json ($(count io 201) x 201, $(count io 503) x 503)" only_201_503 io
check "random I/O faults: some submissions failed (503) and some were stored (201)" \
	sh -c "[ $(count io 503) -gt 0 ] && [ $(count io 201) -gt 0 ]"
check "random I/O faults: submissions with attachments among the 201s ($(count io-4 201))" [ "$(count io-4 201)" -gt 0 ]
submit after-io-1
check "the faults disabled: 201 again, without a restart" [ "$LAST" = 201 ]

# The arena's allocations failing at random (a fault point in src/util/arena.c).
fiu "enable_random name=agora/arena/alloc,probability=0.02"
burst arena 80
fiu "disable name=agora/arena/alloc"
check "random allocation failures: the server is still up" kill -0 "$PID"
check "random allocation failures: every answer is 201 or 503 problem+json ($(count arena 201) x 201, $(count arena 503) x 503)" only_201_503 arena
check "random allocation failures: some submissions failed (503)" [ "$(count arena 503)" -gt 0 ]
submit after-arena-1
check "the fault disabled: 201 again" [ "$LAST" = 201 ]

# A full disk: the database's writes fail with ENOSPC (28), then its syncs do.
fiu "enable name=posix/io/rw/pwrite,failinfo=28"
submit full-1
check "a full disk: 503" [ "$LAST" = 503 ]
check "a full disk: the detail says the disk is full" grep -q '"detail":"[^"]*the disk is full' "$TMP/sub-full-1"
check "a full disk: problem+json with Retry-After" sh -c "grep -qi '^content-type: application/problem+json' '$TMP/subh-full-1' && grep -qi '^retry-after:' '$TMP/subh-full-1'"
fiu "disable name=posix/io/rw/pwrite"
# an attachment's bytes go to a blob file with write(): enabled for this request alone, which
# answers before any connection is suspended (see above)
fiu "enable name=posix/io/rw/write,failinfo=28"
submit full-att-1 attach
fiu "disable name=posix/io/rw/write"
check "a full disk under an attachment: 503 saying the disk is full" \
	sh -c "[ '$LAST' = 503 ] && grep -q '\"detail\":\"the disk is full' '$TMP/sub-full-att-1' || { echo '# $LAST'; head -c 300 '$TMP/sub-full-att-1'; false; }"
fiu "enable name=posix/io/sync/fdatasync,failinfo=28"
fiu "enable name=posix/io/sync/fsync,failinfo=28"
submit full-2
check "fsync failing with ENOSPC: 503 saying the disk is full" \
	sh -c "[ '$LAST' = 503 ] && grep -q 'the disk is full' '$TMP/sub-full-2' || { echo '# $LAST'; head -c 300 '$TMP/sub-full-2'; false; }"
submit full-att-2 attach
check "fsync failing with ENOSPC under an attachment: 503 saying the disk is full" \
	sh -c "[ '$LAST' = 503 ] && grep -q 'the disk is full' '$TMP/sub-full-att-2' || { echo '# $LAST'; head -c 300 '$TMP/sub-full-att-2'; false; }"
fiu "disable name=posix/io/sync/fdatasync"
fiu "disable name=posix/io/sync/fsync"
submit full-3
check "space back: the same server accepts submissions again (201)" [ "$LAST" = 201 ]
submit full-att-3 attach
check "space back: and attachments (201)" [ "$LAST" = 201 ]

# Every 201 is durable: a clean stop, the data checked, a restart.
stop_server
check "the server stops cleanly after the faults" [ "$STOP_RC" = 0 ]
awk '$1 == 201 { print $3, $2 }' "$TMP/results" >"$TMP/acks"
sql "SELECT r.public_id || ' ' || v.summary || ' ' || a.body FROM responses r
	JOIN response_versions v ON v.response_id = r.id AND v.version = 1
	JOIN response_answers a ON a.response_id = r.id AND a.version = 1 AND a.question = 1
	WHERE v.summary LIKE 'FI %'" >"$TMP/rows"
out=$(python3 - "$TMP/acks" "$TMP/rows" <<'EOF'
import sys
acks = [l.split() for l in open(sys.argv[1]) if l.strip()]
rows = {}
for l in open(sys.argv[2]):
    p = l.rstrip("\n").split(" ")
    rows.setdefault(p[2], []).append((p[0], p[4]))
bad = [a for a in acks if rows.get(a[1], []) != [(a[0], a[1])]]
dups = [t for t, v in rows.items() if len(v) > 1]
print(len(acks), len(bad) + len(dups), bad[:3], dups[:3])
EOF
)
check "every 201 is stored exactly once, by id and content ($out)" sh -c "echo '$out' | grep -q '^[0-9]* 0 '"
check "PRAGMA integrity_check: ok" [ "$(sqlite3 "$DATA/agora.db" 'PRAGMA integrity_check')" = ok ]
"$REAL" log verify --data "$DATA" >"$TMP/verify.out" 2>&1
check "agora log verify --data passes" [ $? = 0 ]
start_server --submit-rate 0
req GET "/api/v1/responses/$(awk '$1 == 201 { id = $3 } END { print id }' "$TMP/results")"
check "after a restart the last 201 is served" status_is 200
finish
