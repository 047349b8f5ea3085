#!/bin/bash
# t360_log_tools: the outside log tools (docs/LEDGER-TOOLS.md): `agora log verify --url`, `agora log
# witness` and `agora log monitor`, against a fake log (tests/interop/fake_log.py serving what
# `ledger_gen log` writes: real entries, tiles, entry bundles, proofs, receipts) that the test
# grows, forges, shrinks, forks and damages; each tool must accept the good log and refuse every
# bad one, naming the step, and keep its state when it refuses.
. "$(dirname "$0")/lib.sh"
cd "$(dirname "$0")/../.." || exit 1
GEN=${B:-build}/tests/ledger_gen
FAKE_PID=""
trap '[ -n "$FAKE_PID" ] && kill "$FAKE_PID" 2>/dev/null; cleanup' EXIT

check "the generator is built (make $GEN)" test -x "$GEN"
K=$TMP/logkey
# gen NAME N [fork=K] [bad=K]: a log in $TMP/NAME with the log key $K
gen() { name=$1; shift; rm -rf "${TMP:?}/$name"; "$GEN" log "$TMP/$name" "$1" "$K" "${@:2}" >"$TMP/gen.out" 2>&1 || { echo "# gen $name failed"; cat "$TMP/gen.out"; }; }
# serve NAME: the fake log now serves $TMP/NAME
serve() { ln -sfn "$TMP/$1" "$TMP/served"; }
gen l300 300
gen l700 700
gen l800 800
gen short 500
gen fork700 700 fork=350
gen fork800 800 fork=350
gen bad800 800 bad=750
gen rules800 800 orphan=710 back=760
"$GEN" log "$TMP/other" 300 "$TMP/otherkey" >/dev/null 2>&1	# the same name, another key
serve l300
python3 tests/interop/fake_log.py "$TMP/served" "$TMP/port" 2>"$TMP/fake.err" &
FAKE_PID=$!
for _ in $(seq 1 100); do [ -s "$TMP/port" ] && break; sleep 0.05; done
URL=http://127.0.0.1:$(cat "$TMP/port")
VKEY=$(cat "$TMP/l300/vkey")

# run DESC WANT_RC GREP CMD...: the command exits WANT_RC and its stdout has GREP
run() {
	d=$1 want=$2 pat=$3; shift 3
	"$@" >"$TMP/out" 2>"$TMP/err"; rc=$?
	if [ "$rc" = "$want" ] && { [ -z "$pat" ] || grep -q -- "$pat" "$TMP/out"; }; then ok "$d"
	else not_ok "$d" "exit $rc (wanted $want); $(tr '\n' '|' <"$TMP/out" | tail -c 400) $(head -c 200 "$TMP/err")"; fi
}
cosig() { "$GEN" cosig-verify "$@" >/dev/null; }
verify() { "$AGORA" log verify --url "$URL" --key "$VKEY" --receipt "$@"; }

