#!/bin/bash
# t340_ledger_interop: what the ledger library writes (tests/interop/ledger_gen.c: tlog-tiles,
# a signed checkpoint, the verifier key, inclusion and consistency proofs) verifies with Go's
# independent implementation (golang.org/x/mod/sumdb/note and sumdb/tlog, built by
# tests/interop/ledger_verify.go), and Go refuses it once a proof, the checkpoint, a tile or the
# key is tampered with. Needs golang-go and golang-golang-x-mod-dev (scripts/deps.sh): fails, not
# skips, without them.
. "$(dirname "$0")/lib.sh"
cd "$(dirname "$0")/../.." || exit 1
GEN=${B:-build}/tests/ledger_gen
VERIFY=$TMP/ledger_verify
L=$TMP/ledger

command -v go >/dev/null || { not_ok "go is installed (apt-get install golang-go)"; finish; }
test -d /usr/share/gocode/src/golang.org/x/mod/sumdb/tlog ||
	{ not_ok "golang-golang-x-mod-dev is installed"; finish; }
check "the generator is built (make $GEN)" test -x "$GEN"
mkdir -p "$TMP/gocache" "$L"
if GOCACHE=$TMP/gocache GO111MODULE=off GOPATH=/usr/share/gocode \
    go build -o "$VERIFY" tests/interop/ledger_verify.go >"$TMP/build.out" 2>&1; then
	ok "the Go verifier builds"
else
	not_ok "the Go verifier builds" "$(tail -5 "$TMP/build.out")"; finish
fi
# 66,543 leaves: full and partial tiles at levels 0 and 1, a partial tile at level 2
check "the C library writes a ledger" "$GEN" "$L" 66543

# verify DESC: Go accepts the ledger; refuse DESC: Go refuses it
verify() {
	if "$VERIFY" "$L" >"$TMP/v.out" 2>&1; then ok "$1"; else not_ok "$1" "$(tail -3 "$TMP/v.out")"; fi
}
refuse() {
	if "$VERIFY" "$L" >"$TMP/v.out" 2>&1; then
		not_ok "$1" "Go accepted it"
	else
		ok "$1 ($(tail -1 "$TMP/v.out"))"
	fi
}
verify "Go verifies the checkpoint, tiles and every proof"
grep -q '^ok 278 tile paths' "$TMP/v.out" && ok "all 278 tiles were checked" || not_ok "all 278 tiles were checked" "$(cat "$TMP/v.out")"
grep -q '^ok the signed root is the root of the 66543 entries' "$TMP/v.out" &&
	ok "Go's own tree of the entries has the signed root" || not_ok "Go's own tree of the entries has the signed root" "$(cat "$TMP/v.out")"
grep -q 'inclusion and [0-9]* consistency proofs verify' "$TMP/v.out" &&
	ok "Go counted the proofs" || not_ok "Go counted the proofs" "$(cat "$TMP/v.out")"

# A changed hash in one inclusion proof, then in one consistency proof.
cp "$L/proofs.txt" "$TMP/proofs.good"
flip_hash() {	# flip_hash KIND: changes the last hex digit of the first KIND line with a proof
	awk -v k="$1" '!done && $1 == k && NF > 5 { c = substr($NF, 64, 1); $NF = substr($NF, 1, 63) (c == "0" ? "1" : "0"); done = 1 } { print }' \
		"$TMP/proofs.good" >"$L/proofs.txt"
}
flip_hash inclusion
cmp -s "$L/proofs.txt" "$TMP/proofs.good" && not_ok "the inclusion proof was changed"
refuse "Go refuses a changed inclusion proof"
flip_hash consistency
cmp -s "$L/proofs.txt" "$TMP/proofs.good" && not_ok "the consistency proof was changed"
refuse "Go refuses a changed consistency proof"
cp "$TMP/proofs.good" "$L/proofs.txt"
verify "the restored proofs verify again"

# A checkpoint with another size, or another root, keeps its signature but no longer verifies.
cp "$L/checkpoint" "$TMP/checkpoint.good"
sed '2s/.*/66542/' "$TMP/checkpoint.good" >"$L/checkpoint"
refuse "Go refuses a checkpoint whose size was changed"
awk 'NR == 3 { c = substr($0, 1, 1); $0 = (c == "A" ? "B" : "A") substr($0, 2) } { print }' \
	"$TMP/checkpoint.good" >"$L/checkpoint"
cmp -s "$L/checkpoint" "$TMP/checkpoint.good" && not_ok "the root was changed"
refuse "Go refuses a checkpoint whose root was changed"
# A checkpoint signed by another key of the same name (a forged one).
"$GEN" "$TMP/other" 66543 >/dev/null 2>&1
cp "$TMP/other/checkpoint" "$L/checkpoint"
refuse "Go refuses a checkpoint signed by another key of that name"
cp "$TMP/checkpoint.good" "$L/checkpoint"
# The other ledger's verifier key does not open ours.
cp "$L/vkey" "$TMP/vkey.good"
cp "$TMP/other/vkey" "$L/vkey"
refuse "Go refuses our checkpoint under another verifier key"
cp "$TMP/vkey.good" "$L/vkey"

# A tile changed on disk: a full one, the right-edge partial one, a superseded partial one (a
# mirror may still serve it), one of level 1.
old_partial=1/000.p/$(ls "$L/tile/1/000.p" | head -1)
for t in 0/000 0/259.p/239 "$old_partial" 1/000; do
	tile=$L/tile/$t
	cp "$tile" "$TMP/tile.good"
	printf '\x55' | dd of="$tile" bs=1 seek=77 conv=notrunc 2>/dev/null
	cmp -s "$tile" "$TMP/tile.good" && printf '\x56' | dd of="$tile" bs=1 seek=77 conv=notrunc 2>/dev/null
	refuse "Go refuses the tile $t changed on disk"
	cp "$TMP/tile.good" "$tile"
done
verify "everything restored verifies again"
finish
