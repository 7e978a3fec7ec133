#!/bin/bash
# vetd benchmark, run by `make bench`. It starts vetd (2 workers) and the
# bare libfcgi responder (2 workers) behind one nginx built from
# conf/nginx-standalone.conf.in, all in a temporary directory on loopback,
# and measures them with wrk in alternating rounds so that both see the same
# machine conditions. It prints one line per measurement, then a summary
# with the median of each and the targets; it exits 1 when a target is
# missed. Everything it started is stopped, and the directory removed, on
# any exit.
#
# It also starts a throwaway slapd seeded with the demo directory, so that
# sign-in can be compared with a raw ldapwhoami bind to the same server, and
# an authenticated GET /api/v1/me with the bare responder.
#
# Environment: VETD_BIN, VETCTL_BIN, BARE_BIN, VETD_SRCDIR (set by make
# bench), NGINX_BIN (default /usr/sbin/nginx), WRK_BIN
# (default wrk), BENCH_ROUNDS (5), BENCH_DURATION (seconds a round, 5),
# BENCH_THREADS (2), BENCH_CONNECTIONS (32), BENCH_WORKERS (vetd's workers,
# 2), BENCH_UPDATE_CLIENTS (4), BENCH_ONLY (names of the measurements to
# take, e.g. "case update"; the bare responder is always measured),
# BENCH_KEEP (set: keep the temporary directory, to read its logs).
set -euo pipefail
shopt -u patsub_replacement 2>/dev/null || true
export LC_ALL=C

: "${VETD_BIN:?VETD_BIN must name the vetd program (make bench sets it)}"
: "${BARE_BIN:?BARE_BIN must name the bare responder (make bench sets it)}"
: "${VETD_SRCDIR:?VETD_SRCDIR must name the source tree (make bench sets it)}"
: "${VETCTL_BIN:?VETCTL_BIN must name the vetctl program (make bench sets it)}"
SLAPD_BIN=${SLAPD_BIN:-/usr/sbin/slapd}
: "${LDAPBIND_BIN:?LDAPBIND_BIN must name the in-process bind reference (make bench sets it)}"
: "${POLICYBENCH_BIN:?POLICYBENCH_BIN must name the policy benchmark (make bench sets it)}"
: "${SQLITECOMMIT_BIN:?SQLITECOMMIT_BIN must name the raw commit reference (make bench sets it)}"
NGINX_BIN=${NGINX_BIN:-/usr/sbin/nginx}
WRK_BIN=${WRK_BIN:-wrk}
ROUNDS=${BENCH_ROUNDS:-5}
DURATION=${BENCH_DURATION:-5}
THREADS=${BENCH_THREADS:-2}
CONNECTIONS=${BENCH_CONNECTIONS:-32}

# health must reach this share of the bare responder's throughput (percent)
HEALTH_TARGET=70
# authenticated /me must reach this share of the bare responder (percent)
ME_TARGET=60
# median sign-in latency at most this many times a raw ldapwhoami bind
SIGNIN_TARGET=2
# in-process adjudicate calls per second, one core
ADJUDICATE_TARGET=50000
# seconds for policy diff over DIFF_CASES generated cases, on 2 cores
DIFF_TARGET=10
DIFF_CASES=${BENCH_DIFF_CASES:-100000}
# authenticated GET /api/v1/cases/{id}: share of the bare responder (percent)
CASE_TARGET=60
# durable section update: share of raw single-row commits (percent)
UPDATE_TARGET=50
UPDATE_CLIENTS=${BENCH_UPDATE_CLIENTS:-4}
# register query "expiring within 180 days" over REGISTER_ROWS clearances (ms)
REGISTER_TARGET=50
REGISTER_ROWS=${BENCH_REGISTER_ROWS:-1000000}
# seconds for one `vetctl tick` over TICK_ROWS clearances, 10 % of them due
# for renewal (each gets a case, its event, audit row and notifications)
TICK_TARGET=30
TICK_ROWS=${BENCH_TICK_ROWS:-1000000}

BASE_DN=dc=vetd,dc=example
BENCH_USER=northbridge-cso
BENCH_USER_DN=uid=northbridge-cso,ou=northbridge,ou=people,$BASE_DN

workdir=
port=
ldap_port=
cookie=
cso_cookie=
pids=()
declare -A results=()

