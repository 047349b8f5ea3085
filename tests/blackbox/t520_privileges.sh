#!/bin/bash
# t520_privileges: `agora serve` started as root binds, then runs as --user (here nobody) with
# no capability and no way back: every thread's uid and gid, a data folder it can use and no
# file outside it that it can write. Its system call filter: Seccomp 2 on every thread and in a
# program it starts, calls outside the allow-list refused (EPERM) and logged; 0 with
# --seccomp off. Refusals: no 'agora' user and no --user, an unknown user, a data folder the
# user cannot use. The systemd unit: exposure at most 3.0.
. "$(dirname "$0")/lib.sh"
cd "$(dirname "$0")/../.." || exit 1
same() { [ "$1" = "$2" ] || { echo "# got '$1', wanted '$2'"; return 1; }; }
# field PID NAME: a line of /proc/PID/status, tabs as spaces
field() { sed -n "s/^$2:[[:space:]]*//p" "/proc/$1/status" | tr '\t' ' ' | sed 's/ *$//'; }
# every_thread PID NAME VALUE: each thread of PID shows VALUE for NAME
every_thread() {
	local t v
	for t in /proc/"$1"/task/*; do
		v=$(sed -n "s/^$2:[[:space:]]*//p" "$t/status" | tr '\t' ' ' | sed 's/ *$//')
		[ "$v" = "$3" ] || { echo "# thread ${t##*/}: $2 '$v', wanted '$3'"; return 1; }
	done
}
# as_server PID CMD...: runs CMD with exactly the credentials PID has (uid, gid, groups)
as_server() {
	local p=$1 g groups=--clear-groups; shift
	g=$(field "$p" Groups | tr ' ' ',')
	[ -z "$g" ] || groups=--groups=$g
	setpriv --reuid="$(field "$p" Uid | cut -d' ' -f1)" --regid="$(field "$p" Gid | cut -d' ' -f1)" \
		"$groups" -- "$@"
}
# refused_outside PID FILE: creating FILE with PID's credentials fails for want of permission
refused_outside() {
	local out
	out=$(as_server "$1" touch "$2" 2>&1)
	rm -f "$2"
	case $out in *"Permission denied"*) return 0 ;; esac
	echo "# $out"
	return 1
}
# logged_refusals: the four refusals of --seccomp check are in its log, socket's by number
logged_refusals() {
	[ "$(grep -c 'seccomp refused a system call" syscall=' "$TMP/c.err")" = 4 ] || return 1
	[ "$(uname -m)" != x86_64 ] || grep -q 'seccomp refused a system call" syscall=41$' "$TMP/c.err"
}
U=nobody
UID_U=$(id -u $U)
GID_U=$(id -g $U)

check "the test runs as root (as make test does)" [ "$(id -u)" = 0 ]
chmod 711 "$TMP"	# the user may pass through the test's folder, not list or write it
init_data

# Refusals before anything is served
if id agora >/dev/null 2>&1; then
	ok "# this machine has an 'agora' user: the refusal without --user is not checked"
else
	timeout 10 env -u AGORA_USER "$AGORA" serve --data "$DATA" --listen 127.0.0.1:0 >/dev/null 2>"$TMP/e1"
	check "as root, no 'agora' user and no --user: exit 1" same "$?" 1
	check "... saying what to do" grep -q "no user 'agora' to switch to.*--user NAME" "$TMP/e1"
fi
timeout 10 "$AGORA" serve --data "$DATA" --listen 127.0.0.1:0 --user no-such-user-t520 >/dev/null 2>"$TMP/e2"
check "--user of an unknown user: exit 1" same "$?" 1
check "... naming it" grep -q "no-such-user-t520: no such user" "$TMP/e2"
timeout 10 "$AGORA" serve --data "$DATA" --listen 127.0.0.1:0 --user $U >/dev/null 2>"$TMP/e3"
check "a data folder init made as root, --user $U: exit 1" same "$?" 1
check "... with the chown that fixes it" grep -q "chown -R $U: $DATA" "$TMP/e3"
check "... and nothing written by the refused start" same "$(find "$DATA" -newer "$TMP/e2" | wc -l)" 0

# Serving as the user
chown -R $U: "$DATA"
start_server --user $U
check "the process runs as uid $UID_U (real, effective, saved, fs)" same "$(field "$PID" Uid)" "$UID_U $UID_U $UID_U $UID_U"
check "and gid $GID_U" same "$(field "$PID" Gid)" "$GID_U $GID_U $GID_U $GID_U"
check "no other group" same "$(field "$PID" Groups)" "$GID_U"
check "no capability, effective or permitted" same "$(field "$PID" CapEff) $(field "$PID" CapPrm)" \
	"0000000000000000 0000000000000000"
check "no new privileges (set-uid programs would not raise it)" same "$(field "$PID" NoNewPrivs)" 1
check "more than one thread, and every one as uid $UID_U" sh -c "[ \$(ls /proc/$PID/task | wc -l) -gt 1 ]"
check "every thread as uid $UID_U" every_thread "$PID" Uid "$UID_U $UID_U $UID_U $UID_U"
check "the log says so" grep -q "switched to an unprivileged user.*user=$U uid=$UID_U" "$TMP/serve.err"
req GET /
check "it serves: GET / is 200" status_is 200
req POST "/api/v1/consultations/multilingual-internet/responses" \
	-F "response=<tests/blackbox/fixtures/resp-jane.json;type=application/json"
check "it writes its store: a response is 201" status_is 201
check "the data folder: writable with the server's credentials" as_server "$PID" touch "$DATA/t520-probe"
rm -f "$DATA/t520-probe"
for f in "$TMP/outside" "$(dirname "$AGORA")/t520-probe" /etc/t520-probe /var/t520-probe; do
	check "outside it, $f: not writable with them" refused_outside "$PID" "$f"
done

# The filter, on (the default)
check "Seccomp: 2 (filter)" same "$(field "$PID" Seccomp)" 2
check "at least one filter" sh -c "[ '$(field "$PID" Seccomp_filters)' -ge 1 ]"
check "Seccomp: 2 on every thread (TSYNC)" every_thread "$PID" Seccomp 2
check "the log says it is installed" grep -q "system call filter installed" "$TMP/serve.err"
stop_server
check "it stops cleanly under the filter: exit 0" same "$STOP_RC" 0
check "nothing it made in the data folder belongs to another user" same "$(find "$DATA" ! -user $U | wc -l)" 0
check "no call was refused while serving and stopping" sh -c "! grep -q 'seccomp refused' '$TMP/serve.err'"

# --seccomp check: the real start-up, the filter on every thread, then calls tried in the process
timeout 10 "$AGORA" serve --data "$DATA" --listen 127.0.0.1:0 --user $U --seccomp check >"$TMP/c.out" 2>"$TMP/c.err"
check "--seccomp check: exit 0" same "$?" 0
check "... Seccomp 2 in the serving process" grep -q "^filtered Seccomp: 2" "$TMP/c.out"
check "... and in a program it starts (as the workers are)" grep -q "^filtered child Seccomp: 2" "$TMP/c.out"
check "... a TCP socket allowed" grep -q "^allowed socket(AF_INET)" "$TMP/c.out"
for call in "socket(AF_NETLINK)" personality "unshare(CLONE_NEWUSER)" "setuid(0)"; do
	check "... $call refused with EPERM by the filter" grep -qF "refused $call: Operation not permitted" "$TMP/c.out"
done
check "... each refusal logged with its number (socket is 41 on x86-64)" logged_refusals

# --seccomp off
start_server --user $U --seccomp off
check "--seccomp off: Seccomp: 0" same "$(field "$PID" Seccomp)" 0
check "... said in the log" grep -q "the system call filter is off" "$TMP/serve.err"
check "... still uid $UID_U" same "$(field "$PID" Uid)" "$UID_U $UID_U $UID_U $UID_U"
stop_server
AGORA_SECCOMP=maybe timeout 10 "$AGORA" serve --data "$DATA" --listen 127.0.0.1:0 --user $U >/dev/null 2>"$TMP/e4"
check "AGORA_SECCOMP=maybe: refused" grep -q "seccomp maybe: on, off or check" "$TMP/e4"

# --user root: stays root, with a warning (what the rest of this suite does)
start_server --user root
check "--user root: uid 0, with a warning" sh -c "[ '$(field "$PID" Uid | cut -d' ' -f1)' = 0 ] &&
	grep -q 'serving as root' '$TMP/serve.err'"
stop_server

# The systemd unit
EXPO=$(systemd-analyze security --offline=yes contrib/agora.service 2>&1 |
	sed -n 's/.*Overall exposure level for agora.service: \([0-9.]*\).*/\1/p')
check "systemd-analyze security: exposure $EXPO, at most 3.0" sh -c "[ -n '$EXPO' ] && awk 'BEGIN { exit !($EXPO <= 3.0) }'"
check "the unit runs as User=agora" grep -qx "User=agora" contrib/agora.service
check "the unit keeps agora's filter on, and lets it install it" sh -c \
	"grep -qx 'Environment=AGORA_SECCOMP=on' contrib/agora.service && grep -qx 'SystemCallFilter=seccomp' contrib/agora.service"
finish
