#!/bin/bash
# t490_cluster: two `agora serve` on one PostgreSQL database (docs/LEDGER.md "Several servers").
# Its own PostgreSQL cluster (tests/pg.sh) unless AGORA_PG_URL names one; a cluster that cannot
# start is a failure. Two data folders share the database and the log's signing key (the second
# is a copy of the first). 200 responses go in at once through both servers; then: every one is
# 201, every receipt's inclusion proof leads to the signed root of its checkpoint (RFC 9162, in
# Python) and `agora log verify --url --receipt` passes each through the server that did not take
# it; the entries are 0..N-1 with no index twice and N is the last checkpoint's size, every
# response version is logged exactly once and nothing is left queued; every checkpoint either
# server showed during the burst is consistent with the final one (no fork); `agora log verify
# --data` rebuilds the tree and agrees. With a page cache of a minute on both: a response
# withheld through A is gone from the page and the API through B on the very next request, and
# a consultation opened through A is listed through B at once.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../pg.sh"
cd "$(dirname "$0")/../.." || exit 1

OWN_PG=0
PID_A=""
cluster_cleanup() {
	if [ -n "$PID_A" ] && kill -0 "$PID_A" 2>/dev/null; then
		kill -TERM "$PID_A" 2>/dev/null
		for _ in $(seq 1 100); do kill -0 "$PID_A" 2>/dev/null || break; sleep 0.05; done
		kill -KILL "$PID_A" 2>/dev/null
	fi
	cleanup
	[ "$OWN_PG" = 1 ] && pg_stop
}
trap cluster_cleanup EXIT
if [ -z "${AGORA_PG_URL:-}" ]; then
	if pg_start; then OWN_PG=1; else not_ok "a PostgreSQL cluster starts (tests/pg.sh)"; finish; fi
fi
ok "PostgreSQL is up"

same() { [ "$1" = "$2" ] || { echo "# got '$1', wanted '$2'"; return 1; }; }
SEC=secretariat@agora.example
ROUND=multilingual-internet
# The demo data's exit status is not this test's subject (on PostgreSQL one demo proposal is
# refused today, see the report of issue 10): the round and the key it needs are checked instead.
init_data || echo "# agora init --demo: $(tail -1 "$TMP/init.err")"
check "the data folder has the open demo round" same "$(sql "SELECT state FROM consultations WHERE slug = '$ROUND'")" open
check "AGORA_DB is a PostgreSQL database" sh -c "case '$AGORA_DB' in postgresql://*) true ;; *) false ;; esac"
TOKEN=$("$AGORA" token create --data "$DATA" --email "$SEC")
AUTH="Authorization: Bearer $TOKEN"
cp -a "$TMP/data" "$TMP/dataB"
check "both data folders hold the same log key" cmp -s "$TMP/data/keys/log.key" "$TMP/dataB/keys/log.key"

# A page cache of a minute: only the change counter can make a page fresh within the test.
start_server --submit-rate 0 --page-cache-ms 60000
PID_A=$PID; BASE_A=$BASE; cp "$TMP/serve.out" "$TMP/serveA.out"
# B has one HTTP thread, so one page cache: its second view of a page is a hit, not luck.
DATA=$TMP/dataB start_server --submit-rate 0 --page-cache-ms 60000 --threads 1
BASE_B=$BASE
check "two servers on two ports" test "$BASE_A" != "$BASE_B"

curl -s "$BASE_A/api/v1/log/checkpoint" >"$TMP/cp0"
S0=$(sed -n 2p "$TMP/cp0")
check "an early checkpoint ($S0 entries: the demo data)" test "$S0" -gt 0

