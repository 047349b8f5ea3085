# pg.sh: a throwaway PostgreSQL cluster for tests; source it, then pg_start ... pg_stop.
#   pg_start  initdb + pg_ctl start in a fresh temporary folder; sets AGORA_PG_URL (a libpq URI
#             on the socket in that folder) and PG_DIR; returns 1, saying why, if it cannot
#   pg_stop   pg_ctl stop, then removes the folder
# The cluster listens on a socket only (listen_addresses=''), on a port found free, so runs in
# parallel never meet. initdb refuses root: as root, the server runs as the postgres user. A
# cluster that cannot start is the caller's failure, never a skip (docs/POSTGRES.md).
PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}

# as_pg CMD...: runs a PostgreSQL program as the user that owns the cluster
as_pg() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

# A TCP port nobody listens on (the socket's name carries it).
pg_free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

pg_start() {
	if [ -z "$PG_BIN" ] || [ ! -x "$PG_BIN/initdb" ]; then
		echo "pg_start: no PostgreSQL server programs (scripts/deps.sh installs postgresql)" >&2
		return 1
	fi
	PG_DIR=$(mktemp -d /tmp/agora-pg-XXXXXX) || return 1
	chmod 755 "$PG_DIR"	# the socket folder must be reachable by the client
	[ "$(id -u)" -eq 0 ] && chown postgres:postgres "$PG_DIR"
	PG_PORT=$(pg_free_port) || return 1
	if ! as_pg "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 \
		>"$PG_DIR/initdb.log" 2>&1; then
		echo "pg_start: initdb failed:" >&2
		cat "$PG_DIR/initdb.log" >&2
		return 1
	fi
	if ! as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w -t 30 \
		-o "-p $PG_PORT -k $PG_DIR -c listen_addresses=''" start >/dev/null 2>&1; then
		echo "pg_start: the server did not start:" >&2
		cat "$PG_DIR/log" >&2
		return 1
	fi
	AGORA_PG_URL="postgresql:///postgres?host=$PG_DIR&port=$PG_PORT&user=postgres"
	export AGORA_PG_URL PG_DIR PG_PORT
}

pg_stop() {
	[ -n "${PG_DIR:-}" ] || return 0
	if [ -f "$PG_DIR/data/postmaster.pid" ]; then
		as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w -t 30 stop >/dev/null 2>&1
	fi
	rm -rf "$PG_DIR"
	PG_DIR=""
	unset AGORA_PG_URL
}
