#!/bin/sh
# Installs what Agora needs from Debian's packages, once; quiet when nothing is missing.
set -eu
PKGS="build-essential pkg-config gettext locales curl iso-codes golang-go golang-golang-x-mod-dev
libmicrohttpd-dev libsqlite3-dev libpq-dev postgresql libsodium-dev libicu-dev libjansson-dev libcmark-dev libical-dev
libmagic-dev libcmocka-dev python3 sqlite3 libstemmer-dev
libpoppler-glib-dev libzip-dev libxml2-dev libexttextcat-dev libexttextcat-data
libpango1.0-dev libcairo2-dev fonts-noto-core fonts-noto-cjk libxlsxwriter-dev libarchive-dev zlib1g-dev
poppler-utils libreoffice-writer-nogui chromium nginx libfiu-dev fiu-utils libseccomp-dev valgrind
libcurl4-openssl-dev python3-aiosmtpd"
# pango, cairo and the Noto fonts: the Chair's report as PDF; libxlsxwriter and libarchive: exports
# and backups; poppler-utils (pdffonts, pdftoppm) and LibreOffice (headless): the report's tests;
# zlib1g-dev: gzip for pages and API answers (docs/WEB.md).
# libpq-dev: the PostgreSQL driver (src/store/db_pg.c); postgresql: the throwaway clusters of
# its tests (tests/pg.sh, `make test-pg`).
# golang-go and golang-golang-x-mod-dev: the independent verifier of the ledger (t340).
# chromium: the browser tests (tests/browser; playwright-core and axe-core come from npm there).
# nginx: the reverse proxy of the multi-server test (tests/blackbox/t480_multi_server.sh) and of
# make bench.
# libfiu-dev, fiu-utils: fault injection in the durability tests; libseccomp-dev: the serving
# process's system call allow-list; valgrind: the unit tests under memcheck (issue 11).
# libcurl4-openssl-dev: sending mail (src/mail) and the log tools' HTTP client; python3-aiosmtpd:
# the SMTP sink the mail tests send to (tests/mail/smtp_sink.py).
[ "${1:-}" = "--bench" ] && PKGS="$PKGS wrk"
# The slow abuse suites (make slow-clients, make sqlmap; docs/ABUSE.md).
[ "${1:-}" = "--abuse" ] && PKGS="$PKGS slowhttptest sqlmap"
[ "${1:-}" = "--fuzz" ] && PKGS="$PKGS clang libclang-rt-14-dev"
# Only for scripts/make-extract-fixtures.sh (the fixtures are committed).
[ "${1:-}" = "--fixtures" ] && PKGS="$PKGS python3-gi python3-gi-cairo gir1.2-pango-1.0 fonts-noto-core fonts-noto-cjk chromium"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
if [ -n "$missing" ]; then
	echo "deps: installing$missing"
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
# The six interface languages need their locales (messages only; see STACK-NOTES.md).
for l in ar_SA zh_CN en_US fr_FR ru_RU es_ES; do
	if ! locale -a 2>/dev/null | grep -qi "^$l\.utf-\?8$"; then
		echo "deps: generating locale $l.UTF-8"
		$SUDO localedef -i "$l" -f UTF-8 "$l.UTF-8"
	fi
done
