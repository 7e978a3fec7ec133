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
# The "documents" measurement uploads a BENCH_DOC_MB MiB PDF to a case
# through nginx (encrypted and fsynced by vetd) and downloads it again
# (decrypted), each round, next to a cp of the same file and a cp followed by
# an fsync of the copy, and next to vetd's crypto alone on the same bytes in
# memory (aeadspeed: encryption with the SHA-256, decryption), the ceiling
# of either direction; once after the rounds it uploads a BENCH_DOC_BIG_MB
# MiB document while sampling the workers' resident memory. vetd's
# documents.max_size is 2 GiB here, and so is the body limit of nginx's
# document upload location (in a copy of conf/vetd-locations.conf).
#
# The "incident" measurement files incidents (POST /api/v1/incidents, a
# durable transaction with its event, triage notification and audit row)
# through nginx as the demo applicant, BENCH_INCIDENT_CLIENTS clients one
# report after another, for BENCH_INCIDENT_DURATION seconds a round, and
# raw single-row commits (sqlitecommit) for as long in the same round.
#
# Environment: VETD_BIN, VETCTL_BIN, BARE_BIN, SQLITECOMMIT_BIN,
# AEADSPEED_BIN, VETD_SRCDIR (set by make bench), NGINX_BIN (default /usr/sbin/nginx), WRK_BIN
# (default wrk), BENCH_ROUNDS (5), BENCH_DURATION (seconds a round, 5),
# BENCH_THREADS (2), BENCH_CONNECTIONS (32), BENCH_WORKERS (vetd's workers,
# 2), BENCH_UPDATE_CLIENTS (4), BENCH_ONLY (names of the measurements to
# take, e.g. "case update"; the bare responder is always measured),
# BENCH_KEEP (set: keep the temporary directory, to read its logs),
# BENCH_DOC_MB (the document measured each round, MiB, 100), BENCH_DOC_BIG_MB
# (the upload during which memory is sampled, MiB, 1024),
# BENCH_INCIDENT_CLIENTS (BENCH_UPDATE_CLIENTS), BENCH_INCIDENT_DURATION
# (seconds of filing, and of raw commits, a round, 3).
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
: "${AEADSPEED_BIN:?AEADSPEED_BIN must name the in-memory crypto reference (make bench sets it)}"
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
# incidents filed (durable, audited): share of raw single-row commits
# (percent)
INCIDENT_TARGET=50
INCIDENT_CLIENTS=${BENCH_INCIDENT_CLIENTS:-$UPDATE_CLIENTS}
INCIDENT_DURATION=${BENCH_INCIDENT_DURATION:-3}
# register query "expiring within 180 days" over REGISTER_ROWS clearances (ms)
REGISTER_TARGET=50
REGISTER_ROWS=${BENCH_REGISTER_ROWS:-1000000}
# seconds for one `vetctl tick` over TICK_ROWS clearances, 10 % of them due
# for renewal (each gets a case, its event, audit row and notifications)
TICK_TARGET=30
TICK_ROWS=${BENCH_TICK_ROWS:-1000000}
# a DOC_MB MiB document uploaded (encrypted, fsynced) and downloaded
# (decrypted) through nginx: share of cp's throughput on the same file
# (percent); the upload's target is against cp followed by an fsync of the
# copy, as vetd makes the ciphertext durable before it commits
DOC_UPLOAD_TARGET=50
DOC_DOWNLOAD_TARGET=50
DOC_MB=${BENCH_DOC_MB:-100}
# a worker's peak resident memory during a DOC_BIG_MB MiB upload, above its
# idle resident memory just before (MiB)
DOC_RSS_TARGET=8
DOC_BIG_MB=${BENCH_DOC_BIG_MB:-1024}

BASE_DN=dc=vetd,dc=example
BENCH_USER=northbridge-cso
BENCH_USER_DN=uid=northbridge-cso,ou=northbridge,ou=people,$BASE_DN

