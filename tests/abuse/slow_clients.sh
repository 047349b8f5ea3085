#!/bin/bash
# slow_clients.sh: make slow-clients. slowhttptest (Debian) holds 1,000 connections from
# 127.0.0.1 against a fresh server, one attack at a time: slow headers (Slowloris), slow body
# (R-U-Dead-Yet), slow read. Meanwhile tests/abuse/probe.py, an ordinary visitor from 127.0.0.2,
# GETs a page 4 times a second and POSTs a submission once a second, and samples the server's
# RSS. Each attack runs twice: with the default settings (at most 256 connections per client
# address) and with --per-ip-connections 0 (all 1,000 held by the server: many attackers, or one
# behind a NAT). Passes when every probe request is answered (200/201), p99 < 500 ms, and the
# RSS stays under 256 MiB. SLOW_SECONDS (default 45) is each attack's length. Results:
# build/abuse/slow-clients.txt (copied into docs/ABUSE.md by hand).
cd "$(dirname "$0")/../.."
. tests/blackbox/lib.sh
ABUSE=$(pwd)/tests/abuse
SECS=${SLOW_SECONDS:-45}
OUT=$(pwd)/build/abuse
mkdir -p "$OUT"
REPORT=$OUT/slow-clients.txt
command -v slowhttptest >/dev/null || { echo "not ok 1 - slowhttptest is not installed (sh scripts/deps.sh --abuse)"; exit 1; }
ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)"
init_data
: >"$REPORT"
echo "# slow clients: $(date -u +%FT%TZ), $SECS s an attack, 1000 connections, $(nproc) cores" | tee -a "$REPORT"

# attack NAME SETTING PATH SLOWHTTPTEST-ARGS...: one attack on PATH of a fresh server, one probe
attack() {
	local name=$1 setting=$2 path=$3
	shift 3
	if [ "$setting" = default ]; then start_server --submit-rate 0; else start_server --submit-rate 0 --per-ip-connections 0; fi
	python3 "$ABUSE/probe.py" "$PORT" "$PID" "$((SECS - 5))" tests/blackbox/fixtures/resp-jane.json "$TMP/probe.json" &
	local probe=$!
	slowhttptest -c 1000 -r 250 -l "$SECS" -p 5 -g -o "$OUT/sht-$name-$setting" -u "$BASE$path" "$@" 2>&1 |
		sed 's/\x1b\[[0-9;]*[A-Za-z]//g' >"$OUT/sht-$name-$setting.out"
	wait "$probe"
	local conn avail
	conn=$(awk -F, 'NR > 1 && $4 + 0 > m { m = $4 + 0 } END { print m + 0 }' "$OUT/sht-$name-$setting.csv")
	avail=$(grep -o 'service available:.*' "$OUT/sht-$name-$setting.out" | tail -1 | tr -s ' \t' ' ')
	cp "$TMP/probe.json" "$TMP/b"
	printf '%-13s %-8s attacker held %4s connections (%s); probe: %s requests, p50 %s ms, p99 %s ms, max %s ms, %s errors; RSS %s -> max %s kB\n' \
		"$name" "$setting" "$conn" "${avail:-?}" "$(json 'j["requests"]')" "$(json 'j["p50_ms"]')" \
		"$(json 'j["p99_ms"]')" "$(json 'j["max_ms"]')" "$(json 'j["errors"]')" "$(json 'j["rss_start_kb"]')" \
		"$(json 'j["rss_max_kb"]')" | tee -a "$REPORT"
	[ "$(json 'j["errors"]')" = 0 ] || echo "# probe errors: $(json 'j["first_errors"]')"
	check "$name ($setting): every probe request answered" [ "$(json 'j["errors"]')/$(( $(json 'j["requests"]') > 0 ))" = 0/1 ]
	check "$name ($setting): probe p99 $(json 'j["p99_ms"]') ms < 500 ms" python3 -c "import sys; sys.exit(0 if $(json 'j["p99_ms"]') < 500 else 1)"
	check "$name ($setting): RSS at most $(json 'j["rss_max_kb"]') kB < 256 MiB" [ "$(json 'j["rss_max_kb"]')" -lt 262144 ]
	check "$name ($setting): the server is still running" kill -0 "$PID"
	stop_server
	check "$name ($setting): it stops cleanly" [ "$STOP_RC" = 0 ]
}

PAGE=/consultations/multilingual-internet
SUBMIT=/api/v1/consultations/multilingual-internet/responses
for setting in default no-per-ip; do
	attack slow-headers "$setting" "$PAGE" -H -i 10 -x 24 -t GET
	attack slow-body "$setting" "$SUBMIT" -B -i 10 -x 24 -s 8192 -t POST
	attack slow-read "$setting" "$PAGE" -X -w 512 -y 1024 -n 5 -z 32 -k 3 -t GET
done
echo "# finished $(date -u +%FT%TZ)" | tee -a "$REPORT"
finish
