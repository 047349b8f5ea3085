# pg.sh: a throwaway PostgreSQL cluster for tests; source it, then pg_start ... pg_stop.
#   pg_start  initdb + pg_ctl start in a fresh temporary folder; sets AGORA_PG_URL (a libpq URI
#             on the socket in that folder) and PG_DIR; returns 1, saying why, if it cannot
#   pg_stop   pg_ctl stop, then removes the folder
#   pg_start_replica  a streaming replica of that cluster (pg_basebackup -R, hot standby) in its
#             own temporary folder, on another free port; sets AGORA_PG_REPLICA_URL (the same
#             form, database postgres), PG_REPLICA_DIR and PG_REPLICA_PORT once it streams
#   pg_stop_replica   stops the replica, then removes its folder
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

# The replica's own temporary folder, like pg_start's, owned by the cluster's user.
pg_replica_dir() {
	PG_REPLICA_DIR=$(mktemp -d /tmp/agora-pgr-XXXXXX) || return 1
	chmod 755 "$PG_REPLICA_DIR"
	[ "$(id -u)" -eq 0 ] && chown postgres:postgres "$PG_REPLICA_DIR"
	return 0
}

pg_start_replica() {
	local streaming=0
	if [ -z "${PG_DIR:-}" ] || [ -z "${PG_PORT:-}" ]; then
		echo "pg_start_replica: no primary (pg_start first)" >&2
		return 1
	fi
	pg_replica_dir || return 1
	PG_REPLICA_PORT=$(pg_free_port) || return 1
	# -R writes standby.signal and primary_conninfo (the primary's socket and port); -X stream
	# copies the WAL written meanwhile; -c fast: an immediate checkpoint, not a spread one.
	if ! as_pg "$PG_BIN/pg_basebackup" -D "$PG_REPLICA_DIR/data" -h "$PG_DIR" -p "$PG_PORT" -U postgres \
		-R -X stream -c fast >"$PG_REPLICA_DIR/basebackup.log" 2>&1; then
		echo "pg_start_replica: pg_basebackup failed:" >&2
		cat "$PG_REPLICA_DIR/basebackup.log" >&2
		return 1
	fi
	# cluster_name is the name the primary sees (pg_stat_replication.application_name).
	if ! as_pg "$PG_BIN/pg_ctl" -D "$PG_REPLICA_DIR/data" -l "$PG_REPLICA_DIR/log" -w -t 30 \
		-o "-p $PG_REPLICA_PORT -k $PG_REPLICA_DIR -c listen_addresses='' -c cluster_name=agora_replica" \
		start >/dev/null 2>&1; then
		echo "pg_start_replica: the replica did not start:" >&2
		cat "$PG_REPLICA_DIR/log" >&2
		return 1
	fi
	for _ in $(seq 1 300); do
		streaming=$(psql -X -At "$AGORA_PG_URL" -c \
			"SELECT COUNT(*) FROM pg_stat_replication WHERE application_name = 'agora_replica' AND state = 'streaming'" 2>/dev/null)
		[ "$streaming" = 1 ] && break
		sleep 0.1
	done
	if [ "$streaming" != 1 ]; then
		echo "pg_start_replica: the replica does not stream from the primary after 30 s:" >&2
		tail -20 "$PG_REPLICA_DIR/log" >&2
		return 1
	fi
	AGORA_PG_REPLICA_URL="postgresql:///postgres?host=$PG_REPLICA_DIR&port=$PG_REPLICA_PORT&user=postgres"
	export AGORA_PG_REPLICA_URL PG_REPLICA_DIR PG_REPLICA_PORT
}

pg_stop_replica() {
	[ -n "${PG_REPLICA_DIR:-}" ] || return 0
	if [ -f "$PG_REPLICA_DIR/data/postmaster.pid" ]; then
		as_pg "$PG_BIN/pg_ctl" -D "$PG_REPLICA_DIR/data" -m fast -w -t 30 stop >/dev/null 2>&1
	fi
	rm -rf "$PG_REPLICA_DIR"
	PG_REPLICA_DIR=""
	unset AGORA_PG_REPLICA_URL
}
