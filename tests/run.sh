#!/bin/sh
# run.sh [unit|fuzz|blackbox|blackbox-pg|browser]: runs the fast tier and ends with "N passed, N failed".
# fuzz replays each fuzz harness's seeds (tests/fuzz/corpus/NAME) through $B/fuzz-replay/fuzz_NAME,
# one TAP line a harness; a harness without its binary fails (docs/FUZZING.md).
# blackbox-pg runs the black-box suite again with every store on PostgreSQL (issue 10): a throwaway
# cluster (tests/pg.sh), a fresh database for each data folder (tests/blackbox/lib.sh). Tests
# about SQLite itself are listed in tests/blackbox/sqlite-only with the reason; a cluster that
# cannot start fails the run.
B=${B:-build}
what=${1:-all}
# The suite runs as root: every server it starts stays root unless a test says otherwise (t520
# tests the drop to another user; docs/DEPLOY.md). tests/blackbox/lib.sh says the same.
[ "$(id -u)" -eq 0 ] && export AGORA_USER="${AGORA_USER:-root}"
passed=0
failed=0
failures=""
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# units DIR TAG: every cmocka test program in DIR
units() {
	for t in "$1"/test_*; do
		[ -x "$t" ] || continue
		"$t" >"$log" 2>&1
		rc=$?
		p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
		f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
		p=${p:-0}; f=${f:-0}
		if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi	# crashed
		passed=$((passed + p)); failed=$((failed + f))
		printf '%-40s %3d passed, %d failed\n' "$2/$(basename "$t")" "$p" "$f"
		if [ "$f" -gt 0 ]; then cat "$log"; failures="$failures $2/$(basename "$t")"; fi
	done
}
if [ "$what" = all ] || [ "$what" = unit ]; then
	units "$B/tests" unit
fi
if [ "$what" = all ] || [ "$what" = fuzz ]; then
	start=$(date +%s)
	p=0; f=0; k=0
	for src in tests/fuzz/fuzz_*.c; do
		name=$(basename "$src" .c)
		k=$((k + 1))
		bin=$B/fuzz-replay/$name
		seeds=tests/fuzz/corpus/${name#fuzz_}
		if [ ! -x "$bin" ]; then
			f=$((f + 1)); echo "not ok $k - $name: $bin is missing (make test builds it)"
			continue
		fi
		"$bin" "$seeds" >"$log" 2>&1
		rc=$?
		if [ "$rc" -eq 0 ]; then
			p=$((p + 1))
			echo "ok $k - $name: $(sed -n 's/^replayed \([0-9]*\) inputs$/\1/p' "$log") seeds"
		else
			f=$((f + 1)); echo "not ok $k - $name exited $rc: $bin $seeds"
			tail -30 "$log"
		fi
	done
	passed=$((passed + p)); failed=$((failed + f))
	printf '%-40s %3d passed, %d failed (%ss)\n' "fuzz/replay" "$p" "$f" "$(($(date +%s) - start))"
	[ "$f" -gt 0 ] && failures="$failures fuzz"
fi
# blackbox [pg]: every tests/blackbox/t*.sh, on SQLite or (pg) on PostgreSQL
blackbox() {
	local tag=blackbox
	[ "${1:-}" = pg ] && tag=blackbox-pg
	for t in tests/blackbox/t*.sh; do
		if [ "$tag" = blackbox-pg ] && grep -q "^$(basename "$t") " tests/blackbox/sqlite-only; then
			continue
		fi
		if [ "$tag" = blackbox ] && [ "$what" = all ] && grep -q "^$(basename "$t") " tests/blackbox/pg-only; then
			continue
		fi
		if [ "${AGORA_ASAN:-0}" = 1 ] && grep -q "^$(basename "$t") " tests/blackbox/not-asan; then
			continue
		fi
		start=$(date +%s)
		bash "$t" >"$log" 2>&1
		rc=$?
		p=$(grep -c '^ok ' "$log")
		f=$(grep -c '^not ok ' "$log")
		if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; echo "not ok - $t exited $rc" >>"$log"; fi
		passed=$((passed + p)); failed=$((failed + f))
		printf '%-40s %3d passed, %d failed (%ss)\n' "$tag/$(basename "$t")" "$p" "$f" "$(($(date +%s) - start))"
		if [ "$f" -gt 0 ]; then grep -v '^ok ' "$log" | tail -40; failures="$failures $tag/$(basename "$t")"; fi
	done
}
# The browser tier (issue 9): Chromium through playwright-core, one TAP line a check; a browser
# that cannot start fails it (see docs/BROWSER-TESTS.md).
browser() {
	start=$(date +%s)
	if sh tests/browser/install.sh >"$log" 2>&1; then
		node tests/browser/run.js >"$log" 2>&1
		rc=$?
	else
		rc=1
	fi
	p=$(grep -c '^ok ' "$log")
	f=$(grep -c '^not ok ' "$log")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; echo "not ok - tests/browser exited $rc" >>"$log"; fi
	passed=$((passed + p)); failed=$((failed + f))
	printf '%-40s %3d passed, %d failed (%ss)\n' "browser/run.js" "$p" "$f" "$(($(date +%s) - start))"
	if [ "$f" -gt 0 ]; then grep -v '^ok ' "$log" | tail -60; failures="$failures browser"; fi
}
# In the whole run the PostgreSQL pass runs beside the SQLite one, as a second run.sh (its own
# cluster, its own temporary folders and ports): most of a black-box test's time is waiting.
if [ "$what" = all ]; then
	pglog=$(mktemp)
	sh "$0" blackbox-pg >"$pglog" 2>&1 &
	pgpid=$!
fi
if [ "$what" = all ] || [ "$what" = blackbox ]; then
	blackbox
fi
# The browser tier runs once the SQLite pass is done, beside the rest of the PostgreSQL pass (the
# longer of the two), so that never more than two suites share the two cores.
if [ "$what" = all ] || [ "$what" = browser ]; then
	browser
fi
if [ "$what" = all ]; then
	wait "$pgpid"
	sed '/^[0-9]* passed, [0-9]* failed$/d; /^failing:/d' "$pglog"
	p=$(sed -n 's/^\([0-9]*\) passed, [0-9]* failed$/\1/p' "$pglog" | tail -1)
	f=$(sed -n 's/^[0-9]* passed, \([0-9]*\) failed$/\1/p' "$pglog" | tail -1)
	if [ -z "$p" ] || [ -z "$f" ]; then p=0; f=1; echo "not ok - the blackbox-pg run ended without its count"; fi
	passed=$((passed + p)); failed=$((failed + f))
	[ "$f" -gt 0 ] && failures="$failures $(sed -n 's/^failing://p' "$pglog")"
	rm -f "$pglog"
fi
if [ "$what" = blackbox-pg ]; then
	. tests/pg.sh
	if pg_start; then
		# the driver's own tests first (tests/unit/test_*_pg.c), in the same cluster
		units "$B/pgtests" pg
		blackbox pg
		pg_stop
	else
		failed=$((failed + 1)); failures="$failures blackbox-pg"
		echo "not ok - PostgreSQL did not start: the blackbox-pg tier fails (see above)"
	fi
fi
[ -n "$failures" ] && echo "failing:$failures"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
