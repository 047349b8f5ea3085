#!/bin/sh
# install.sh: playwright-core and axe-core into tests/browser/node_modules, exactly as the lock
# says (npm ci), when node_modules is missing or older than package-lock.json. Chromium itself is
# Debian's (scripts/deps.sh); nothing downloads a browser.
set -eu
cd "$(dirname "$0")"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then
	npm ci --no-audit --no-fund --loglevel=error >/dev/null
	touch node_modules
fi
