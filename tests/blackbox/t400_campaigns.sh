#!/bin/bash
# t400_campaigns: near-identical responses found as one campaign (src/cluster). Through the API:
# 50 copies of one 300-word text, each with 3 words changed and some with other case and
# punctuation, from 10 countries; an unrelated response and a few others; a pair of copies of
# another text. The server's worker clusters them as they arrive: exactly one campaign of the
# 50 (and the pair), no other response in it; `agora campaigns` says so; withdrawing the
# representative leaves 49 and the next earliest represents them; a revision to another text
# leaves 48; withdrawing one of the pair dissolves it; --rebuild (with the server running, and
# again stopped) gives the same campaigns.
. "$(dirname "$0")/lib.sh"
ROUND=multilingual-internet	# open demo round, post-moderation
SUB=/api/v1/consultations/$ROUND/responses
init_data
start_server --submit-rate 0
DB=$DATA/agora.db
same() { [ "$1" = "$2" ] || { echo "# got '$1', wanted '$2'"; return 1; }; }


# gen.py KIND SEED OUT: a response as JSON. KIND base: the campaign's text with 3 words changed
# (seed picks which, and the country); other: an unrelated text; pair: the second campaign.
cat >"$TMP/gen.py" <<'PY'
import json, random, sys
kind, seed, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
vocab = ("access network policy internet community local operator spectrum broadband rural remote "
	"content language domain service education health public capacity building regulator digital "
	"skill programme cost income device tax environment energy data centre measure open method "
	"repair reuse recycle waste international cooperation national regional initiative share "
	"practice member state stakeholder user review technology workshop country lesson fund invest "
	"market competition infrastructure fibre satellite mobile fixed price plan school library "
	"hospital women youth elder disability standard security privacy trust identity payment").split()
def text(rng, n):
	return [rng.choice(vocab) for _ in range(n)]
countries = ["FR", "DE", "KE", "IN", "BR", "JP", "US", "GB", "NG", "MX"]
rng = random.Random(seed)
if kind == "base":
	words = text(random.Random(4242), 300)
	for _ in range(3):
		words[rng.randrange(300)] = rng.choice(["apple", "river", "mountain", "violin", "castle", "garden"])
	if seed % 3 == 1:
		words = [w.upper() for w in words]	# case does not matter
	if seed % 3 == 2:
		words = [w + ("," if i % 7 == 0 else "") for i, w in enumerate(words)]	# nor punctuation
	country = countries[seed % 10]
elif kind == "pair":
	words = text(random.Random(777), 120)
	country = "CA"
else:
	words = text(random.Random(seed * 7919 + 13), 300)
	country = "AU"
r = {"respondent": {"name": "Respondent %d" % seed, "organization": "Example Org", "job_title": "Officer",
	"country": country, "stakeholder_type": "civil_society", "email": "r%d@example.net" % seed},
	"publish_as": "name", "language": "en", "summary": " ".join(words[:40]),
	"answers": [{"question": 1, "text": " ".join(words[40:200])}, {"question": 2, "text": " ".join(words[200:])}]}
json.dump(r, open(out, "w"))
PY
# post KIND SEED: submits; prints "id token"
post() {
	python3 "$TMP/gen.py" "$1" "$2" "$TMP/r.json"
	req POST "$SUB" -H 'Content-Type: application/json' --data-binary @"$TMP/r.json"
	[ "$STATUS" = 201 ] || { echo "# submit $1 $2: $STATUS"; return 1; }
	json 'j["id"] + " " + j["manage_url"].split("token=")[1]'
}
: >"$TMP/members"
posted=0
for i in $(seq 1 50); do
	post base "$i" >>"$TMP/members" && posted=$((posted + 1))
	[ "$i" = 25 ] && post other 1 >"$TMP/unrelated"	# arrives in the middle
done
check "50 copies submitted" same "$posted" 50
check "the unrelated response submitted" test -s "$TMP/unrelated"
for s in 2 3 4; do post other "$s" >>"$TMP/others"; done
post pair 1 >"$TMP/pair"; post pair 2 >>"$TMP/pair"
UNRELATED=$(cut -d' ' -f1 "$TMP/unrelated")

