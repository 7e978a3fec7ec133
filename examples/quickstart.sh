#!/usr/bin/env bash
# Quick start: run the whole vetd stack on this machine, on loopback only.
# Installs the missing Debian packages (or prints the apt-get line to run when
# not root), builds, then starts vetd and nginx (the system binary, with a
# configuration generated from conf/) in a temporary directory, with a
# throwaway directory server (slapd) holding the demo users, adds the demo
# organizations and their demo cases (examples/demo-cases.sh, through the
# API), and prints what to open and how to sign in. It stays in the
# foreground; Ctrl-C stops everything it started and removes the temporary
# directory.
# Listens on http://127.0.0.1:8080; set VETD_PORT to use another port.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
cd "$ROOT"
# shellcheck source=tests/lib.sh
source tests/lib.sh

PORT=${VETD_PORT:-8080}
NGINX=/usr/sbin/nginx
VETD="$ROOT/core/vetd"
VETCTL="$ROOT/core/vetctl"
SLAPD=/usr/sbin/slapd
DRAIN_TIMEOUT=5
BASE_DN=dc=vetd,dc=example
ROLES=(applicant screening interviewer adjudicator authority cso appeals auditor admin)

RUN_DIR=""
VETD_PID=""
NGINX_PID=""
SLAPD_PID=""
SEED_PID=""
LDAP_PORT=""
STOPPING=0
NGINX_ARGS=()

# Refuse a bad or busy port before anything is started.
check_port() {
	if [[ ! $PORT =~ ^[0-9]+$ ]] || ((PORT < 1 || PORT > 65535)); then
		vetd_die "VETD_PORT must be a port number (1-65535), not '$PORT'"
	fi
	if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
		vetd_die "port $PORT on 127.0.0.1 is already in use; stop what uses it or choose another port, e.g. VETD_PORT=8081 $0"
	fi
}

# Escape a string for the replacement side of a sed s||| command.
sed_escape() {
	printf '%s' "$1" | sed -e 's/[\\|&]/\\&/g'
}

# The temporary directory holding the configuration, socket, database and
# nginx's logs. Traversable by all, so that nginx's workers (nobody:nogroup
# when started as root) reach the socket. Always under /tmp, whatever TMPDIR
# says, so that the socket's path stays short (107 bytes at most).
make_run_dir() {
	RUN_DIR=$(mktemp -d /tmp/vetd-quickstart.XXXXXX)
	chmod 0755 "$RUN_DIR"
}

# The role groups of one demo organization, as a Lua table body.
org_roles() {
	local org=$1 role
	for role in "${ROLES[@]}"; do
		printf '      %s = "cn=%s-%s,ou=groups,%s",\n' "$role" "$org" "$role" "$BASE_DN"
	done
}

write_vetd_conf() {
	local group=""
	# As root, nginx's workers run as nobody:nogroup and reach the socket
	# through its group. Otherwise they run as this user, who owns it.
	((EUID == 0)) && group=', group = "nogroup"'
	printf 'vetd-service\n' >"$RUN_DIR/ldap.secret"
	chmod 0600 "$RUN_DIR/ldap.secret"
	cat >"$RUN_DIR/vetd.conf" <<EOF
-- vetd configuration written by examples/quickstart.sh; removed on exit.
-- See conf/vetd.conf for every key.
listen = { socket = "$RUN_DIR/vetd.sock", mode = "0660"$group }
workers = 2
database = "$RUN_DIR/vetd.db"
drain_timeout = $DRAIN_TIMEOUT
log_level = "info"

-- The rules: the repository's policies and shared Lua. northbridge uses
-- the example nuclear licensee's policy (examples/policies).
policies = { dir = "$ROOT/policies", scripts = "$ROOT/scripts" }

-- Plain http on loopback: the session cookie cannot be Secure here.
session = { insecure_cookie = true }

-- The demo directory (examples/directory), started by the quick start.
directory = {
  url = "ldap://127.0.0.1:$LDAP_PORT",
  bind_dn = "cn=vetd,ou=services,$BASE_DN",
  bind_password_file = "ldap.secret",
  base_dn = "ou=people,$BASE_DN",
  user_filter = "(&(objectClass=inetOrgPerson)(uid=%s)(!(employeeType=disabled)))",
  refresh = 300,
}

-- northbridge users are those under its OU; acme users are the members of
-- its staff group. Each role is one directory group.
organizations = {
  northbridge = {
    ou = "ou=northbridge,ou=people,$BASE_DN",
    policies = "$ROOT/examples/policies/northbridge-nuclear",
    roles = {
$(org_roles northbridge)
    },
  },
  acme = {
    group = "cn=acme-staff,ou=groups,$BASE_DN",
    roles = {
$(org_roles acme)
    },
  },
}
EOF
}

