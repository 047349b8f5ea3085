# summary.sh: sourced by the benchmarks. bench_summary KEY WHAT FIGURE REFERENCE RATIO AIM VERDICT
# appends one tab-separated line to the file $BENCH_SUMMARY names (bench/all sets it and makes
# docs/PERFORMANCE.md's table of them); without BENCH_SUMMARY it does nothing. A field with no
# value is "-". Fields must not hold a tab or a newline.
bench_summary() {
	[ -n "${BENCH_SUMMARY:-}" ] || return 0
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" "$6" "$7" >>"$BENCH_SUMMARY"
}
