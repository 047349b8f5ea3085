#!/bin/sh
# run.sh [unit|blackbox|browser]: runs the fast tier and ends with "N passed, N failed".
B=${B:-build}
what=${1:-all}
passed=0
failed=0
failures=""
log=$(mktemp)
trap 'rm -f "$log"' EXIT

if [ "$what" = all ] || [ "$what" = unit ]; then
	for t in "$B"/tests/test_*; do
		[ -x "$t" ] || continue
		"$t" >"$log" 2>&1
		rc=$?
		p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
		f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
		p=${p:-0}; f=${f:-0}
		if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi	# crashed
		passed=$((passed + p)); failed=$((failed + f))
		printf '%-40s %3d passed, %d failed\n' "unit/$(basename "$t")" "$p" "$f"
		if [ "$f" -gt 0 ]; then cat "$log"; failures="$failures $(basename "$t")"; fi
	done
fi
if [ "$what" = all ] || [ "$what" = blackbox ]; then
	for t in tests/blackbox/t*.sh; do
		start=$(date +%s)
		bash "$t" >"$log" 2>&1
		rc=$?
		p=$(grep -c '^ok ' "$log")
		f=$(grep -c '^not ok ' "$log")
		if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; echo "not ok - $t exited $rc" >>"$log"; fi
		passed=$((passed + p)); failed=$((failed + f))
		printf '%-40s %3d passed, %d failed (%ss)\n' "blackbox/$(basename "$t")" "$p" "$f" "$(($(date +%s) - start))"
		if [ "$f" -gt 0 ]; then grep -v '^ok ' "$log" | tail -40; failures="$failures $(basename "$t")"; fi
	done
fi
# The browser tier (issue 9): Chromium through playwright-core, one TAP line a check; a browser
# that cannot start fails it (see docs/BROWSER-TESTS.md).
if [ "$what" = all ] || [ "$what" = browser ]; then
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
fi
[ -n "$failures" ] && echo "failing:$failures"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