# The web root nginx serves: the repository's web/, or a copy of it in the
# run directory when nginx's workers (nobody) cannot read the repository,
# e.g. a clone under /root.
web_root() {
	local web="$ROOT/web"
	if ((EUID == 0)) && ! runuser -u nobody -- test -r "$web/index.html" 2>/dev/null; then
		cp -R "$web" "$RUN_DIR/web"
		chmod -R a+rX "$RUN_DIR/web"
		web="$RUN_DIR/web"
	fi
	printf '%s\n' "$web"
}

write_nginx_conf() {
	local template="$ROOT/conf/nginx-standalone.conf.in" user_directive="" web leftover
	[[ -f $template ]] || vetd_die "$template is missing"
	((EUID == 0)) && user_directive="user nobody nogroup;"
	web=$(web_root)
	sed -e "s|@PREFIX@|$(sed_escape "$RUN_DIR")|g" \
		-e "s|@PORT@|$(sed_escape "$PORT")|g" \
		-e "s|@VETD_SOCKET@|$(sed_escape "$RUN_DIR/vetd.sock")|g" \
		-e "s|@WEBROOT@|$(sed_escape "$web")|g" \
		-e "s|@CONFDIR@|$(sed_escape "$ROOT/conf")|g" \
		-e "s|@USER_DIRECTIVE@|$(sed_escape "$user_directive")|g" \
		-e "s|@EXTRA@||g" \
		"$template" >"$RUN_DIR/nginx.conf"
	leftover=$(grep -o '@[A-Z_]*@' "$RUN_DIR/nginx.conf" | sort -u | tr '\n' ' ' || true)
	[[ -z $leftover ]] || vetd_die "nginx.conf still has unknown tokens: $leftover"
	NGINX_ARGS=(-p "$RUN_DIR/" -c "$RUN_DIR/nginx.conf" -e "$RUN_DIR/nginx-error.log")
	grep -Eq '^[[:space:]]*daemon[[:space:]]+off' "$RUN_DIR/nginx.conf" ||
		NGINX_ARGS+=(-g 'daemon off;')
	"$NGINX" -t -q "${NGINX_ARGS[@]}" ||
		vetd_die "nginx rejected the configuration generated from $template"
}

# vetd and nginx run in process sessions of their own (setsid), so that
# Ctrl-C reaches only this script, which then stops them in order: nginx
# first, then vetd, which finishes the requests in flight.
start_vetd() {
	"$VETCTL" -f "$RUN_DIR/vetd.conf" db migrate >/dev/null
	setsid "$VETD" -f "$RUN_DIR/vetd.conf" </dev/null &
	VETD_PID=$!
}

start_nginx() {
	setsid "$NGINX" "${NGINX_ARGS[@]}" </dev/null &
	NGINX_PID=$!
}

# A free loopback port for slapd, from 3890 up.
pick_ldap_port() {
	local p
	for ((p = 3890; p < 3990; p++)); do
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			LDAP_PORT=$p
			return 0
		fi
	done
	vetd_die "no free port for the demo directory between 3890 and 3989"
}