# wait_members CAMPAIGN_SQL N: polls (bounded: 30 s) until the campaign of the base copies has N members
biggest() { sql "SELECT COALESCE(MAX(n), 0) FROM (SELECT COUNT(*) AS n FROM campaign_members GROUP BY campaign_id) AS x"; }
wait_biggest() {
	for _ in $(seq 1 300); do [ "$(biggest)" = "$1" ] && [ "$(sql 'SELECT COUNT(*) FROM campaign_queue q WHERE q.id > (SELECT position FROM campaign_params)')" = 0 ] && return 0; sleep 0.1; done
	echo "# biggest campaign: $(biggest), wanted $1"; return 1
}
# members_of_biggest: the public ids of the largest campaign's members, sorted
members_of_biggest() {
	sql "SELECT r.public_id FROM campaign_members m JOIN responses r ON r.id = m.response_id WHERE m.campaign_id =
		(SELECT campaign_id FROM campaign_members GROUP BY campaign_id ORDER BY COUNT(*) DESC LIMIT 1) ORDER BY r.public_id"
}
check "the worker clustered the 50 copies within 30 s" wait_biggest 50
check "two campaigns in the round: the 50 and the pair" same "$(sql "SELECT COUNT(*) FROM campaigns c JOIN consultations co ON co.id = c.consultation_id WHERE co.slug = '$ROUND'")" 2
check "the campaign's members are exactly the 50 copies" same "$(members_of_biggest | tr '\n' ' ')" "$(cut -d' ' -f1 "$TMP/members" | sort | tr '\n' ' ')"
check "the unrelated response is in no campaign" same "$(sql "SELECT COUNT(*) FROM campaign_members m JOIN responses r ON r.id = m.response_id WHERE r.public_id = '$UNRELATED'")" 0
check "the other responses are in no campaign" same "$(for id in $(cut -d' ' -f1 "$TMP/others"); do sql "SELECT COUNT(*) FROM campaign_members m JOIN responses r ON r.id = m.response_id WHERE r.public_id = '$id'"; done | tr '\n' ' ')" "0 0 0 "
check "the pair is a campaign of 2" same "$(sql "SELECT COUNT(*) FROM campaign_members m JOIN responses r ON r.id = m.response_id WHERE r.public_id IN ('$(sed -n 1p "$TMP/pair" | cut -d' ' -f1)', '$(sed -n 2p "$TMP/pair" | cut -d' ' -f1)') GROUP BY m.campaign_id")" 2
FIRST=$(sed -n 1p "$TMP/members" | cut -d' ' -f1)
check "the representative is the earliest copy" same "$(sql "SELECT r.public_id FROM campaigns c JOIN responses r ON r.id = c.representative ORDER BY (SELECT COUNT(*) FROM campaign_members m WHERE m.campaign_id = c.id) DESC LIMIT 1")" "$FIRST"
check "every member is at least 80% similar to the representative" same "$(sql "SELECT COUNT(*) FROM campaign_members WHERE similarity < 0.8")" 0

"$AGORA" campaigns --data "$DATA" "$ROUND" >"$TMP/list" 2>"$TMP/list.err"
check "agora campaigns: exit 0" test $? = 0
check "agora campaigns: '50 near-identical responses from 10 countries'" grep -q "^  50 near-identical responses from 10 countries$" "$TMP/list"
check "agora campaigns: the representative's public id and first words" grep -qF "($FIRST) \"" "$TMP/list"
check "agora campaigns: '2 near-identical responses from 1 country'" grep -q "^  2 near-identical responses from 1 country$" "$TMP/list"
check "agora campaigns: the unrelated response is not listed" sh -c "! grep -qF '$UNRELATED' '$TMP/list'"
"$AGORA" campaigns --data "$DATA" no-such-round >/dev/null 2>"$TMP/err"
check "agora campaigns of an unknown round: exit 1 and says so" sh -c "[ $? = 1 ] && grep -q \"no round 'no-such-round'\" '$TMP/err'"