say() {
	printf '%s\n' "$*"
}

die() {
	printf 'bench: error: %s\n' "$*" >&2
	exit 2
}

# --- setting up and tearing down -------------------------------------------

# Stop every process we started (each leads its own process group), then
# remove the directory.
cleanup() {
	local pid deadline
	trap - EXIT INT TERM
	for pid in "${pids[@]}"; do
		kill -TERM "$pid" 2>/dev/null || true
	done
	deadline=$((SECONDS + 10))
	for pid in "${pids[@]}"; do
		while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do
			sleep 0.1
		done
		kill -KILL -- "-$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	if [[ -n $workdir && -z ${BENCH_KEEP:-} ]]; then
		rm -rf -- "$workdir"
	fi
}

# Start "$@" in a process group of its own, output appended to log $1.
start() {
	local log=$1
	shift
	setsid "$@" </dev/null >>"$log" 2>&1 &
	pids+=("$!")
}

# A loopback TCP port nobody listens on right now.
pick_port() {
	local p
	while :; do
		p=$((20000 + RANDOM % 40000))
		if [[ -z $(ss -Htln "sport = :$p" 2>/dev/null) ]]; then
			printf '%s\n' "$p"
			return
		fi
	done
}

write_vetd_config() {
	local group=
	if ((EUID == 0)); then
		group=', group = "nogroup"'
	fi
	printf 'vetd-service\n' >"$workdir/ldap.secret"
	chmod 0600 "$workdir/ldap.secret"
	cat >"$workdir/vetd.conf" <<-EOF
		-- vetd configuration of the benchmark
		listen = { socket = "vetd.sock", mode = "0660"$group }
		workers = ${BENCH_WORKERS:-2}
		database = "vetd.db"
		log_level = "info"
		session = { insecure_cookie = true }
		policies = { dir = "$VETD_SRCDIR/policies", scripts = "$VETD_SRCDIR/scripts" }
		directory = {
		  url = "ldap://127.0.0.1:$ldap_port",
		  bind_dn = "cn=vetd,ou=services,$BASE_DN",
		  bind_password_file = "ldap.secret",
		  base_dn = "ou=people,$BASE_DN",
		  user_filter = "(&(objectClass=inetOrgPerson)(uid=%s))",
		}
		organizations = {
		  northbridge = {
		    ou = "ou=northbridge,ou=people,$BASE_DN",
		    roles = { cso = "cn=northbridge-cso,ou=groups,$BASE_DN",
		              applicant = "cn=northbridge-applicant,ou=groups,$BASE_DN" },
		  },
		}
	EOF
	"$VETCTL_BIN" -f "$workdir/vetd.conf" db migrate >/dev/null
	"$VETCTL_BIN" -f "$workdir/vetd.conf" org add northbridge "Northbridge Nuclear" >/dev/null
}