# --- verify --url ------------------------------------------------------------------------------
run "a good receipt verifies" 0 "^verified: leaf 4" verify "$TMP/l300/receipt-4.json"
grep -q "salt and content SHA-256 give" "$TMP/out" && ok "the commitment was checked" || not_ok "the commitment was checked"
python3 -c "import json; r=json.load(open('$TMP/l300/receipt-1.json')); json.dump({'id':'x','receipt':r}, open('$TMP/answer.json','w'))"
run "the whole submission answer is taken too" 0 "^verified: leaf 1" verify "$TMP/answer.json"
run "the key may be given as a file" 0 "^verified" "$AGORA" log verify --url "$URL" --key "$TMP/l300/vkey" --receipt "$TMP/l300/receipt-1.json"
# alter FIELD PYTHON: a copy of receipt 4 changed by the python statement on r
alter() { python3 -c "import json; r=json.load(open('$TMP/l300/receipt-4.json')); $1; json.dump(r, open('$TMP/bad.json','w'))"; }
alter "r['entry']['version']=2"
run "an altered entry is refused at the receipt step" 1 "^FAILED  receipt: the entry's inputs do not hash" verify "$TMP/bad.json"
alter "r['salt']='00'*32"
run "an altered salt is refused" 1 "^FAILED  receipt: the salt and content" verify "$TMP/bad.json"
alter "p=r['inclusion_proof']; p[2]=('1' if p[2][0]!='1' else '2')+p[2][1:]"
run "an altered proof is refused" 1 "^FAILED  receipt: the inclusion proof does not lead" verify "$TMP/bad.json"
alter "l=r['checkpoint'].split('\n'); l[1]='301'; r['checkpoint']='\n'.join(l)"
run "an altered checkpoint is refused" 1 "^FAILED  receipt: the signature by agora.test/log does not verify" verify "$TMP/bad.json"
alter "r['checkpoint']=open('$TMP/other/checkpoint').read()"
run "a receipt checkpoint signed by another key is refused" 1 "^FAILED  receipt: the note is signed by a key named agora.test/log with another key id" verify "$TMP/bad.json"
run "a key that is not the log's is refused" 1 "^FAILED  receipt" "$AGORA" log verify --url "$URL" --key "$(cat "$TMP/other/vkey")" --receipt "$TMP/l300/receipt-4.json"
run "usage without --receipt" 2 "" "$AGORA" log verify --url "$URL" --key "$VKEY"

# --- a forged current checkpoint: refused by all three -----------------------------------------
cp -r "$TMP/l300" "$TMP/forged"; cp "$TMP/other/checkpoint" "$TMP/forged/checkpoint"
cp -r "$TMP/l300" "$TMP/reroot"
python3 -c "
l=open('$TMP/reroot/checkpoint').read().split('\n'); l[2]='A'+l[2][1:] if l[2][0]!='A' else 'B'+l[2][1:]
open('$TMP/reroot/checkpoint','w').write('\n'.join(l))"
"$AGORA" log witness-keygen --name witness.test/w1 --out "$TMP/wkey" >"$TMP/wvkey" 2>"$TMP/err"
check "witness-keygen writes the key (0600) and prints the verifier key" \
	test "$(stat -c %a "$TMP/wkey")" = 600 -a -n "$(grep '^witness.test/w1+[0-9a-f]\{8\}+' "$TMP/wvkey")"
run "witness-keygen refuses to overwrite a key" 1 "" "$AGORA" log witness-keygen --name w --out "$TMP/wkey"
WVKEY=$(cat "$TMP/wvkey")
witness() { "$AGORA" log witness --url "$URL" --key "$VKEY" --witness-key "$TMP/wkey" --state "$TMP/wstate" --once; }
monitor() { "$AGORA" log monitor --url "$URL" --key "$VKEY" --state "$TMP/mon" --once; }
for f in forged reroot; do
	serve $f
	run "verify --url refuses a forged checkpoint ($f)" 1 "^FAILED  current checkpoint: the log's checkpoint does not verify with the pinned key" verify "$TMP/l300/receipt-4.json"
	run "the witness refuses a forged checkpoint ($f)" 1 "^REFUSED  checkpoint" witness
	check "... and keeps no state" test ! -e "$TMP/wstate"
	run "the monitor refuses a forged checkpoint ($f)" 1 "^PROBLEM  checkpoint" monitor
	check "... and keeps no state" test ! -e "$TMP/mon/state"
done

# --- a good log, then grown ---------------------------------------------------------------------
serve l300
run "the witness cosigns the first checkpoint" 0 "^ok      cosigned 300 leaves as witness.test/w1" witness
check "the cosignature it handed in verifies" cosig "$TMP/l300/posted-0.txt" "$WVKEY"
check "the note handed in is the checkpoint plus the cosignature" \
	test "$(head -c "$(wc -c <"$TMP/l300/checkpoint")" "$TMP/l300/posted-0.txt")" = "$(cat "$TMP/l300/checkpoint")"