# ---- Leaving: withdrawal (the representative), revision, dissolution ------------------------------
TOKEN=$(sed -n 1p "$TMP/members" | cut -d' ' -f2)
req POST "/api/v1/responses/$FIRST/withdraw" -H "X-Manage-Token: $TOKEN"
check "withdraw the representative: 200" status_is 200
check "the campaign has 49 members" wait_biggest 49
SECOND=$(sed -n 2p "$TMP/members" | cut -d' ' -f1)
check "the next earliest member represents it" same "$(sql "SELECT r.public_id FROM campaigns c JOIN responses r ON r.id = c.representative ORDER BY (SELECT COUNT(*) FROM campaign_members m WHERE m.campaign_id = c.id) DESC LIMIT 1")" "$SECOND"
check "the withdrawn response is in no campaign" same "$(sql "SELECT COUNT(*) FROM campaign_members m JOIN responses r ON r.id = m.response_id WHERE r.public_id = '$FIRST'")" 0
REV=$(sed -n 10p "$TMP/members" | cut -d' ' -f1)
python3 "$TMP/gen.py" other 99 "$TMP/rev.json"
req POST "/api/v1/responses/$REV/revise" -H "X-Manage-Token: $(sed -n 10p "$TMP/members" | cut -d' ' -f2)" -H 'Content-Type: application/json' --data-binary @"$TMP/rev.json"
check "revise a member to another text: 200" status_is 200
check "the revised response left: 48 members" wait_biggest 48
PAIR1=$(sed -n 1p "$TMP/pair" | cut -d' ' -f1)
req POST "/api/v1/responses/$PAIR1/withdraw" -H "X-Manage-Token: $(sed -n 1p "$TMP/pair" | cut -d' ' -f2)"
check "withdraw one of the pair: 200" status_is 200
dissolved() { for _ in $(seq 1 300); do [ "$(sql 'SELECT COUNT(*) FROM campaigns')" = 1 ] && return 0; sleep 0.1; done; return 1; }
check "the pair's campaign is dissolved (one campaign left)" dissolved
check "no campaign of one member" same "$(sql "SELECT COUNT(*) FROM campaigns c WHERE (SELECT COUNT(*) FROM campaign_members m WHERE m.campaign_id = c.id) < 2")" 0
"$AGORA" campaigns --data "$DATA" "$ROUND" >"$TMP/list" 2>&1
check "agora campaigns: '48 near-identical responses from 10 countries'" grep -q "^  48 near-identical responses from 10 countries$" "$TMP/list"
check "agora campaigns: one campaign" grep -q "^1 campaign\.$" "$TMP/list"

# ---- A rebuild gives the same campaigns ---------------------------------------------------------
snapshot() { sql "SELECT r.public_id, rp.public_id, round(CAST(m.similarity AS NUMERIC), 4) FROM campaign_members m JOIN campaigns c ON c.id = m.campaign_id JOIN responses r ON r.id = m.response_id JOIN responses rp ON rp.id = c.representative ORDER BY r.public_id"; }
snapshot >"$TMP/before"
check "48 member rows before the rebuild" same "$(wc -l <"$TMP/before")" 48
"$AGORA" campaigns --data "$DATA" --rebuild "$ROUND" >"$TMP/list" 2>"$TMP/rebuild.err"
check "agora campaigns --rebuild ROUND (server running): exit 0" test $? = 0
check "the same members, representative and similarities after rebuilding the round" cmp -s "$TMP/before" <(snapshot)
stop_server
check "the server stopped cleanly" same "$STOP_RC" 0
sql "DELETE FROM campaign_members; DELETE FROM campaigns"	# derived data: a rebuild must restore it
"$AGORA" campaigns --data "$DATA" --rebuild >"$TMP/list" 2>"$TMP/rebuild.err"
check "agora campaigns --rebuild (all rounds): exit 0" test $? = 0
check "--rebuild reports what it did" grep -q "^Clustered .* responses of .* round" "$TMP/rebuild.err"
check "the same members, representative and similarities after rebuilding everything" cmp -s "$TMP/before" <(snapshot)
check "the rebuilt listing: '48 near-identical responses from 10 countries'" grep -q "^  48 near-identical responses from 10 countries$" "$TMP/list"

# ---- A threshold above what the copies reach: no campaign --------------------------------------
"$AGORA" campaigns --data "$DATA" --rebuild --campaign-threshold 99 >"$TMP/list" 2>&1
check "threshold 99%: the copies are no campaign" same "$(sql 'SELECT COUNT(*) FROM campaigns')" 0
check "threshold 99%: the buckets were made for it" same "$(sql 'SELECT threshold FROM campaign_params')" 99
finish
