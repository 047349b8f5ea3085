#!/bin/sh
# run.sh: `make run`: creates ./var with the demo data on first use, then serves it.
set -eu
DATA=${AGORA_DATA:-var}
LISTEN=${AGORA_LISTEN:-127.0.0.1:8080}
# Started as root, agora serve drops to the user --user names (default agora) once its port is
# bound (docs/DEPLOY.md, "Privileges and the system call filter"). `make run` is the developer's
# demo from the checkout, whose build/ (catalogs, search extension) and var/ another user may not
# be able to read: it stays the user that ran it, root included, unless AGORA_USER says otherwise.
[ "$(id -u)" -eq 0 ] && export AGORA_USER="${AGORA_USER:-root}"
if [ ! -f "$DATA/agora.db" ]; then
	build/agora init --data "$DATA" --demo >/dev/null
	build/agora demo --data "$DATA" --responses "${AGORA_DEMO_RESPONSES:-600}"
fi
echo "Agora: http://$LISTEN/"
if [ -f "$DATA/demo-login.txt" ]; then
	read -r email password <"$DATA/demo-login.txt"
	echo "Demo secretariat login: $email  password: $password"
	echo "API token for it:        build/agora token create --data $DATA --email $email"
fi
if [ -f "$DATA/demo-accounts.txt" ]; then
	echo "Other demo logins (email, password, role, Member State): $DATA/demo-accounts.txt"
	echo "Mail waiting to be sent (confirmation and invitation links): build/agora mail list --data $DATA"
fi
exec build/agora serve --data "$DATA" --listen "$LISTEN"