check "the witness state is the checkpoint" cmp -s "$TMP/wstate" "$TMP/l300/checkpoint"
run "the monitor checks all 300 entries" 0 "^ok      entries 0..299 checked and accounted for" monitor
serve l700
run "a receipt of the old tree verifies against the grown log" 0 "^ok      consistency: the tree of 300 leaves is a prefix of today's 700" verify "$TMP/l300/receipt-4.json"
run "the witness cosigns the grown log after a consistency proof" 0 "consistent with the last one seen (300)" witness
check "... its cosignature verifies" cosig "$TMP/l700/posted-0.txt" "$WVKEY"
run "the monitor checks entries 300..699" 0 "^ok      entries 300..699 checked" monitor
run "the monitor with nothing new" 0 "^ok      no new entries" monitor
cp "$TMP/wstate" "$TMP/wstate.keep"; cp "$TMP/mon/state" "$TMP/mon.keep"

# --- shrunk, forked at the same size, forked and grown -----------------------------------------
for f in short fork700 fork800; do
	case $f in short) why="the log shrank";; fork700) why="the log forked";; fork800) why="does not verify: the log forked";; esac
	serve $f
	run "the witness refuses $f ($why)" 1 "^REFUSED  consistency: .*$why" witness
	check "... and its state is unchanged" cmp -s "$TMP/wstate" "$TMP/wstate.keep"
	check "... and it handed nothing in" test ! -e "$TMP/$f/posted-0.txt"
	run "the monitor refuses $f" 1 "^PROBLEM  consistency: .*$why" monitor
	check "... and its state is unchanged" cmp -s "$TMP/mon/state" "$TMP/mon.keep"
done
serve short
run "verify --url refuses a receipt of a tree the log no longer has" 1 "^FAILED  consistency: the log shrank" verify "$TMP/l700/receipt-4.json"

# --- damaged entries, under a log whose tree is consistent --------------------------------------
cp -r "$TMP/l800" "$TMP/badbundle"
python3 - "$TMP/badbundle/tile/entries/003.p/32" <<'EOF'
import sys; p=sys.argv[1]; b=bytearray(open(p,'rb').read()); b[40]^=1; open(p,'wb').write(b)
EOF
serve badbundle
run "the monitor finds bundle bytes that do not hash to the leaf" 1 "^PROBLEM entry 768: its bytes in the entry bundle do not hash to its leaf hash" monitor
check "... and keeps its state" cmp -s "$TMP/mon/state" "$TMP/mon.keep"
cp -r "$TMP/l800" "$TMP/badapi"
python3 - "$TMP/badapi/entries.json" <<'EOF'
import sys, json, base64; p=sys.argv[1]; j=json.load(open(p)); b=bytearray(base64.b64decode(j[720]['entry'])); b[-1]^=1
j[720]['entry']=base64.b64encode(bytes(b)).decode(); json.dump(j, open(p,'w'))
EOF
serve badapi
run "the monitor finds API entry bytes that do not hash to the leaf" 1 "^PROBLEM entry 720: the API's entry bytes do not hash" monitor
serve bad800
run "the monitor finds an entry it cannot decode" 1 "^PROBLEM entry 750: cannot be accounted for: unknown entry kind 99" monitor
check "... and keeps its state" cmp -s "$TMP/mon/state" "$TMP/mon.keep"
serve rules800
run "the monitor finds a moderation of a response never logged" 1 "^PROBLEM entry 710: a moderation (withheld) of version 1 of response ghost, which was never logged" monitor
grep -q "^PROBLEM entry 760: its time 1700000700 is 59 s before the previous entry's" "$TMP/out" && ok "... and a time that went back" || not_ok "... and a time that went back" "$(grep PROBLEM "$TMP/out")"
check "... and keeps its state" cmp -s "$TMP/mon/state" "$TMP/mon.keep"
serve l800
run "the monitor then checks the good entries 700..799" 0 "^ok      entries 700..799 checked" monitor
check "the monitor's leaves file holds 800 hashes" test "$(stat -c %s "$TMP/mon/leaves")" = 25600
run "the witness follows to 800" 0 "consistent with the last one seen (700)" witness

