#!/bin/bash
# t210_xss: an XSS polyglot in every query parameter of every page the policy files name, and in
# every field of every form on those pages (anonymous and secretariat), must come back escaped,
# at once and on every page afterwards (xss.py does the crawling).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/visitors.sh"

"$AGORA" routes >"$TMP/routes"
: >"$TMP/paths"
for pf in "$POLICY_DIR"/*.policy; do
	while IFS= read -r line || [ -n "$line" ]; do
		line=${line%%#*}
		read -r method _ path _ <<<"$line"
		[ "$method" = GET ] || continue
		expand "$path" secretariat >>"$TMP/paths"
		echo >>"$TMP/paths"
	done <"$pf"
done
sort -u "$TMP/paths" -o "$TMP/paths"
XSS_EMAIL=$SEC XSS_PASSWORD=$PW python3 "$(dirname "$0")/xss.py" "$BASE" "$TMP/routes" "$TMP/paths"
rc=$?
[ $rc -eq 0 ] || fails=1
exit $rc
