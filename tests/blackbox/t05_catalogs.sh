#!/bin/bash
# t05_catalogs: every interface string is translated into the five other languages. The strings of
# the current sources (xgettext, as `make pot` does) must each be in every catalog, translated and
# not fuzzy, and every catalog must compile with msgfmt --check.
. "$(dirname "$0")/lib.sh"
cd "$(dirname "$0")/../.." || exit 1
xgettext --from-code=UTF-8 -k_ -kN_ -kP_:1,2 -kC_:1c,2 -o "$TMP/now.pot" --package-name=agora src/*/*.c 2>"$TMP/xg.err"
check "xgettext reads the sources" test -s "$TMP/now.pot"
count() { grep -c '^msgid ' "$1" 2>/dev/null || true; }
total=$(($(count "$TMP/now.pot") - 1))
check "the sources have interface strings ($total)" test "$total" -gt 300
for l in ar zh fr ru es; do
	po=po/$l.po
	check "$l: the catalog compiles (msgfmt --check)" msgfmt --check -o /dev/null "$po"
	# every string of the sources defined, translated and not fuzzy (msgcmp's fatal errors)
	msgcmp "$po" "$TMP/now.pot" >"$TMP/cmp.$l" 2>&1
	bad=$(grep -c 'fatal\|not defined\|untranslated\|fuzzy' "$TMP/cmp.$l" || true)
	check "$l: every string of the sources is in the catalog, translated (msgcmp)" \
		sh -c "[ $bad -eq 0 ] || { grep -v 'not used' '$TMP/cmp.$l' | head -5 | sed 's/^/# /'; exit 1; }"
	untr=$(msgattrib --untranslated --no-obsolete "$po" | grep -c '^msgid ')
	untr=$(( untr > 0 ? untr - 1 : 0 ))
	check "$l: no untranslated string ($untr)" test "$untr" -eq 0
	fuzzy=$(msgattrib --only-fuzzy --no-obsolete "$po" | grep -c '^msgid ')
	fuzzy=$(( fuzzy > 0 ? fuzzy - 1 : 0 ))
	check "$l: no fuzzy string ($fuzzy)" test "$fuzzy" -eq 0
done
finish