# A throwaway slapd with the demo directory, seeded through the server.
start_slapd() {
	local text deadline
	mkdir -p "$workdir/ldap-data"
	text=$(<"$VETD_SRCDIR/examples/directory/slapd.conf.in")
	text=${text//@DIR@/$workdir}
	text=${text//@EXTRA@/}
	printf '%s\n' "$text" >"$workdir/slapd.conf"
	start "$workdir/slapd.log" "$SLAPD_BIN" -d 0 -f "$workdir/slapd.conf" \
		-h "ldap://127.0.0.1:$ldap_port/"
	deadline=$((SECONDS + 30))
	until ldapwhoami -x -H "ldap://127.0.0.1:$ldap_port" >/dev/null 2>&1; do
		((SECONDS < deadline)) || die "slapd did not start:
$(tail -n 20 "$workdir/slapd.log")"
		sleep 0.1
	done
	ldapadd -x -H "ldap://127.0.0.1:$ldap_port" -D "cn=admin,$BASE_DN" \
		-w directory-admin -f "$VETD_SRCDIR/examples/directory/directory.ldif" \
		>/dev/null || die "could not seed the directory"
}

write_nginx_config() {
	local text extra user=''
	text=$(<"$VETD_SRCDIR/conf/nginx-standalone.conf.in")
	if ((EUID == 0)); then
		user='user nobody nogroup;'
	fi
	extra="location = /bare {
            include /etc/nginx/fastcgi_params;
            fastcgi_param REQUEST_ID \$request_id;
            fastcgi_pass unix:$workdir/bare.sock;
        }"
	text=${text//@PREFIX@/$workdir}
	text=${text//@PORT@/$port}
	text=${text//@VETD_SOCKET@/$workdir/vetd.sock}
	# a readable copy: nginx's workers (nobody) may not read a private clone
	cp -R "$VETD_SRCDIR/web" "$workdir/web"
	chmod -R a+rX "$workdir/web"
	text=${text//@WEBROOT@/$workdir/web}
	text=${text//@CONFDIR@/$VETD_SRCDIR/conf}
	text=${text//@USER_DIRECTIVE@/$user}
	text=${text//@EXTRA@/$extra}
	printf '%s\n' "$text" >"$workdir/nginx.conf"
}

# Wait until GET path answers 200, or die after 10 s showing the logs.
wait_ready() {
	local path=$1 deadline=$((SECONDS + 10)) pid code
	while ((SECONDS < deadline)); do
		for pid in "${pids[@]}"; do
			kill -0 "$pid" 2>/dev/null ||
				die "a server exited during start-up; logs in $workdir:
$(tail -n 20 "$workdir"/*.log)"
		done
		code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port$path" || true)
		if [[ $code == 200 ]]; then
			return
		fi
		sleep 0.1
	done
	die "GET $path did not answer 200 within 10 s (last: $code):
$(tail -n 20 "$workdir"/*.log)"
}

setup() {
	local tool
	for tool in "$VETD_BIN" "$VETCTL_BIN" "$BARE_BIN" "$NGINX_BIN" "$SLAPD_BIN"; do
		[[ -x $tool ]] || die "$tool is not an executable"
	done
	command -v ldapwhoami >/dev/null || die "ldapwhoami not found (Debian: apt-get install ldap-utils)"
	command -v "$WRK_BIN" >/dev/null || die "wrk not found (Debian: apt-get install wrk)"
	command -v curl >/dev/null || die "curl not found (Debian: apt-get install curl)"

	workdir=$(mktemp -d /tmp/vetd-bench.XXXXXX)
	# nginx's workers (nobody) must reach the sockets inside
	chmod 0755 "$workdir"
	port=$(pick_port)
	ldap_port=$(pick_port)
	start_slapd
	write_vetd_config
	write_nginx_config

	start "$workdir/vetd.log" "$VETD_BIN" -f "$workdir/vetd.conf"
	start "$workdir/bare.log" "$BARE_BIN" "$workdir/bare.sock" "${BENCH_WORKERS:-2}"
	start "$workdir/nginx.log" "$NGINX_BIN" -p "$workdir/" \
		-c "$workdir/nginx.conf" -e "$workdir/nginx-error.log"
	wait_ready /api/v1/health
	wait_ready /bare
	sign_in_once
	make_case
}

# Sign in as user; prints "cookie csrf" (cookie as name=value).
sign_in_as() {
	local headers body
	headers=$(curl -s -D - -o "$workdir/signin.json" -H 'Content-Type: application/json' \
		-d "{\"username\":\"$1\",\"password\":\"vetd-demo\"}" \
		"http://127.0.0.1:$port/api/v1/session")
	body=$(<"$workdir/signin.json")
	printf '%s %s\n' \
		"$(sed -n 's/^Set-Cookie: \(vetd_session=[^;]*\);.*/\1/p' <<<"$headers" | tr -d '\r')" \
		"$(sed -n 's/.*"csrf_token":"\([^"]*\)".*/\1/p' <<<"$body")"
}

# A person and UPDATE_CLIENTS cases to read and write: the cso opens them,
# the applicant (their person) writes a section of each.
make_case() {
	local i cso_csrf app_cookie app_csrf api="http://127.0.0.1:$port/api/v1"
	read -r cso_cookie cso_csrf <<<"$(sign_in_as northbridge-cso)"
	read -r app_cookie app_csrf <<<"$(sign_in_as northbridge-applicant)"
	[[ -n $cso_cookie && -n $app_cookie ]] || die "could not sign in for the case benchmarks"
	curl -sf -o /dev/null -H 'Content-Type: application/json' -H "Cookie: $cso_cookie" \
		-H "X-CSRF-Token: $cso_csrf" -d '{"name":"Bench Person","date_of_birth":"1985-03-14","citizenships":["CA"],"username":"northbridge-applicant"}' \
		"$api/persons" || die "could not create the person"
	for ((i = 1; i <= UPDATE_CLIENTS; i++)); do
		curl -sf -o /dev/null -H 'Content-Type: application/json' -H "Cookie: $cso_cookie" \
			-H "X-CSRF-Token: $cso_csrf" -d '{"person_id":1,"kind":"new","level":"SECRET"}' \
			"$api/cases" || die "could not open case $i"
	done
	printf 'wrk.headers["Cookie"] = "%s"\n' "$cso_cookie" >"$workdir/case.lua"
	cat >"$workdir/update.lua.in" <<-EOF
		-- durable section updates: each wrk thread is one client with one
		-- connection, writing the residences of its own case (1, 2, ...)
		-- one update after another, each with the version the previous
		-- one returned, starting from the versions stored now
		local versions = { @VERSIONS@ }
		local n = 0
		setup = function(thread)
		  n = n + 1
		  thread:set("case_id", n)
		end
		init = function(args)
		  v = versions[case_id]
		  path = "/api/v1/cases/" .. case_id .. "/sections/residences"
		end
		wrk.method = "PUT"
		wrk.headers["Content-Type"] = "application/json"
		wrk.headers["Cookie"] = "$app_cookie"
		wrk.headers["X-CSRF-Token"] = "$app_csrf"
		request = function()
		  wrk.body = '{"version":' .. v .. ',"data":[{"from":"2015-01-01","country":"CA","address":"' .. v .. ' Main St"}]}'
		  return wrk.format(nil, path)
		end
		response = function(status, headers, body)
		  local n = body:match('"version":(%d+)')
		  if n then v = tonumber(n) end
		end
	EOF
}

# Sign in with curl and keep the session cookie for the /me measurement.
sign_in_once() {
	local headers
	headers=$(curl -s -D - -o /dev/null -H 'Content-Type: application/json' \
		-d "{\"username\":\"$BENCH_USER\",\"password\":\"vetd-demo\"}" \
		"http://127.0.0.1:$port/api/v1/session")
	cookie=$(sed -n 's/^Set-Cookie: \(vetd_session=[^;]*\);.*/\1/p' <<<"$headers" | tr -d '\r')
	[[ -n $cookie ]] || die "could not sign in for the benchmark:
$headers"
	printf 'wrk.headers["Cookie"] = "%s"\n' "$cookie" >"$workdir/me.lua"
	cat >"$workdir/signin.lua" <<-EOF
		wrk.method = "POST"
		wrk.headers["Content-Type"] = "application/json"
		wrk.body = '{"username":"$BENCH_USER","password":"vetd-demo"}'
	EOF
}

# --- measuring -------------------------------------------------------------

# Requests per second wrk reaches on path; dies if any answer is not 2xx.
# Extra arguments go to wrk (e.g. -s script.lua).
wrk_rate() {
	local path=$1 seconds=$2 out rate
	shift 2
	out=$("$WRK_BIN" -t"$THREADS" -c"$CONNECTIONS" -d"${seconds}s" "$@" \
		"http://127.0.0.1:$port$path")
	if grep -qE 'Non-2xx|Socket errors' <<<"$out"; then
		die "errors while measuring $path:
$out"
	fi
	rate=$(awk '$1 == "Requests/sec:" { print $2 }' <<<"$out")
	[[ -n $rate ]] || die "no rate in wrk's output:
$out"
	printf '%s\n' "$rate"
}

# Record one measurement of name and print its line.
record() {
	local name=$1 round=$2 rate=$3
	results[$name]+="$rate "
	printf 'round %d/%d  %-8s %12.1f req/s\n' "$round" "$ROUNDS" "$name" "$rate"
}

measure_health() {
	local rate
	rate=$(wrk_rate /api/v1/health "$DURATION")
	record health "$1" "$rate"
}

measure_bare() {
	local rate
	rate=$(wrk_rate /bare "$DURATION")
	record bare "$1" "$rate"
}

measure_me() {
	local rate
	rate=$(wrk_rate /api/v1/me "$DURATION" -s "$workdir/me.lua")
	record me "$1" "$rate"
}

# Median latency (ms) of sign-ins made one after the other by one client,
# as wrk's 50th percentile.
measure_signin() {
	local out ms
	out=$("$WRK_BIN" -t1 -c1 -d"${DURATION}s" --latency -s "$workdir/signin.lua" \
		"http://127.0.0.1:$port/api/v1/session")
	if grep -qE 'Non-2xx|Socket errors' <<<"$out"; then
		die "errors while measuring sign-in:
$out"
	fi
	ms=$(awk '$1 == "50%" { v = $2
		if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 }
		else if (v ~ /ms$/) { sub(/ms$/, "", v) }
		else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 }
		print v }' <<<"$out")
	[[ -n $ms ]] || die "no latency in wrk's output:
$out"
	results[signin]+="$ms "
	printf 'round %d/%d  %-8s %12.3f ms median\n' "$1" "$ROUNDS" signin "$ms"
}

# Median time (ms) of a raw simple bind with ldapwhoami to the same slapd,
# the whole command as a client would run it.
measure_ldapwhoami() {
	local i t0 t1 times=""
	for ((i = 0; i < 50; i++)); do
		t0=$(date +%s%N)
		ldapwhoami -x -H "ldap://127.0.0.1:$ldap_port" -D "$BENCH_USER_DN" \
			-w vetd-demo >/dev/null || die "ldapwhoami failed"
		t1=$(date +%s%N)
		times+="$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e6 }') "
	done
	results[whoami]+="$(median "$times") "
	printf 'round %d/%d  %-8s %12.3f ms median of 50\n' "$1" "$ROUNDS" whoami \
		"$(median "$times")"
}

# Median time (ms) of an in-process bind on a fresh connection (no process
# start-up): the floor for a sign-in, shown for information.
measure_rawbind() {
	local ms
	ms=$("$LDAPBIND_BIN" "ldap://127.0.0.1:$ldap_port" "$BENCH_USER_DN" vetd-demo 200) ||
		die "the in-process bind reference failed"
	results[rawbind]+="$ms "
	printf 'round %d/%d  %-8s %12.3f ms median of 200\n' "$1" "$ROUNDS" rawbind "$ms"
}

# In-process adjudicate calls per second (the default policy), and a
# reference policy that only answers a constant, in the same run.
measure_policy_calls() {
	local out
	out=$("$POLICYBENCH_BIN" calls "$VETD_SRCDIR/scripts" "$VETD_SRCDIR/policies" "$DURATION") ||
		die "policybench failed"
	results[adjudicate]+="$(awk '$1 == "adjudicate" { print $2 }' <<<"$out") "
	results[adjref]+="$(awk '$1 == "reference" { print $2 }' <<<"$out") "
	printf 'round %d/%d  %-8s %12.0f calls/s (reference %.0f)\n' "$1" "$ROUNDS" adjud \
		"$(awk '$1 == "adjudicate" { print $2 }' <<<"$out")" \
		"$(awk '$1 == "reference" { print $2 }' <<<"$out")"
}

# Seconds for `vetctl policy diff` over DIFF_CASES generated cases: the
# default policy (an organization with no rules of its own) against the
# northbridge-nuclear example as the draft, two jobs.
measure_policy_diff() {
	local t0 t1 secs
	if [[ ! -s $workdir/cases.jsonl ]]; then
		"$POLICYBENCH_BIN" gen "$DIFF_CASES" 7 >"$workdir/cases.jsonl" ||
			die "could not generate cases"
	fi
	t0=$(date +%s%N)
	"$VETCTL_BIN" -f "$workdir/vetd.conf" policy diff benchorg \
		--draft "$VETD_SRCDIR/examples/policies/northbridge-nuclear" \
		--cases "$workdir/cases.jsonl" --jobs 2 >"$workdir/diff.out" 2>"$workdir/diff.err" ||
		die "policy diff failed: $(tail -n 5 "$workdir/diff.err") $(tail -n 3 "$workdir/diff.out")"
	t1=$(date +%s%N)
	secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", (b - a) / 1e9 }')
	results[diff]+="$secs "
	printf 'round %d/%d  %-8s %12.2f s for %d cases (%s)\n' "$1" "$ROUNDS" diff "$secs" \
		"$DIFF_CASES" "$(grep -m1 'would change' "$workdir/diff.out")"
}

measure_case() {
	local rate
	rate=$(wrk_rate /api/v1/cases/1 "$DURATION" -s "$workdir/case.lua")
	record case "$1" "$rate"
}

# Durable section updates per second from UPDATE_CLIENTS clients, each
# with one connection and its own case, one update after another (each a
# transaction with its case event and audit row, committed with fsync);
# and raw single-row durable commits by one writer in the same directory.
measure_update() {
	local out rate raw i v versions=""
	for ((i = 1; i <= UPDATE_CLIENTS; i++)); do
		v=$(sqlite3 -cmd ".timeout 10000" "$workdir/vetd.db" "SELECT coalesce(max(version), 0) FROM case_sections WHERE case_id = $i AND name = 'residences'")
		versions+="$v, "
	done
	sed "s/@VERSIONS@/$versions/" "$workdir/update.lua.in" >"$workdir/update.lua"
	out=$("$WRK_BIN" -t"$UPDATE_CLIENTS" -c"$UPDATE_CLIENTS" -d"${DURATION}s" \
		-s "$workdir/update.lua" "http://127.0.0.1:$port/api/v1/cases/1/sections/residences")
	if grep -qE 'Non-2xx|Socket errors' <<<"$out"; then
		die "errors while measuring section updates:
$out"
	fi
	rate=$(awk '$1 == "Requests/sec:" { print $2 }' <<<"$out")
	raw=$("$SQLITECOMMIT_BIN" "$workdir/raw.db" "$DURATION") || die "sqlitecommit failed"
	results[update]+="$rate "
	results[raw]+="$raw "
	printf 'round %d/%d  %-8s %12.1f /s (raw commits %.1f /s)\n' "$1" "$ROUNDS" update \
		"$rate" "$raw"
}

# REGISTER_ROWS clearances in vetd's database, once; then the median time
# of the API's "expiring within 180 days" query through nginx.
measure_register() {
	local i t times="" before
	if [[ ! -e $workdir/register.done ]]; then
		sqlite3 "$workdir/vetd.db" <<-EOF >/dev/null || die "could not fill the register"
			PRAGMA busy_timeout = 10000;
			WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $REGISTER_ROWS)
			INSERT INTO clearances (org_id, person_id, level, status, granted_on,
			  expires_on, restrictions, created_at, updated_at)
			SELECT 1, 1, 'SECRET', CASE WHEN i % 7 = 0 THEN 'restricted' ELSE 'active' END,
			  date('2022-01-01', '+' || (i % 1800) || ' days'),
			  date('2026-01-01', '+' || (i % 3650) || ' days'), '[]',
			  '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z' FROM n;
		EOF
		: >"$workdir/register.done"
	fi
	before=$(date -u -d '+180 days' +%Y-%m-%d)
	for ((i = 0; i < 21; i++)); do
		t=$(curl -s -o /dev/null -w '%{time_total}' -H "Cookie: $cso_cookie" \
			"http://127.0.0.1:$port/api/v1/clearances?expiring_before=$before&limit=100")
		times+="$(awk -v t="$t" 'BEGIN { printf "%.3f", t * 1000 }') "
	done
	results[register]+="$(median "$times") "
	printf 'round %d/%d  %-8s %12.3f ms median of 21 (%d clearances)\n' "$1" "$ROUNDS" \
		register "$(median "$times")" "$REGISTER_ROWS"
}

# True when measurement $1 is to be taken: BENCH_ONLY, when set, names the
# ones wanted (e.g. BENCH_ONLY="case update"); the bare responder, every
# ratio's reference, is always measured.
wanted() {
	[[ -z ${BENCH_ONLY:-} || $1 == bare || " $BENCH_ONLY " == *" $1 "* ]]
}

# TICK_ROWS clearances in a database of their own (made once; each round
# works on a fresh copy), one in ten expiring within the next 170 days and
# the rest beyond the 180-day lead time; then the time of one tick pass.
measure_tick() {
	local t0 t1 secs out
	if [[ ! -e $workdir/tick.db ]]; then
		sed 's/^database = .*/database = "tick-run.db"/' "$workdir/vetd.conf" \
			>"$workdir/tick.conf"
		cp "$workdir/tick.conf" "$workdir/tick-make.conf"
		sed -i 's/^database = .*/database = "tick.db"/' "$workdir/tick-make.conf"
		"$VETCTL_BIN" -f "$workdir/tick-make.conf" db migrate >/dev/null
		"$VETCTL_BIN" -f "$workdir/tick-make.conf" org add northbridge \
			"Northbridge Nuclear" >/dev/null
		sqlite3 "$workdir/tick.db" <<-EOF >/dev/null || die "could not fill the tick database"
			PRAGMA journal_mode = WAL;
			WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000)
			INSERT INTO persons (org_id, data, created_at, updated_at)
			  SELECT 1, '{"name":"Bench Holder"}', 'x', 'x' FROM n;
			WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $TICK_ROWS)
			INSERT INTO clearances (org_id, person_id, level, status, granted_on,
			  expires_on, restrictions, created_at, updated_at)
			  SELECT 1, 1 + i % 1000, 'SECRET', 'active', '2022-01-01',
			    CASE WHEN i % 10 = 0 THEN date('now', '+' || (1 + i % 170) || ' days')
			         ELSE date('now', '+' || (200 + i % 1500) || ' days') END,
			    '[]', 'x', 'x' FROM n;
			PRAGMA wal_checkpoint(TRUNCATE);
		EOF
	fi
	rm -f "$workdir"/tick-run.db*
	cp "$workdir/tick.db" "$workdir/tick-run.db"
	t0=$(date +%s%N)
	out=$("$VETCTL_BIN" -f "$workdir/tick.conf" tick 2>&1) || die "vetctl tick failed: $out"
	t1=$(date +%s%N)
	secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", (b - a) / 1e9 }')
	results[tick]+="$secs "
	printf 'round %d/%d  %-8s %12.2f s (%s)\n' "$1" "$ROUNDS" tick "$secs" \
		"$(sed 's/^tick [0-9-]*: //' <<<"$out")"
}

# "met" when awk's condition on r and t holds, else "MISSED".
verdict() {
	if awk -v r="$1" -v t="$2" "BEGIN { exit !($3) }"; then
		printf 'met\n'
	else
		printf 'MISSED\n'
	fi
}

# The median of the numbers in $1.
median() {
	tr ' ' '\n' <<<"$1" | awk 'NF' | sort -g |
		awk '{ v[NR] = $1 } END {
			if (NR % 2) print v[(NR + 1) / 2]
			else print (v[NR / 2] + v[NR / 2 + 1]) / 2
		}'
}

# --- main ------------------------------------------------------------------

main() {
	local round health bare me signin whoami rawbind adjud adjref diffs v4 v5 ratio
	local casers updates raws regms case_ratio upd_ratio v6 v7 v8 v9 ticks me_ratio slow v1 v2 v3 status=0

	trap cleanup EXIT
	trap 'exit 130' INT TERM
	setup
	say "vetd benchmark: $ROUNDS rounds of ${DURATION} s, wrk -t$THREADS -c$CONNECTIONS, 2 workers each"

	# warm both up (connections, page cache, SQLite) before measuring
	wrk_rate /api/v1/health 1 >/dev/null
	wrk_rate /bare 1 >/dev/null

	for ((round = 1; round <= ROUNDS; round++)); do
		for m in health bare me signin ldapwhoami rawbind policy_calls \
		    policy_diff case update register tick; do
			if wanted "$m"; then "measure_$m" "$round"; fi
		done
	done

	health=$(median "${results[health]:-}")
	bare=$(median "${results[bare]:-}")
	me=$(median "${results[me]:-}")
	signin=$(median "${results[signin]:-}")
	whoami=$(median "${results[whoami]:-}")
	rawbind=$(median "${results[rawbind]:-}")
	adjud=$(median "${results[adjudicate]:-}")
	adjref=$(median "${results[adjref]:-}")
	diffs=$(median "${results[diff]:-}")
	casers=$(median "${results[case]:-}")
	updates=$(median "${results[update]:-}")
	raws=$(median "${results[raw]:-}")
	regms=$(median "${results[register]:-}")
	ticks=$(median "${results[tick]:-}")
	case_ratio=$(awk -v h="$casers" -v b="$bare" 'BEGIN { printf "%.1f", 100 * h / b }')
	upd_ratio=$(awk -v u="$updates" -v r="$raws" 'BEGIN { printf "%.1f", 100 * u / r }')
	v6=$(verdict "$case_ratio" "$CASE_TARGET" 'r >= t')
	v7=$(verdict "$upd_ratio" "$UPDATE_TARGET" 'r >= t')
	v8=$(verdict "$regms" "$REGISTER_TARGET" 'r <= t')
	v9=$(verdict "$ticks" "$TICK_TARGET" 'r <= t')
	ratio=$(awk -v h="$health" -v b="$bare" 'BEGIN { printf "%.1f", 100 * h / b }')
	me_ratio=$(awk -v h="$me" -v b="$bare" 'BEGIN { printf "%.1f", 100 * h / b }')
	slow=$(awk -v s="$signin" -v w="$whoami" 'BEGIN { printf "%.2f", s / w }')
	v1=$(verdict "$ratio" "$HEALTH_TARGET" 'r >= t')
	v2=$(verdict "$me_ratio" "$ME_TARGET" 'r >= t')
	v3=$(verdict "$slow" "$SIGNIN_TARGET" 'r <= t')
	v4=$(verdict "$adjud" "$ADJUDICATE_TARGET" 'r >= t')
	v5=$(verdict "$diffs" "$DIFF_TARGET" 'r <= t')
	[[ $v1$v2$v3$v4$v5$v6$v7$v8$v9 == metmetmetmetmetmetmetmetmet ]] || status=1

	say ""
	printf '%-32s %16s %10s %8s\n' measurement median target result
	printf '%-32s %10.1f req/s %10s %8s\n' "GET /api/v1/health (vetd)" "$health" - -
	printf '%-32s %10.1f req/s %10s %8s\n' "GET /api/v1/me (vetd, cookie)" "$me" - -
	printf '%-32s %10.1f req/s %10s %8s\n' "GET /bare (bare libfcgi)" "$bare" - -
	printf '%-32s %14s   %10s %8s\n' "health / bare" "$ratio %" ">= $HEALTH_TARGET %" "$v1"
	printf '%-32s %14s   %10s %8s\n' "me / bare" "$me_ratio %" ">= $ME_TARGET %" "$v2"
	printf '%-32s %11.3f ms %10s %8s\n' "POST /api/v1/session (sign-in)" "$signin" - -
	printf '%-32s %11.3f ms %10s %8s\n' "ldapwhoami (raw bind, with exec)" "$whoami" - -
	printf '%-32s %14s   %10s %8s\n' "sign-in / ldapwhoami" "${slow}x" "<= ${SIGNIN_TARGET}x" "$v3"
	printf '%-32s %11.3f ms %10s %8s\n' "in-process bind (no exec)" "$rawbind" - -
	printf '%-32s %14s   %10s %8s\n' "sign-in / in-process bind" \
		"$(awk -v s="$signin" -v w="$rawbind" 'BEGIN { printf "%.2f", s / w }')x" "(info)" -
	printf '%-32s %10.0f /s   %10s %8s\n' "adjudicate, in-process, 1 core" "$adjud" ">= $ADJUDICATE_TARGET" "$v4"
	printf '%-32s %10.0f /s   %10s %8s\n' "reference (constant answer)" "$adjref" - -
	printf '%-32s %12.2f s %10s %8s\n' "policy diff, $DIFF_CASES cases" "$diffs" "<= ${DIFF_TARGET} s" "$v5"
	printf '%-32s %10.1f req/s %10s %8s\n' "GET /api/v1/cases/{id} (audited)" "$casers" - -
	printf '%-32s %14s   %10s %8s\n' "case read / bare" "$case_ratio %" ">= $CASE_TARGET %" "$v6"
	printf '%-32s %10.1f /s   %10s %8s\n' "section update, $UPDATE_CLIENTS clients" "$updates" - -
	printf '%-32s %10.1f /s   %10s %8s\n' "raw single-row commits" "$raws" - -
	printf '%-32s %14s   %10s %8s\n' "update / raw commit" "$upd_ratio %" ">= $UPDATE_TARGET %" "$v7"
	printf '%-32s %11.3f ms %10s %8s\n' "register: expiring in 180 days" "$regms" "<= ${REGISTER_TARGET} ms" "$v8"
	printf '%-32s %12.2f s %10s %8s\n' "tick, $TICK_ROWS clearances" "$ticks" "<= ${TICK_TARGET} s" "$v9"
	return "$status"
}

main "$@"