# The demo directory: a throwaway slapd on loopback with the users of
# examples/directory/directory.ldif, added through the running server so
# that the memberOf overlay records their groups.
start_directory() {
	local i
	[[ -x $SLAPD ]] || vetd_die "$SLAPD is missing (Debian package slapd)"
	pick_ldap_port
	mkdir -p "$RUN_DIR/ldap-data"
	sed -e "s|@DIR@|$(sed_escape "$RUN_DIR")|g" -e "s|@EXTRA@||g" \
		"$ROOT/examples/directory/slapd.conf.in" >"$RUN_DIR/slapd.conf"
	setsid "$SLAPD" -d 0 -f "$RUN_DIR/slapd.conf" \
		-h "ldap://127.0.0.1:$LDAP_PORT/" </dev/null >"$RUN_DIR/slapd.log" 2>&1 &
	SLAPD_PID=$!
	for ((i = 0; i < 100; i++)); do
		if ! kill -0 "$SLAPD_PID" 2>/dev/null; then
			tail -n 20 "$RUN_DIR/slapd.log" >&2
			vetd_die "slapd exited during start-up"
		fi
		ldapwhoami -x -H "ldap://127.0.0.1:$LDAP_PORT" >/dev/null 2>&1 && break
		sleep 0.1
	done
	ldapadd -x -H "ldap://127.0.0.1:$LDAP_PORT" -D "cn=admin,$BASE_DN" \
		-w directory-admin -f "$ROOT/examples/directory/directory.ldif" >/dev/null ||
		vetd_die "could not load the demo directory"
}

# Wait until GET /api/v1/health answers 200 through nginx.
wait_healthy() {
	local i
	for ((i = 0; i < 150; i++)); do
		kill -0 "$VETD_PID" 2>/dev/null || vetd_die "vetd exited during start-up"
		if ! kill -0 "$NGINX_PID" 2>/dev/null; then
			show_nginx_errors
			vetd_die "nginx exited during start-up"
		fi
		if curl -fsS -o /dev/null --max-time 1 "http://127.0.0.1:$PORT/api/v1/health" 2>/dev/null; then
			return 0
		fi
		sleep 0.1
	done
	vetd_die "vetd did not answer http://127.0.0.1:$PORT/api/v1/health within 15 s"
}

# The end of nginx's error log, which goes with the run directory.
show_nginx_errors() {
	[[ -s $RUN_DIR/nginx-error.log ]] || return 0
	vetd_say "the end of nginx's error log:"
	tail -n 20 "$RUN_DIR/nginx-error.log" >&2
}

seed_demo() {
	local -a vetctl=("$VETCTL" -f "$RUN_DIR/vetd.conf")
	"${vetctl[@]}" org add northbridge "Northbridge Nuclear" >/dev/null
	"${vetctl[@]}" site add northbridge plant-a "Plant A" >/dev/null
	"${vetctl[@]}" org add acme "Acme Defence" >/dev/null
}

# The demo cases, through the API as the demo users (examples/demo-cases.sh).
# It runs in the background so that Ctrl-C or SIGTERM stops the quick start
# at once; cleanup stops it first.
seed_cases() {
	vetd_say "adding the demo cases"
	"$ROOT/examples/demo-cases.sh" "http://127.0.0.1:$PORT" </dev/null &
	SEED_PID=$!
	wait "$SEED_PID" || vetd_die "the demo cases could not be added (see above)"
	SEED_PID=""
}