workdir=
port=
ldap_port=
cookie=
cso_cookie=
vetd_pid=
doc_cookie=
doc_csrf=
doc_id=
doc_code=
doc_cold=
inc_cookie=
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
		documents = { max_size = 2147483648 } -- and 2g in nginx: write_nginx_config
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
	# vetd-locations.conf as shipped, but for the body limit of the document
	# uploads, raised to the documents.max_size of write_vetd_config
	mkdir -p "$workdir/conf"
	awk '/^location .*documents/ { inside = 1 }
		inside && /^}/ { inside = 0 }
		inside && $1 == "client_max_body_size" { sub(/client_max_body_size [^;]*;/, "client_max_body_size 2g;"); n++ }
		{ print }
		END { exit n == 0 }' "$VETD_SRCDIR/conf/vetd-locations.conf" \
		>"$workdir/conf/vetd-locations.conf" ||
		die "no client_max_body_size in a documents location of $VETD_SRCDIR/conf/vetd-locations.conf"
	text=${text//@CONFDIR@/$workdir/conf}
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
	vetd_pid=${pids[-1]}
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

# Once, before the first incident measurement: the applicant's own session
# (any signed-in user may file a report) and the wrk script, then one
# report filed with curl, checked for its 201 (which also warms vetd up).
incident_prepare() {
	local csrf code today
	read -r inc_cookie csrf <<<"$(sign_in_as northbridge-applicant)"
	[[ -n $inc_cookie && -n $csrf ]] || die "could not sign in as the applicant for the incidents"
	# vetd's today is UTC's; a date that is not in the future for it
	today=$(date -u +%Y-%m-%d)
	cat >"$workdir/incident.lua" <<-EOF
		-- incidents filed one after another on each connection
		wrk.method = "POST"
		wrk.headers["Content-Type"] = "application/json"
		wrk.headers["Cookie"] = "$inc_cookie"
		wrk.headers["X-CSRF-Token"] = "$csrf"
		wrk.body = '{"type":"security_incident","occurred_on":"$today","description":"bench","sensitive_material":false}'
	EOF
	code=$(curl -s -o "$workdir/incident.json" -w '%{http_code}' -H 'Content-Type: application/json' \
		-H "Cookie: $inc_cookie" -H "X-CSRF-Token: $csrf" \
		-d "{\"type\":\"security_incident\",\"occurred_on\":\"$today\",\"description\":\"bench\",\"sensitive_material\":false}" \
		"http://127.0.0.1:$port/api/v1/incidents" || true)
	if [[ $code != 201 ]] || ! grep -q '"incident": *{' "$workdir/incident.json"; then
		die "filing an incident answered $code: $(head -c 600 "$workdir/incident.json" 2>/dev/null)
$(tail -n 5 "$workdir/vetd.log")"
	fi
}

# The rows of table $1 in vetd's database.
db_count() {
	sqlite3 -cmd ".timeout 10000" "$workdir/vetd.db" "SELECT count(*) FROM $1" ||
		die "could not count the rows of $1"
}

# Incidents filed per second through nginx by INCIDENT_CLIENTS clients,
# each with one connection, one report after another (each a transaction
# with the incident, its event, the triage's notification and event and
# the audit row, committed with fsync), checked against the rows added;
# and raw single-row durable commits by one writer in the same directory.
measure_incident() {
	local out rate raw before after filed
	[[ -n $inc_cookie ]] || incident_prepare
	before=$(db_count incidents)
	out=$("$WRK_BIN" -t"$INCIDENT_CLIENTS" -c"$INCIDENT_CLIENTS" -d"${INCIDENT_DURATION}s" \
		-s "$workdir/incident.lua" "http://127.0.0.1:$port/api/v1/incidents")
	if grep -qE 'Non-2xx|Socket errors' <<<"$out"; then
		die "errors while filing incidents:
$out
$(tail -n 5 "$workdir/vetd.log")"
	fi
	rate=$(awk '$1 == "Requests/sec:" { print $2 }' <<<"$out")
	[[ -n $rate ]] || die "no rate in wrk's output:
$out"
	after=$(db_count incidents)
	filed=$(awk '$2 == "requests" && $3 == "in" { print $1 }' <<<"$out")
	((after - before >= ${filed:-1})) ||
		die "wrk counted ${filed:-no} reports filed, the database $((after - before)) new incidents"
	raw=$("$SQLITECOMMIT_BIN" "$workdir/raw.db" "$INCIDENT_DURATION") || die "sqlitecommit failed"
	results[incident]+="$rate "
	results[incraw]+="$raw "
	printf 'round %d/%d  %-8s %12.1f /s (raw commits %.1f /s)\n' "$1" "$ROUNDS" incident \
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
# ones wanted (e.g. BENCH_ONLY="case update incident"); the bare responder,
# every ratio's reference, is always measured.
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

# --- documents -------------------------------------------------------------

# The vetd workers: the master's children, one pid a line.
vetd_workers() {
	pgrep -P "$vetd_pid" | sort -n || true
}

# Field $2 (VmRSS, VmHWM) of /proc/$1/status in KiB; 0 when it is gone.
proc_kb() {
	local k v _
	{
		while read -r k v _; do
			if [[ $k == "$2:" ]]; then
				printf '%s\n' "$v"
				return 0
			fi
		done <"/proc/$1/status"
	} 2>/dev/null || true
	printf '0\n'
}

# CPU time (user and system, clock ticks) of pid $1 so far; 0 when gone.
proc_cpu() {
	local -a f
	{ read -r -a f <"/proc/$1/stat"; } 2>/dev/null || true
	printf '%s\n' "$((${f[13]:-0} + ${f[14]:-0}))"
}

# Throughput in MB/s (10^6 bytes) of $1 bytes between microsecond times $2
# and $3.
doc_rate() {
	awk -v b="$1" -v a="$2" -v z="$3" 'BEGIN { printf "%.1f", b / (z - a) }'
}

# POST file $1 as a PDF document of case 1, as the cso; sets doc_code and,
# on 201, doc_id. The body is streamed from the file (-T; --data-binary
# @file would first read all of it into curl's memory).
doc_upload() {
	doc_id=
	doc_code=$(curl -s -o "$workdir/doc-upload.json" -w '%{http_code}' -X POST -T "$1" \
		-H 'Expect:' -H 'Content-Type: application/pdf' \
		-H "Cookie: $doc_cookie" -H "X-CSRF-Token: $doc_csrf" \
		"http://127.0.0.1:$port/api/v1/cases/1/documents?kind=other&classification=Protected%20B&filename=bench.pdf" ||
		true)
	if [[ $doc_code == 201 ]]; then
		doc_id=$(sed -n 's/.*"document": *{ *"id": *\([0-9][0-9]*\).*/\1/p' "$workdir/doc-upload.json")
	fi
}

# Die unless the last upload (of $1) answered 201 with a document id.
doc_check_upload() {
	if [[ $doc_code != 201 ]]; then
		# nginx's own 413 (vetd's has another message)
		if grep -q 'the request body is larger' "$workdir/doc-upload.json" 2>/dev/null; then
			die "nginx refused the $1 upload as too large (client_max_body_size in $workdir/conf/vetd-locations.conf)"
		fi
		die "the $1 upload answered $doc_code: $(head -c 600 "$workdir/doc-upload.json" 2>/dev/null)
$(tail -n 5 "$workdir/vetd.log")"
	fi
	[[ -n $doc_id ]] || die "no document id in the answer to the $1 upload: $(head -c 600 "$workdir/doc-upload.json")"
}

# GET document $1 into file $2, as the cso; sets doc_code.
doc_download() {
	doc_code=$(curl -s -o "$2" -w '%{http_code}' -H "Cookie: $doc_cookie" \
		"http://127.0.0.1:$port/api/v1/documents/$1" || true)
}

# Once, before the first document measurement: the cso's session, the
# DOC_MB MiB test file (random bytes after a PDF header, which libmagic
# reads as application/pdf), the workers' resident memory before any
# document request, and one upload and download checked for content (which
# also warms vetd up).
doc_prepare() {
	local src=$workdir/doc.pdf bytes=$((DOC_MB * 1048576)) w sum
	read -r doc_cookie doc_csrf <<<"$(sign_in_as northbridge-cso)"
	[[ -n $doc_cookie && -n $doc_csrf ]] || die "could not sign in as the cso for the documents"
	{
		printf '%%PDF-1.4\n'
		head -c $((bytes - 9)) /dev/urandom
	} >"$src"
	# on disk now, not written back by the kernel during a measurement
	sync -- "$src"
	if command -v file >/dev/null; then
		[[ $(file --mime-type -b "$src") == application/pdf ]] ||
			die "file(1) does not read $src as a PDF: $(file --mime-type -b "$src")"
	fi
	doc_cold=
	for w in $(vetd_workers); do
		doc_cold+="$w:$(proc_kb "$w" VmRSS) "
	done
	doc_upload "$src"
	doc_check_upload "$DOC_MB MiB"
	sum=$(sha256sum <"$src" | awk '{ print $1 }')
	grep -q "\"sha256\": *\"$sum\"" "$workdir/doc-upload.json" ||
		die "the upload's sha256 is not the file's ($sum): $(head -c 600 "$workdir/doc-upload.json")"
	grep -q "\"size\": *$bytes[,}]" "$workdir/doc-upload.json" ||
		die "the upload's size is not $bytes: $(head -c 600 "$workdir/doc-upload.json")"
	doc_download "$doc_id" "$workdir/doc-down.pdf"
	[[ $doc_code == 200 ]] || die "the download of document $doc_id answered $doc_code: $(head -c 600 "$workdir/doc-down.pdf")"
	cmp -s "$src" "$workdir/doc-down.pdf" || die "document $doc_id downloaded is not the file uploaded"
	rm -f "$workdir/doc-down.pdf"
}

# A DOC_MB MiB document: cp of the file, cp and an fsync of the copy, the
# upload (encryption, fsync, commit) and the download (decryption) of the
# same file through nginx, all in the same directory; throughput in MB/s.
# Each copy is removed at once, before the kernel writes it back during a
# later measurement.
measure_documents() {
	local src=$workdir/doc.pdf dst=$workdir/doc-copy.pdf bytes=$((DOC_MB * 1048576))
	local t0 t1 cpr syncr upr downr size aeadenc aeaddec
	[[ -n $doc_cookie ]] || doc_prepare
	rm -f "$dst"

	t0=${EPOCHREALTIME/./}
	cp -- "$src" "$dst"
	t1=${EPOCHREALTIME/./}
	cpr=$(doc_rate "$bytes" "$t0" "$t1")
	rm -f "$dst"

	t0=${EPOCHREALTIME/./}
	cp -- "$src" "$dst"
	sync -- "$dst"
	t1=${EPOCHREALTIME/./}
	syncr=$(doc_rate "$bytes" "$t0" "$t1")
	rm -f "$dst"

	t0=${EPOCHREALTIME/./}
	doc_upload "$src"
	t1=${EPOCHREALTIME/./}
	doc_check_upload "$DOC_MB MiB"
	upr=$(doc_rate "$bytes" "$t0" "$t1")

	t0=${EPOCHREALTIME/./}
	doc_download "$doc_id" "$dst"
	t1=${EPOCHREALTIME/./}
	[[ $doc_code == 200 ]] || die "the download of document $doc_id answered $doc_code: $(head -c 600 "$dst")"
	size=$(stat -c %s "$dst")
	((size == bytes)) || die "the download of document $doc_id has $size bytes, not $bytes"
	downr=$(doc_rate "$bytes" "$t0" "$t1")
	rm -f "$dst"

	# the ceiling: vetd's crypto alone on the same bytes, in memory
	read -r aeadenc aeaddec <<<"$("$AEADSPEED_BIN" "$src")" || die "aeadspeed failed"
	results[aeadenc]+="$aeadenc "
	results[aeaddec]+="$aeaddec "
	results[doccp]+="$cpr "
	results[docsync]+="$syncr "
	results[docup]+="$upr "
	results[docdown]+="$downr "
	printf 'round %d/%d  %-8s %12.1f MB/s (cp %.1f, cp+fsync %.1f MB/s)\n' "$1" "$ROUNDS" \
		docup "$upr" "$cpr" "$syncr"
	printf 'round %d/%d  %-8s %12.1f MB/s (cp %.1f MB/s)\n' "$1" "$ROUNDS" docdown "$downr" "$cpr"
}

# Small uploads, two at a time, until every worker has stored a document
# (vetd.log says which did), so that the one-time costs of a worker's first
# document (libmagic's database among them) are paid before its idle memory
# is read. Gives up quietly after 20 pairs.
doc_warm_workers() {
	local small=$workdir/doc-small.pdf i w missing
	{
		printf '%%PDF-1.4\n'
		head -c 1024 /dev/urandom
	} >"$small"
	for ((i = 0; i < 20; i++)); do
		missing=
		for w in "$@"; do
			grep -q "proc=worker pid=$w .*event=document_stored" "$workdir/vetd.log" ||
				missing+="$w "
		done
		[[ -n $missing ]] || break
		doc_upload "$small" &
		doc_upload "$small"
		wait "$!" || true
	done
	rm -f "$small"
}

# Sample the VmRSS of the pids given every 20 ms until $workdir/rss.stop
# appears (or the benchmark is gone); then print "pid peak-KiB" for each.
doc_sample_rss() {
	local -A peak=()
	local pid k v _
	while [[ -d $workdir && ! -e $workdir/rss.stop ]] && kill -0 "$$" 2>/dev/null; do
		for pid in "$@"; do
			{
				while read -r k v _; do
					if [[ $k == VmRSS: ]]; then
						((v <= ${peak[$pid]:-0})) || peak[$pid]=$v
						break
					fi
				done <"/proc/$pid/status"
			} 2>/dev/null || true
		done
		sleep 0.02
	done
	for pid in "$@"; do
		printf '%s %s\n' "$pid" "${peak[$pid]:-0}"
	done
}

# Once: a DOC_BIG_MB MiB document (DOC_MB MiB test file repeated, written
# out, not sparse) uploaded while the workers' resident memory is watched
# (every worker having stored a document before: see doc_warm_workers):
# their peak (VmHWM after resetting it through clear_refs, and VmRSS sampled
# every 20 ms) against their VmRSS just before. The worker reported is the
# one that took the upload: the one that used the most CPU time meanwhile.
measure_document_memory() {
	local src=$workdir/doc.pdf big=$workdir/doc-big.pdf bytes=$((DOC_BIG_MB * 1048576))
	local i w sampler t0 t1 rate hwm=1 best= bestcpu=-1 idle peak sampled cold=0
	local -a workers after
	local -A idlekb=() hwmkb=() samplekb=() cpu=()
	[[ -n $doc_cookie ]] || doc_prepare
	{
		for ((i = 0; i < DOC_BIG_MB / DOC_MB; i++)); do
			cat -- "$src"
		done
		head -c $(((DOC_BIG_MB % DOC_MB) * 1048576)) -- "$src"
	} >"$big"
	sync -- "$big"

	mapfile -t workers < <(vetd_workers)
	((${#workers[@]} > 0)) || die "no vetd workers found (children of $vetd_pid)"
	doc_warm_workers "${workers[@]}"
	for w in "${workers[@]}"; do
		echo 5 2>/dev/null >"/proc/$w/clear_refs" || hwm=
	done
	for w in "${workers[@]}"; do
		idlekb[$w]=$(proc_kb "$w" VmRSS)
		cpu[$w]=$(proc_cpu "$w")
	done
	rm -f "$workdir/rss.stop"
	doc_sample_rss "${workers[@]}" >"$workdir/rss.peak" &
	sampler=$!

	t0=${EPOCHREALTIME/./}
	doc_upload "$big"
	t1=${EPOCHREALTIME/./}

	: >"$workdir/rss.stop"
	wait "$sampler" || true
	for w in "${workers[@]}"; do
		hwmkb[$w]=$(proc_kb "$w" VmHWM)
		cpu[$w]=$(($(proc_cpu "$w") - ${cpu[$w]}))
	done
	while read -r w peak; do
		samplekb[$w]=$peak
	done <"$workdir/rss.peak"
	rm -f "$big" "$workdir/rss.stop"
	doc_check_upload "$DOC_BIG_MB MiB"
	rate=$(doc_rate "$bytes" "$t0" "$t1")
	mapfile -t after < <(vetd_workers)
	[[ ${after[*]} == "${workers[*]}" ]] ||
		die "the vetd workers changed during the $DOC_BIG_MB MiB upload (${workers[*]} before, ${after[*]} after):
$(tail -n 20 "$workdir/vetd.log")"

	for w in "${workers[@]}"; do
		if ((${cpu[$w]} > bestcpu)); then
			best=$w
			bestcpu=${cpu[$w]}
		fi
	done
	idle=${idlekb[$best]}
	sampled=${samplekb[$best]:-0}
	peak=$sampled
	if [[ -n $hwm ]] && ((${hwmkb[$best]} > peak)); then
		peak=${hwmkb[$best]}
	fi
	for i in $doc_cold; do
		if [[ ${i%%:*} == "$best" ]]; then
			cold=${i#*:}
		fi
	done
	results[rssidle]=$idle
	results[rsspeak]=$peak
	results[rsscold]=$cold
	results[docbig]=$rate
	printf 'once       %-8s %12.1f MiB peak, worker %d, %d MiB upload at %.1f MB/s (%.2f s, worker CPU %.2f s)\n' rss \
		"$(awk -v k="$peak" 'BEGIN { print k / 1024 }')" "$best" "$DOC_BIG_MB" "$rate" \
		"$(awk -v a="$t0" -v z="$t1" 'BEGIN { print (z - a) / 1e6 }')" \
		"$(awk -v c="$bestcpu" -v h="$(getconf CLK_TCK)" 'BEGIN { print c / h }')"
	printf '           %-8s idle %.1f MiB just before (%.1f MiB before the first document), +%.1f MiB; %s\n' "" \
		"$(awk -v k="$idle" 'BEGIN { print k / 1024 }')" \
		"$(awk -v k="$cold" 'BEGIN { print k / 1024 }')" \
		"$(awk -v p="$peak" -v i="$idle" 'BEGIN { print (p - i) / 1024 }')" \
		"$(if [[ -n $hwm ]]; then
			awk -v h="${hwmkb[$best]}" -v s="$sampled" 'BEGIN { printf "VmHWM %.1f MiB, sampled VmRSS %.1f MiB", h / 1024, s / 1024 }'
		else
			awk -v s="$sampled" 'BEGIN { printf "sampled VmRSS %.1f MiB (clear_refs not writable: no VmHWM)", s / 1024 }'
		fi)"
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

# Keep verdict $1 for the exit status: anything but "met" makes it 1.
judge() {
	[[ $1 == met ]] || status=1
}

# The summary: one line per measurement taken (see wanted), with its median,
# and the ratios and targets; sets status (main's) to 1 when a target is
# missed.
summary() {
	local health bare me signin whoami rawbind adjud adjref diffs ratio casers updates
	local raws regms case_ratio upd_ratio ticks me_ratio slow v
	local incs incraws inc_ratio
	local cpr syncr upr downr up_cp up_sync down_cp idle peak delta aenc adec
	bare=$(median "${results[bare]:-}")
	say ""
	printf '%-32s %16s %10s %8s\n' measurement median target result
	if wanted health; then
		health=$(median "${results[health]:-}")
		printf '%-32s %10.1f req/s %10s %8s\n' "GET /api/v1/health (vetd)" "$health" - -
	fi
	if wanted me; then
		me=$(median "${results[me]:-}")
		printf '%-32s %10.1f req/s %10s %8s\n' "GET /api/v1/me (vetd, cookie)" "$me" - -
	fi
	printf '%-32s %10.1f req/s %10s %8s\n' "GET /bare (bare libfcgi)" "$bare" - -
	if wanted health; then
		ratio=$(awk -v h="$health" -v b="$bare" 'BEGIN { printf "%.1f", 100 * h / b }')
		v=$(verdict "$ratio" "$HEALTH_TARGET" 'r >= t')
		judge "$v"
		printf '%-32s %14s   %10s %8s\n' "health / bare" "$ratio %" ">= $HEALTH_TARGET %" "$v"
	fi
	if wanted me; then
		me_ratio=$(awk -v h="$me" -v b="$bare" 'BEGIN { printf "%.1f", 100 * h / b }')
		v=$(verdict "$me_ratio" "$ME_TARGET" 'r >= t')
		judge "$v"
		printf '%-32s %14s   %10s %8s\n' "me / bare" "$me_ratio %" ">= $ME_TARGET %" "$v"
	fi
	if wanted signin; then
		signin=$(median "${results[signin]:-}")
		printf '%-32s %11.3f ms %10s %8s\n' "POST /api/v1/session (sign-in)" "$signin" - -
	fi
	if wanted ldapwhoami; then
		whoami=$(median "${results[whoami]:-}")
		printf '%-32s %11.3f ms %10s %8s\n' "ldapwhoami (raw bind, with exec)" "$whoami" - -
	fi
	if wanted signin && wanted ldapwhoami; then
		slow=$(awk -v s="$signin" -v w="$whoami" 'BEGIN { printf "%.2f", s / w }')
		v=$(verdict "$slow" "$SIGNIN_TARGET" 'r <= t')
		judge "$v"
		printf '%-32s %14s   %10s %8s\n' "sign-in / ldapwhoami" "${slow}x" "<= ${SIGNIN_TARGET}x" "$v"
	fi
	if wanted rawbind; then
		rawbind=$(median "${results[rawbind]:-}")
		printf '%-32s %11.3f ms %10s %8s\n' "in-process bind (no exec)" "$rawbind" - -
	fi
	if wanted signin && wanted rawbind; then
		printf '%-32s %14s   %10s %8s\n' "sign-in / in-process bind" \
			"$(awk -v s="$signin" -v w="$rawbind" 'BEGIN { printf "%.2f", s / w }')x" "(info)" -
	fi
	if wanted policy_calls; then
		adjud=$(median "${results[adjudicate]:-}")
		adjref=$(median "${results[adjref]:-}")
		v=$(verdict "$adjud" "$ADJUDICATE_TARGET" 'r >= t')
		judge "$v"
		printf '%-32s %10.0f /s   %10s %8s\n' "adjudicate, in-process, 1 core" "$adjud" ">= $ADJUDICATE_TARGET" "$v"
		printf '%-32s %10.0f /s   %10s %8s\n' "reference (constant answer)" "$adjref" - -
	fi
	if wanted policy_diff; then
		diffs=$(median "${results[diff]:-}")
		v=$(verdict "$diffs" "$DIFF_TARGET" 'r <= t')
		judge "$v"
		printf '%-32s %12.2f s %10s %8s\n' "policy diff, $DIFF_CASES cases" "$diffs" "<= ${DIFF_TARGET} s" "$v"
	fi
	if wanted case; then
		casers=$(median "${results[case]:-}")
		case_ratio=$(awk -v h="$casers" -v b="$bare" 'BEGIN { printf "%.1f", 100 * h / b }')
		v=$(verdict "$case_ratio" "$CASE_TARGET" 'r >= t')
		judge "$v"
		printf '%-32s %10.1f req/s %10s %8s\n' "GET /api/v1/cases/{id} (audited)" "$casers" - -
		printf '%-32s %14s   %10s %8s\n' "case read / bare" "$case_ratio %" ">= $CASE_TARGET %" "$v"
	fi
	if wanted update; then
		updates=$(median "${results[update]:-}")
		raws=$(median "${results[raw]:-}")
		upd_ratio=$(awk -v u="$updates" -v r="$raws" 'BEGIN { printf "%.1f", 100 * u / r }')
		v=$(verdict "$upd_ratio" "$UPDATE_TARGET" 'r >= t')
		judge "$v"
		printf '%-32s %10.1f /s   %10s %8s\n' "section update, $UPDATE_CLIENTS clients" "$updates" - -
		printf '%-32s %10.1f /s   %10s %8s\n' "raw single-row commits" "$raws" - -
		printf '%-32s %14s   %10s %8s\n' "update / raw commit" "$upd_ratio %" ">= $UPDATE_TARGET %" "$v"
	fi
	if wanted incident; then
		incs=$(median "${results[incident]:-}")
		incraws=$(median "${results[incraw]:-}")
		inc_ratio=$(awk -v u="$incs" -v r="$incraws" 'BEGIN { printf "%.1f", 100 * u / r }')
		v=$(verdict "$inc_ratio" "$INCIDENT_TARGET" 'r >= t')
		judge "$v"
		printf '%-32s %10.1f /s   %10s %8s\n' "incident filed, $INCIDENT_CLIENTS clients" "$incs" - -
		printf '%-32s %10.1f /s   %10s %8s\n' "raw single-row commits" "$incraws" - -
		printf '%-32s %14s   %10s %8s\n' "incident / raw commit" "$inc_ratio %" ">= $INCIDENT_TARGET %" "$v"
	fi
	if wanted register; then
		regms=$(median "${results[register]:-}")
		v=$(verdict "$regms" "$REGISTER_TARGET" 'r <= t')
		judge "$v"
		printf '%-32s %11.3f ms %10s %8s\n' "register: expiring in 180 days" "$regms" "<= ${REGISTER_TARGET} ms" "$v"
	fi
	if wanted tick; then
		ticks=$(median "${results[tick]:-}")
		v=$(verdict "$ticks" "$TICK_TARGET" 'r <= t')
		judge "$v"
		printf '%-32s %12.2f s %10s %8s\n' "tick, $TICK_ROWS clearances" "$ticks" "<= ${TICK_TARGET} s" "$v"
	fi
	if wanted documents; then
		cpr=$(median "${results[doccp]:-}")
		syncr=$(median "${results[docsync]:-}")
		upr=$(median "${results[docup]:-}")
		downr=$(median "${results[docdown]:-}")
		up_cp=$(awk -v u="$upr" -v c="$cpr" 'BEGIN { printf "%.1f", 100 * u / c }')
		up_sync=$(awk -v u="$upr" -v c="$syncr" 'BEGIN { printf "%.1f", 100 * u / c }')
		down_cp=$(awk -v u="$downr" -v c="$cpr" 'BEGIN { printf "%.1f", 100 * u / c }')
		printf '%-32s %11.1f MB/s %10s %8s\n' "document upload, $DOC_MB MiB" "$upr" - -
		printf '%-32s %11.1f MB/s %10s %8s\n' "document download, $DOC_MB MiB" "$downr" - -
		printf '%-32s %11.1f MB/s %10s %8s\n' "cp, $DOC_MB MiB" "$cpr" - -
		printf '%-32s %11.1f MB/s %10s %8s\n' "cp + fsync, $DOC_MB MiB" "$syncr" - -
		# what the crypto alone allows, before nginx, sockets and disk
		aenc=$(median "${results[aeadenc]:-}")
		adec=$(median "${results[aeaddec]:-}")
		printf '%-32s %11.1f MB/s %10s %8s\n' "encrypt + SHA-256, in memory" "$aenc" - -
		printf '%-32s %11.1f MB/s %10s %8s\n' "decrypt, in memory" "$adec" - -
		printf '%-32s %14s   %10s %8s\n' "in-memory decrypt / cp" \
			"$(awk -v u="$adec" -v c="$cpr" 'BEGIN { printf "%.1f", 100 * u / c }') %" "(ceiling)" -
		printf '%-32s %14s   %10s %8s\n' "upload / cp" "$up_cp %" "(info)" -
		v=$(verdict "$up_sync" "$DOC_UPLOAD_TARGET" 'r >= t')
		judge "$v"
		printf '%-32s %14s   %10s %8s\n' "upload / cp + fsync" "$up_sync %" ">= $DOC_UPLOAD_TARGET %" "$v"
		v=$(verdict "$down_cp" "$DOC_DOWNLOAD_TARGET" 'r >= t')
		judge "$v"
		printf '%-32s %14s   %10s %8s\n' "download / cp" "$down_cp %" ">= $DOC_DOWNLOAD_TARGET %" "$v"
		idle=$(awk -v k="${results[rssidle]}" 'BEGIN { printf "%.1f", k / 1024 }')
		peak=$(awk -v k="${results[rsspeak]}" 'BEGIN { printf "%.1f", k / 1024 }')
		delta=$(awk -v p="${results[rsspeak]}" -v i="${results[rssidle]}" 'BEGIN { printf "%.1f", (p - i) / 1024 }')
		printf '%-32s %11.1f MB/s %10s %8s\n' "document upload, $DOC_BIG_MB MiB" "${results[docbig]}" - -
		printf '%-32s %12.1f MiB %10s %8s\n' "worker RSS, idle" "$idle" - -
		printf '%-32s %12.1f MiB %10s %8s\n' "worker RSS, peak in that upload" "$peak" - -
		v=$(verdict "$delta" "$DOC_RSS_TARGET" 'r <= t')
		judge "$v"
		printf '%-32s %12.1f MiB %10s %8s\n' "worker RSS, peak - idle" "$delta" "<= $DOC_RSS_TARGET MiB" "$v"
	fi
}

main() {
	local round m status=0

	trap cleanup EXIT
	trap 'exit 130' INT TERM
	setup
	say "vetd benchmark: $ROUNDS rounds of ${DURATION} s, wrk -t$THREADS -c$CONNECTIONS, 2 workers each"

	# warm both up (connections, page cache, SQLite) before measuring
	wrk_rate /api/v1/health 1 >/dev/null
	wrk_rate /bare 1 >/dev/null

	for ((round = 1; round <= ROUNDS; round++)); do
		for m in health bare me signin ldapwhoami rawbind policy_calls \
		    policy_diff case update incident register tick documents; do
			if wanted "$m"; then "measure_$m" "$round"; fi
		done
	done
	if wanted documents; then measure_document_memory; fi

	summary
	return "$status"
}

main "$@"
