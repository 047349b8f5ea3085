#!/bin/bash
# t300_tokenizer: build/agora_fts.so is a loadable SQLite extension. The sqlite3 shell, after
# `.load build/agora_fts`, can create an FTS5 index with tokenize='agora' in a file and, in a new
# shell (a new connection), query it in several languages with highlight() on the right text;
# without the extension the index cannot be opened.
. "$(dirname "$0")/lib.sh"
cd "$(dirname "$0")/../.." || exit 1
EXT=${B:-build}/agora_fts
case $EXT in /*) ;; *) EXT=$(pwd)/$EXT ;; esac
DB=$TMP/index.db
check "the extension is built" test -f "$EXT.so"
command -v sqlite3 >/dev/null || { not_ok "sqlite3 shell installed"; finish; }

sqlite3 "$DB" >"$TMP/create.out" 2>&1 <<SQL
.load $EXT
CREATE VIRTUAL TABLE t USING fts5(body, tokenize='agora');
INSERT INTO t(rowid, body) VALUES
 (1, '发展中国家的互联网接入'),
 (2, 'تطوير والاتصالات في البلدان النامية'),
 (3, 'Подключение школ к сети'),
 (4, 'Les télécommunications et la connectivité'),
 (5, 'Schools were connected last year');
SQL
check "the shell loads the extension and creates the index" test ! -s "$TMP/create.out"

# q QUERY: "rowid|highlight" lines of the rows matching QUERY, in a fresh shell.
q() {
	sqlite3 "$DB" ".load $EXT" \
	    "SELECT rowid || '|' || highlight(t, 0, '[', ']') FROM t WHERE t MATCH '$1' ORDER BY rowid" 2>&1
}
expect() {
	got=$(q "$1")
	if [ "$got" = "$2" ]; then ok "MATCH '$1'"; else not_ok "MATCH '$1'" "got: $got"; fi
}
expect "互联网" "1|发展中国家的[互联网]接入"
expect "网" "1|发展中国家的互联[网]接入"
expect "اتصالات" "2|تطوير [والاتصالات] في البلدان النامية"
expect "подключения" "3|[Подключение] школ к сети"
expect "telecommunications" "4|Les [télécommunications] et la connectivité"
expect "connect" "4|Les télécommunications et la [connectivité]
5|Schools were [connected] last year"
expect "nothing" ""

# Without the tokenizer SQLite cannot open the table: the extension is what makes it readable.
out=$(sqlite3 "$DB" "SELECT count(*) FROM t WHERE t MATCH 'connect'" 2>&1)
case $out in
*"no such tokenizer"*) ok "without .load the index is unreadable" ;;
*) not_ok "without .load the index is unreadable" "got: $out" ;;
esac
# A tokenizer argument that names no language is refused.
out=$(sqlite3 "$DB" ".load $EXT" "CREATE VIRTUAL TABLE u USING fts5(b, tokenize='agora xx')" 2>&1)
case $out in
*"error"*|*"Error"*) ok "an unknown language argument is refused" ;;
*) not_ok "an unknown language argument is refused" "got: $out" ;;
esac
finish
