#!/bin/bash
# run-pg.sh: the PostgreSQL tier (`make test-pg`): starts a throwaway cluster (tests/pg.sh), runs
# the driver's unit tests against it, stops it. A cluster that cannot start fails the run.
B=${B:-build}
. "$(dirname "$0")/pg.sh"
trap pg_stop EXIT
if ! pg_start; then
	echo "not ok - PostgreSQL did not start (see above)"
	echo "0 passed, 1 failed"
	exit 1
fi
rc=0
for t in "$B"/pgtests/test_*; do
	[ -x "$t" ] || continue
	"$t" || rc=1
done
exit $rc
