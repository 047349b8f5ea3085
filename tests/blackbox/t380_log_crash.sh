#!/bin/bash
# t380_log_crash: kill -9 of the server under submission load. Every receipt handed out before
# the kill names a response that is still there after the restart, and still verifies with Go's
# independent implementation against the pinned key: its checkpoint's signature, its entry's hash,
# its inclusion proof, and the consistency of the new checkpoint with the receipt's
# (tests/interop/receipt_verify.go). The log then agrees with the stored rows, and the log's own
# tool checks a receipt from outside the same way. Needs golang-go and golang-golang-x-mod-dev.
. "$(dirname "$0")/lib.sh"
cd "$(dirname "$0")/../.." || exit 1
ROUND=multilingual-internet
VERIFY=$TMP/receipt_verify
WORKERS=4
EACH=60
same_rc() { [ "$1" = "$2" ] || { echo "# exit status $1, wanted $2"; return 1; }; }

command -v go >/dev/null || { not_ok "go is installed (apt-get install golang-go)"; finish; }
mkdir -p "$TMP/gocache"
if GOCACHE=$TMP/gocache GO111MODULE=off GOPATH=/usr/share/gocode \
    go build -o "$VERIFY" tests/interop/receipt_verify.go >"$TMP/build.out" 2>&1; then
	ok "the Go receipt verifier builds"
else
	not_ok "the Go receipt verifier builds" "$(tail -5 "$TMP/build.out")"; finish
fi
init_data
start_server --submit-rate 0 --writer-batch 16
VKEY=$(curl -s "$BASE/api/v1/log/key")
check "the key is served in signed-note form" sh -c "echo '$VKEY' | grep -q '^agora.localhost/log+[0-9a-f]\{8\}+A'"

# Workers submit one after another and keep every answer that says 201.
worker() {
	local w=$1 i code
	for i in $(seq 1 $EACH); do
		printf '{"respondent":{"name":"W%s-%s","organization":"Org","job_title":"T","country":"KE","stakeholder_type":"academia","email":"w@example.org"},"publish_as":"name","language":"en","summary":"Load %s %s","answers":[{"question":1,"text":"Answer %s %s"}]}' \
			"$w" "$i" "$w" "$i" "$w" "$i" >"$TMP/req-$w.json"
		code=$(curl -s -o "$TMP/ans-$w-$i.json" -w '%{http_code}' --max-time 10 -X POST \
			-H 'Content-Type: application/json' --data-binary @"$TMP/req-$w.json" \
			"$BASE/api/v1/consultations/$ROUND/responses") || true
		if [ "$code" = 201 ]; then mv "$TMP/ans-$w-$i.json" "$TMP/receipt-$w-$i.json"; else rm -f "$TMP/ans-$w-$i.json"; fi
	done
}
for w in $(seq 1 $WORKERS); do worker "$w" & done
# Kill once some receipts are out, while the workers still submit.
for _ in $(seq 1 200); do
	[ "$(ls "$TMP"/receipt-* 2>/dev/null | wc -l)" -ge 40 ] && break
	sleep 0.02
done
kill -KILL "$PID"
wait "$PID" 2>/dev/null
PID=""
wait
GOT=$(ls "$TMP"/receipt-* 2>/dev/null | wc -l)
check "receipts were handed out before the kill ($GOT), and not all ($((WORKERS * EACH)))" \
	sh -c "[ $GOT -ge 40 ] && [ $GOT -lt $((WORKERS * EACH)) ]"

start_server --submit-rate 0
missing=0
for f in "$TMP"/receipt-*; do
	id=$(python3 -c "import json; print(json.load(open('$f'))['id'])")
	c=$(curl -s -o /dev/null -w '%{http_code}' "$BASE/api/v1/responses/$id")
	[ "$c" = 200 ] || { missing=$((missing + 1)); echo "# response $id: $c after the restart"; }
done
check "every response acknowledged before the kill is there after the restart" [ $missing = 0 ]
# A few more after the restart: the new checkpoints grow from the recovered tree.
for i in 1 2 3; do
	printf '{"respondent":{"name":"After %s","organization":"Org","job_title":"T","country":"KE","stakeholder_type":"academia","email":"w@example.org"},"publish_as":"name","language":"en","summary":"After","answers":[{"question":1,"text":"After %s"}]}' "$i" "$i" >"$TMP/req.json"
	req POST /api/v1/consultations/$ROUND/responses -H 'Content-Type: application/json' --data-binary @"$TMP/req.json"
done
check "submissions after the restart: 201" status_is 201
cp "$TMP/b" "$TMP/receipt-after.json"
if "$VERIFY" "$BASE" "$VKEY" "$TMP"/receipt-* >"$TMP/go.out" 2>&1; then
	ok "Go verifies every receipt against the pinned key, and the new checkpoint is consistent with each ($(grep -c '^ok' "$TMP/go.out") receipts)"
else
	not_ok "Go verifies every receipt against the pinned key" "$(tail -3 "$TMP/go.out")"
fi
"$AGORA" log verify --url "$BASE" --key "$VKEY" --receipt "$(ls "$TMP"/receipt-1-* | head -1)" >"$TMP/cli.out" 2>&1
check "agora log verify --url: a receipt from before the kill verifies" same_rc $? 0
# A receipt whose checkpoint another key signed is refused by Go.
"$AGORA" log keygen --name agora.localhost/log --out "$TMP/other.key" >"$TMP/other.vkey"
if "$VERIFY" "$BASE" "$(cat "$TMP/other.vkey")" "$TMP/receipt-after.json" >"$TMP/go2.out" 2>&1; then
	not_ok "a receipt checked against another key of the same name: refused" "Go accepted it"
else
	ok "a receipt checked against another key of the same name: refused"
fi
stop_server
"$AGORA" log verify --data "$DATA" >"$TMP/v.out" 2>&1
check "agora log verify --data after the kill: the log agrees with the rows" same_rc $? 0
finish