print_banner() {
	local url="http://127.0.0.1:$PORT"
	cat <<EOF

vetd is running.

  Open        $url/ in a browser and sign in as a demo user below
              (README.md, "Web interface", walks a case and an incident)
  Health      $url/api/v1/health
              curl -s $url/api/v1/health
  Metrics     curl -s $url/metrics   (answered on loopback only)
  Demo data   organizations northbridge (site plant-a) and acme
              $VETCTL -f $RUN_DIR/vetd.conf org list
  Sign in     as <org>-<role> with the password vetd-demo, e.g.
              northbridge-cso, northbridge-applicant, acme-auditor
              organizations: northbridge, acme
              roles: ${ROLES[*]}
              curl -s -c jar -H 'Content-Type: application/json' \\
                -d '{"username":"northbridge-cso","password":"vetd-demo"}' \\
                $url/api/v1/session
              curl -s -b jar $url/api/v1/me
  Demo cases  acme (default policy): a SECRET clearance issued (Jordan Avery,
              acme-applicant), Jordan's upgrade to TS held on a NOA - brief,
              a SECRET application in screening (Sam Rivera, acme-applicant2),
              a CV draft half filled in; northbridge (nuclear policy): an SASC
              issued (northbridge-applicant), an SASC in adjudication with its
              recommendation (northbridge-applicant2), a draft for plant-a.
              Signed in as a cso (jar above):
              curl -s -b jar $url/api/v1/cases
              curl -s -b jar $url/api/v1/clearances
              README.md, "Walk-through", takes one more case to the register
  Directory   ldap://127.0.0.1:$LDAP_PORT (examples/directory)
  Files       $RUN_DIR (removed on exit)

vetd's log follows. Press Ctrl-C to stop.

EOF
}

# Send a signal to a process we started and wait up to TIMEOUT seconds for it
# to exit; kill it (and the children it leaves) if it does not.
# shellcheck disable=SC2317 # called from the traps
stop_process() {
	local name=$1 pid=$2 signal=$3 timeout=$4 i children=""
	[[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 0
	children=$(cat "/proc/$pid/task/$pid/children" 2>/dev/null || true)
	kill -s "$signal" "$pid" 2>/dev/null || true
	for ((i = 0; i < timeout * 10; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		vetd_say "$name (pid $pid) did not stop within ${timeout} s; killing it"
		# shellcheck disable=SC2086 # one pid a word
		kill -KILL "$pid" $children 2>/dev/null || true
	fi
	wait "$pid" 2>/dev/null || true
}

# shellcheck disable=SC2317 # called from the traps
cleanup() {
	trap '' INT TERM HUP
	stop_process demo-cases "$SEED_PID" TERM 5
	stop_process nginx "$NGINX_PID" TERM 5
	stop_process vetd "$VETD_PID" TERM $((DRAIN_TIMEOUT + 5))
	stop_process slapd "$SLAPD_PID" TERM 5
	if [[ -n $RUN_DIR && -d $RUN_DIR ]]; then
		rm -rf -- "$RUN_DIR"
	fi
	((STOPPING)) && vetd_say "stopped; removed $RUN_DIR"
	return 0
}

# shellcheck disable=SC2317 # called from the traps
on_signal() {
	STOPPING=1
	printf '\n' >&2
	vetd_say "stopping"
	exit 130
}

main() {
	vetd_install_all
	vetd_build
	[[ -x $VETD && -x $VETCTL ]] || vetd_die "the build did not produce core/vetd and core/vetctl"
	check_port

	trap cleanup EXIT
	trap on_signal INT TERM HUP
	make_run_dir
	start_directory
	write_vetd_conf
	write_nginx_conf
	start_vetd
	start_nginx
	wait_healthy
	seed_demo
	seed_cases
	print_banner

	local status=0
	wait -n "$VETD_PID" "$NGINX_PID" "$SLAPD_PID" || status=$?
	if ! kill -0 "$SLAPD_PID" 2>/dev/null; then
		vetd_die "the demo directory (slapd) exited (status $status)"
	fi
	if kill -0 "$VETD_PID" 2>/dev/null; then
		show_nginx_errors
		vetd_die "nginx exited (status $status)"
	fi
	vetd_die "vetd exited (status $status)"
}

main "$@"