# --- 200 submissions at once through both --------------------------------------------------------
cat >"$TMP/burst.py" <<'PY'
# burst.py A B N FIXTURE OUT: N submissions, 16 at a time, alternately through A and B, while a
# thread keeps reading both servers' checkpoints; writes the answers and checkpoints as JSON.
import concurrent.futures, json, sys, threading, urllib.request, urllib.error
a, b, n, fixture, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
body = open(fixture, "rb").read()
def submit(i):
    base = a if i % 2 == 0 else b
    rq = urllib.request.Request(base + "/api/v1/consultations/multilingual-internet/responses",
                                data=body, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(rq, timeout=60) as r:
            return {"i": i, "via": base, "status": r.status, "answer": json.load(r)}
    except urllib.error.HTTPError as e:
        return {"i": i, "via": base, "status": e.code, "answer": e.read().decode("utf-8", "replace")}
seen, done = [], threading.Event()
def watch():
    while not done.is_set():
        for base in (a, b):
            with urllib.request.urlopen(base + "/api/v1/log/checkpoint", timeout=60) as r:
                seen.append(r.read().decode())
with concurrent.futures.ThreadPoolExecutor(16) as ex:
    w = threading.Thread(target=watch); w.start()
    answers = list(ex.map(submit, range(n)))
    done.set(); w.join()
json.dump({"answers": answers, "checkpoints": seen}, open(out, "w"))
PY
python3 "$TMP/burst.py" "$BASE_A" "$BASE_B" 200 tests/blackbox/fixtures/resp-jane.json "$TMP/burst.json"
py() { python3 -B -c "import json, sys; sys.path.insert(0, 'tests/blackbox'); from rfc9162 import *; B = json.load(open('$TMP/burst.json')); $1"; }
check "200 submissions through both servers at once: all 201" py "
bad = [(x['i'], x['status'], str(x['answer'])[:200]) for x in B['answers'] if x['status'] != 201]
assert len(B['answers']) == 200 and not bad, bad[:3]"
check "each server took 100" py "
assert sum(x['via'] == '$BASE_A' for x in B['answers']) == 100"
check "no two receipts share a leaf index" py "
idx = [x['answer']['receipt']['leaf_index'] for x in B['answers']]
assert len(set(idx)) == 200, len(set(idx))"
curl -s "$BASE_B/api/v1/log/checkpoint" >"$TMP/cpN"
N=$(sed -n 2p "$TMP/cpN")
# Each receipt against the checkpoint of its own size, asked of the other server.
check "every receipt's inclusion proof leads to the signed root of its tree size" py "
import urllib.request
for x in B['answers']:
    r = x['answer']['receipt']; other = '$BASE_B' if x['via'] == '$BASE_A' else '$BASE_A'
    note = urllib.request.urlopen('%s/api/v1/log/checkpoint?size=%d' % (other, r['tree_size'])).read().decode()
    got = inclusion_root(r['leaf_index'], r['tree_size'], bytes.fromhex(r['leaf_hash']), [bytes.fromhex(p) for p in r['inclusion_proof']])
    assert got == root_of(note), (x['i'], r['leaf_index'], r['tree_size'])"
KEY=$(curl -s "$BASE_A/api/v1/log/key")
py "
for x in B['answers']:
    json.dump(x['answer'], open('$TMP/rcpt-%d.json' % x['i'], 'w'))
    print(x['i'], '$BASE_B' if x['via'] == '$BASE_A' else '$BASE_A')" >"$TMP/rcpts"
vfail=0
while read -r i other; do
	if ! "$AGORA" log verify --url "$other" --key "$KEY" --receipt "$TMP/rcpt-$i.json" >"$TMP/lv.out" 2>&1; then
		vfail=$((vfail + 1)); cp "$TMP/lv.out" "$TMP/lv.fail"
	fi
done <"$TMP/rcpts"
check "agora log verify --url --receipt passes all 200 receipts through the other server" \
	sh -c "[ $vfail = 0 ] || { cat '$TMP/lv.fail'; false; }"

# --- one sequence ---------------------------------------------------------------------------------
check "the entries are 0..N-1, each index once, N = the last checkpoint's size ($N)" same \
	"$(sql "SELECT COUNT(*), COUNT(DISTINCT idx), MIN(idx), MAX(idx) FROM log_entries")" "$N|$N|0|$((N - 1))"
check "the last stored checkpoint is of size N" same "$(sql "SELECT size FROM log_checkpoints ORDER BY id DESC LIMIT 1")" "$N"
check "the log grew by at least the 200 responses" test "$N" -ge $((S0 + 200))
check "nothing is left in the log's queue" same "$(sql "SELECT COUNT(*) FROM log_pending")" 0
check "every response version is logged exactly once" same \
	"$(sql "SELECT COUNT(*) FROM log_entries WHERE kind = 'response_version'")|$(sql "SELECT COUNT(DISTINCT ref || '.' || ref2) FROM log_entries WHERE kind = 'response_version'")" \
	"$(sql "SELECT COUNT(*) FROM response_versions")|$(sql "SELECT COUNT(*) FROM response_versions")"
check "checkpoint sizes only grow, one checkpoint per size" same \
	"$(sql "SELECT COUNT(*) FROM log_checkpoints a JOIN log_checkpoints b ON b.id > a.id AND b.size <= a.size AND b.size > 0")" 0
check "response numbers in the round are 1..n with none twice" same \
	"$(sql "SELECT CASE WHEN COUNT(*) = COUNT(DISTINCT number) AND MIN(number) = 1 AND MAX(number) = COUNT(*) THEN 'yes' ELSE 'no' END FROM response_numbers n JOIN consultations c ON c.id = n.consultation_id WHERE c.slug = '$ROUND'")" yes
check "no fork: every checkpoint either server showed during the burst is consistent with the last" py "
import urllib.request
last = open('$TMP/cpN').read(); cps = {size_of(c): c for c in B['checkpoints']}
assert len(cps) > 1, len(cps)
for m, c in sorted(cps.items()):
    if m == 0 or m == $N: continue
    p = json.load(urllib.request.urlopen('$BASE_A/api/v1/log/proof/consistency?from=%d&to=$N' % m))
    assert consistency_ok(m, $N, [bytes.fromhex(x) for x in p['proof']], root_of(c), root_of(last)), m"
req GET "/api/v1/log/proof/consistency?from=$S0&to=$N"
cp "$TMP/b" "$TMP/cons"
check "a consistency proof from the early checkpoint ($S0) to the last ($N) verifies" py "
a = json.load(open('$TMP/cons'))
assert consistency_ok($S0, $N, [bytes.fromhex(x) for x in a['proof']], root_of(open('$TMP/cp0').read()), root_of(open('$TMP/cpN').read()))"
check "and a changed hash in it fails (the check can fail)" py "
a = json.load(open('$TMP/cons')); p = [bytes.fromhex(x) for x in a['proof']]; p[0] = bytes(32)
assert not consistency_ok($S0, $N, p, root_of(open('$TMP/cp0').read()), root_of(open('$TMP/cpN').read()))"
if "$AGORA" log verify --data "$TMP/data" >"$TMP/v.out" 2>"$TMP/v.err"; then
	ok "agora log verify --data rebuilds the tree from the rows and agrees"
else
	not_ok "agora log verify --data rebuilds the tree from the rows and agrees" "$(tail -5 "$TMP/v.out" "$TMP/v.err")"
fi

# --- caches: a change through A, seen through B at once -------------------------------------------
hits() { curl -s "$1/metrics" | sed -n 's/^agora_page_cache_total{result="hit"} //p'; }
# Any write to what pages show moves the counter, so pages are reused only while nothing is
# written: the burst's background work (search, campaigns) must be over before a cache hit can
# be seen. settle: waits until the counter stays still for 2 s (at most 2 minutes).
settle() {
	local last now still=0
	last=$(sql "SELECT n FROM changes")
	for _ in $(seq 1 240); do
		sleep 0.5
		now=$(sql "SELECT n FROM changes")
		if [ "$now" = "$last" ]; then still=$((still + 1)); else still=0; last=$now; fi
		[ "$still" -ge 4 ] && return 0
	done
	return 1
}
check "the background work after the burst ends (the change counter settles)" settle
check "the campaign workers of both servers clustered the 200 copies as one campaign" same \
	"$(sql "SELECT COUNT(*) FROM campaign_members m JOIN responses r ON r.id = m.response_id JOIN response_versions v ON v.response_id = r.id AND v.version = r.current_version WHERE v.summary = 'Internationalized domain names need universal acceptance.'")" 200
check "the jobs both servers claimed all ended, none failed, none left running" same \
	"$(sql "SELECT COUNT(*) FROM jobs WHERE state IN ('running', 'failed')")|$(sql "SELECT CASE WHEN COUNT(*) > 0 THEN 'some' ELSE 'none' END FROM jobs WHERE state = 'done'")" "0|some"
check "and left nothing in their queue past the position" same \
	"$(sql "SELECT COUNT(*) FROM campaign_queue WHERE id > (SELECT position FROM campaign_params WHERE id = 1)")" 0
SLUG=cluster-round-$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
TITLE="Cluster round $SLUG"
curl -s -o "$TMP/l1" "$BASE_B/consultations"
H1=$(hits "$BASE_B")
curl -s -o "$TMP/l2" "$BASE_B/consultations"
H2=$(hits "$BASE_B")
check "B's list of rounds lacks the new round" sh -c "! grep -qF '$TITLE' '$TMP/l2'"
check "B's second view of the list came from its cache ($H1 -> $H2 hits)" test "$H2" -gt "$H1"
printf '{"slug":"%s","original_language":"en","opens_at":"2030-01-01T00:00:00Z","closes_at":"2040-01-01T00:00:00Z","moderation":"post","texts":{"en":{"title":"%s","topic":"T","description":"D"}},"questions":[{"number":1,"text":{"en":"Q1?"}}]}' \
	"$SLUG" "$TITLE" >"$TMP/spec.json"
BASE=$BASE_A req POST /api/v1/consultations -H "$AUTH" -H 'Content-Type: application/json' --data-binary @"$TMP/spec.json"
check "a new round through A: 201" status_is 201
BASE=$BASE_A req POST "/api/v1/consultations/$SLUG/open" -H "$AUTH"
check "opened now through A: 200" status_is 200
curl -s -o "$TMP/l3" "$BASE_B/consultations"
check "the very next view of B's list shows it" grep -qF "$TITLE" "$TMP/l3"

MARK="Cluster Marker $(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')"	# shown as "HEX, Cluster Marker"
sed -e "s/Jane Doe/$MARK/" -e 's/"question": 3/"question": 1/' tests/blackbox/fixtures/resp-jane.json \
	| python3 -c 'import json,sys; j=json.load(sys.stdin); j["answers"]=j["answers"][:1]; print(json.dumps(j))' >"$TMP/marked.json"
curl -s -o "$TMP/p0" "$BASE_B/consultations/$SLUG"
curl -s -o "$TMP/p0" "$BASE_B/consultations/$SLUG"
check "B has the new round's page, with no response" grep -qF "No response is published yet." "$TMP/p0"
BASE=$BASE_A req POST "/api/v1/consultations/$SLUG/responses" -H 'Content-Type: application/json' \
	--data-binary @"$TMP/marked.json"
check "a response to it through A: 201" status_is 201
ID=$(json 'j["id"]')
curl -s -o "$TMP/p1" "$BASE_B/consultations/$SLUG"
check "the very next view through B lists it" grep -qF "/responses/$ID" "$TMP/p1"
settle	# the response's own background work (search, campaigns) moves the counter too
curl -s -o "$TMP/p2" "$BASE_B/consultations/$SLUG"
H1=$(hits "$BASE_B")
curl -s -o "$TMP/p2" "$BASE_B/consultations/$SLUG"
H2=$(hits "$BASE_B")
check "B's second view came from its cache ($H1 -> $H2 hits)" test "$H2" -gt "$H1"
check "and still lists it" grep -qF "/responses/$ID" "$TMP/p2"
BASE=$BASE_A req POST "/api/v1/responses/$ID/moderation" -H "$AUTH" -H 'Content-Type: application/json' \
	--data '{"action":"withhold","reason":"cluster test"}'
check "withhold it through A: 200" status_is 200
curl -s -o "$TMP/p3" "$BASE_B/consultations/$SLUG"
check "the very next view through B no longer lists it" sh -c "! grep -qF 'Cluster Marker' '$TMP/p3' && ! grep -qF '/responses/$ID' '$TMP/p3'"
check "and says no response is published" grep -qF "No response is published yet." "$TMP/p3"
BASE=$BASE_B req GET "/api/v1/responses/$ID"
check "B's API does not show its content" body_lacks "Registries should offer IDNs"
BASE=$BASE_B req GET "/api/v1/consultations/$SLUG/responses"
check "B's API list does not list it" body_lacks "$ID"
BASE=$BASE_B req GET "/api/v1/consultations/$SLUG"
check "B's API counts no response" same "$(json 'j["counts"]["responses"]')" 0
check "the change counter moved" test "$(sql "SELECT n FROM changes")" -gt 0

check "neither server logged an error" sh -c "! grep -E ' (error|fatal) ' '$TMP/serve.err'"
finish
