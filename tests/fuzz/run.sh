#!/bin/sh
# run.sh NAME...: runs each libFuzzer harness build-fuzz/fuzz/fuzz_NAME for FUZZ_SECONDS seconds
# (default 60) and prints one line per target; stops at the first failure with its reproducer.
# Seeds: tests/fuzz/corpus/NAME/ (read only). New inputs: build-fuzz/corpus-NAME/.
set -u
B=${FUZZ_B:-build-fuzz}
secs=${FUZZ_SECONDS:-60}
# A UBSan report is a failure too, with its stack.
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"

# Longest input per target: a bit more than its largest seed, small enough to stay fast.
max_len() {
	case $1 in
	time) echo 64 ;;
	params) echo 256 ;;
	utf8 | html) echo 4096 ;;
	response_input) echo 8192 ;;
	consultation_spec | upload) echo 16384 ;;
	office) echo 8192 ;;
	ledger_proof) echo 1024 ;;
	*) echo 4096 ;;
	esac
}

[ $# -gt 0 ] || { echo "usage: run.sh NAME..." >&2; exit 2; }
for name in "$@"; do
	bin=$B/fuzz/fuzz_$name
	corpus=$B/corpus-$name
	art=$B/artifacts/$name/
	log=$B/fuzz_$name.log
	dict=
	[ -x "$bin" ] || { echo "fuzz: $bin is missing (make fuzz-build)" >&2; exit 2; }
	[ -f "tests/fuzz/$name.dict" ] && dict="-dict=tests/fuzz/$name.dict"
	mkdir -p "$corpus" "$art"
	# shellcheck disable=SC2086 # $dict is one word or none
	"$bin" -max_total_time="$secs" -max_len="$(max_len "$name")" -timeout=10 \
		-print_final_stats=1 -artifact_prefix="$art" $dict "$corpus" "tests/fuzz/corpus/$name" \
		>"$log" 2>&1
	rc=$?
	done_line=$(grep 'DONE' "$log" | tail -1)
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
	cov=$(echo "$done_line" | sed -n 's/.*cov: \([0-9]*\) ft: \([0-9]*\) corp: \([^ ]*\).*/cov \1, ft \2, corpus \3/p')
	if [ "$rc" -ne 0 ]; then
		echo "fuzz: FAILED fuzz_$name (exit $rc, after ${runs:-?} runs); log: $log"
		sed -n '/^fuzz: property broken\|ERROR: \|runtime error: /,$p' "$log" | head -n 80
		unit=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)
		[ -n "$unit" ] && echo "fuzz: reproduce with: $bin $unit"
		exit 1
	fi
	printf 'fuzz_%-20s %s runs in %ss, %s exec/s, %s\n' "$name" "${runs:-?}" "$secs" "${rate:-?}" "${cov:-?}"
done
