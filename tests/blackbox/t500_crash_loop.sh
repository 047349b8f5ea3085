#!/bin/bash
# t500_crash_loop: the crash loop of tests/stress/crash_loop.sh with a small count (4 kills; make
# stress runs 50): kill -9 of the server at random moments under continuous submission load from
# four clients, a restart each time, and after each restart every acknowledged submission is
# there exactly once by id and content, PRAGMA integrity_check says ok (SQLite) and
# `agora log verify --data` passes. On both stores.
exec bash "$(dirname "$0")/../stress/crash_loop.sh" "${CRASH_ROUNDS:-4}"
