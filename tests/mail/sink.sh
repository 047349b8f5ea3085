# tests/mail/sink.sh: the SMTP sink (smtp_sink.py, Debian's python3-aiosmtpd) for black-box tests
# that send mail (t540, t545). Sourced after lib.sh; uses its TMP. Sets SINK (the folder the
# messages land in, msg-NNNN.eml) and SPORT (its port); start_sink, stop_sink (by its pid).
PY=/usr/bin/python3	# Debian's, with python3-aiosmtpd (a python3 earlier on PATH may lack it)
SINK=$TMP/sink
mkdir -p "$SINK"
SPORT=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
SINK_PID=""
SINK_PY=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/smtp_sink.py
start_sink() {
	rm -f "$SINK/ready"
	$PY "$SINK_PY" "$SINK" "$SPORT" 2>>"$TMP/sink.err" &
	SINK_PID=$!
	for _ in $(seq 1 100); do [ -e "$SINK/ready" ] && return 0; sleep 0.05; done
	echo "# the SMTP sink did not start"; cat "$TMP/sink.err"; return 1
}
stop_sink() {
	[ -n "$SINK_PID" ] || return 0
	kill -TERM "$SINK_PID" 2>/dev/null
	wait "$SINK_PID" 2>/dev/null
	SINK_PID=""
}
msgs() { ls "$SINK"/msg-*.eml 2>/dev/null | wc -l; }
# wait_msgs N: until the sink holds N messages (10 s at most)
wait_msgs() { for _ in $(seq 1 200); do [ "$(msgs)" -ge "$1" ] && return 0; sleep 0.05; done; echo "# $(msgs) messages, wanted $1"; return 1; }
last_msg() { ls "$SINK"/msg-*.eml | tail -1; }
# eml FILE EXPR: EXPR over the message parsed by Python's email package (m)
eml() {
	$PY -c "import email, email.policy, sys; m = email.message_from_binary_file(open(sys.argv[1], 'rb'), policy=email.policy.default); print($2)" "$1"
}
# msgs_to ADDRESS: the messages whose To is ADDRESS, oldest first, one file a line
msgs_to() { grep -il "^To: .*\b$1\b" "$SINK"/msg-*.eml 2>/dev/null | sort; }
# wait_to ADDRESS N: until ADDRESS has N messages (15 s at most)
wait_to() { for _ in $(seq 1 300); do [ "$(msgs_to "$1" | wc -l)" -ge "$2" ] && return 0; sleep 0.05; done; echo "# $(msgs_to "$1" | wc -l) messages to $1, wanted $2"; return 1; }