# --- unreachable log ----------------------------------------------------------------------------
kill "$FAKE_PID"; wait "$FAKE_PID" 2>/dev/null; FAKE_PID=""
run "verify --url says the log cannot be reached" 1 "^FAILED  current checkpoint: could not connect to .*connection refused" verify "$TMP/l800/receipt-4.json"
run "the witness says so too" 1 "^FAILED   checkpoint: could not connect" witness

# --- interoperability with the test witness written apart from cosig.c (t350's cosign_gen) -----
CG=${B:-build}/tests/cosign_gen
if [ -x "$CG" ]; then
	SEED=$(printf '33%.0s' $(seq 32))
	"$CG" sign witness.test/cg "$SEED" 1795000000 <"$TMP/l300/checkpoint" >"$TMP/cg.note"
	check "cosig_verify accepts a cosignature made by cosign_gen" cosig "$TMP/cg.note" "$("$CG" key witness.test/cg "$SEED")"
	run "... and refuses it for another key of the same name" 1 "" "$GEN" cosig-verify "$TMP/cg.note" "$("$CG" key witness.test/cg "$(printf '44%.0s' $(seq 32))")"
else
	not_ok "cosign_gen is built (make $CG)"
fi

# --- the real server: a response's receipt, a witness it accepts, a monitor over its log --------
init_data
"$AGORA" log witness-keygen --name witness.test/real --out "$TMP/rwkey" >"$TMP/rwvkey" 2>"$TMP/err"
start_server --submit-rate 0 --log-witnesses "$(cat "$TMP/rwvkey")"
URL=$BASE
# the pinned key comes from the operator's side (the data folder), not from the server's answer
VKEY=$(sql "SELECT vkey FROM log_keys ORDER BY id LIMIT 1")
check "the log key is known from the data folder" test -n "$VKEY"
req POST /api/v1/consultations/multilingual-internet/responses -H 'Content-Type: application/json' \
	--data-binary @tests/blackbox/fixtures/resp-jane.json
check "a response is submitted through the API" status_is 201
cp "$TMP/b" "$TMP/real-answer.json"
run "verify --url checks its receipt against the real log" 0 "^verified: leaf" verify "$TMP/real-answer.json"
req POST /api/v1/consultations/multilingual-internet/responses -H 'Content-Type: application/json' \
	--data-binary @tests/blackbox/fixtures/resp-jane.json
run "... and again once the log has grown" 0 "^ok      consistency: the tree of .* is a prefix of today's" verify "$TMP/real-answer.json"
rwitness() { "$AGORA" log witness --url "$URL" --key "$VKEY" --witness-key "$TMP/rwkey" --state "$TMP/rwstate" --once; }
run "the witness cosigns the real log's checkpoint and the server accepts it" 0 "^ok      cosigned .* the log accepted it" rwitness
req GET /api/v1/log/checkpoint
cp "$TMP/b" "$TMP/served.note"
check "the server serves the checkpoint with the witness's cosignature" cosig "$TMP/served.note" "$(cat "$TMP/rwvkey")"
check "... on the checkpoint the witness kept" test "$(sed -n 1,3p "$TMP/served.note")" = "$(sed -n 1,3p "$TMP/rwstate")"
run "the witness cosigns again with nothing new (its old line replaced)" 0 "the log accepted it" rwitness
run "the monitor checks every entry of the real log" 0 "^ok      entries 0\.\..* checked and accounted for" \
	"$AGORA" log monitor --url "$URL" --key "$VKEY" --state "$TMP/rmon" --once
req POST /api/v1/consultations/multilingual-internet/responses -H 'Content-Type: application/json' \
	--data-binary @tests/blackbox/fixtures/resp-jane.json
run "the monitor then checks only the new entries (the version and its publication)" 0 "^ok      entries [1-9][0-9]*\.\.[0-9]* checked and accounted for" \
	"$AGORA" log monitor --url "$URL" --key "$VKEY" --state "$TMP/rmon" --once
run "a forged pinned key makes the monitor refuse the real log" 1 "^PROBLEM  checkpoint" \
	"$AGORA" log monitor --url "$URL" --key "$(cat "$TMP/other/vkey")" --state "$TMP/rmon2" --once
stop_server
finish
