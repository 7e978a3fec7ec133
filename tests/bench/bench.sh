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
# Environment: VETD_BIN, BARE_BIN, VETD_SRCDIR (set by make bench),
# VETCTL_BIN (unused so far), NGINX_BIN (default /usr/sbin/nginx), WRK_BIN
# (default wrk), BENCH_ROUNDS (5), BENCH_DURATION (seconds a round, 5),
# BENCH_THREADS (2), BENCH_CONNECTIONS (32).
set -euo pipefail
shopt -u patsub_replacement 2>/dev/null || true
export LC_ALL=C

: "${VETD_BIN:?VETD_BIN must name the vetd program (make bench sets it)}"
: "${BARE_BIN:?BARE_BIN must name the bare responder (make bench sets it)}"
: "${VETD_SRCDIR:?VETD_SRCDIR must name the source tree (make bench sets it)}"
NGINX_BIN=${NGINX_BIN:-/usr/sbin/nginx}
WRK_BIN=${WRK_BIN:-wrk}
ROUNDS=${BENCH_ROUNDS:-5}
DURATION=${BENCH_DURATION:-5}
THREADS=${BENCH_THREADS:-2}
CONNECTIONS=${BENCH_CONNECTIONS:-32}

# health must reach this share of the bare responder's throughput (percent)
HEALTH_TARGET=70

workdir=
port=
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
	if [[ -n $workdir ]]; then
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
	cat >"$workdir/vetd.conf" <<-EOF
		-- vetd configuration of the benchmark
		listen = { socket = "vetd.sock", mode = "0660"$group }
		workers = 2
		database = "vetd.db"
		log_level = "info"
	EOF
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
	text=${text//@WEBROOT@/$VETD_SRCDIR/web}
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
	for tool in "$VETD_BIN" "$BARE_BIN" "$NGINX_BIN"; do
		[[ -x $tool ]] || die "$tool is not an executable"
	done
	command -v "$WRK_BIN" >/dev/null || die "wrk not found (Debian: apt-get install wrk)"
	command -v curl >/dev/null || die "curl not found (Debian: apt-get install curl)"

	workdir=$(mktemp -d /tmp/vetd-bench.XXXXXX)
	# nginx's workers (nobody) must reach the sockets inside
	chmod 0755 "$workdir"
	port=$(pick_port)
	write_vetd_config
	write_nginx_config

	start "$workdir/vetd.log" "$VETD_BIN" -f "$workdir/vetd.conf"
	start "$workdir/bare.log" "$BARE_BIN" "$workdir/bare.sock" 2
	start "$workdir/nginx.log" "$NGINX_BIN" -p "$workdir/" \
		-c "$workdir/nginx.conf" -e "$workdir/nginx-error.log"
	wait_ready /api/v1/health
	wait_ready /bare
}

# --- measuring -------------------------------------------------------------

# Requests per second wrk reaches on path; dies if any answer is not 2xx.
wrk_rate() {
	local path=$1 seconds=$2 out rate
	out=$("$WRK_BIN" -t"$THREADS" -c"$CONNECTIONS" -d"${seconds}s" \
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
	local round health bare ratio verdict status=0

	trap cleanup EXIT
	trap 'exit 130' INT TERM
	setup
	say "vetd benchmark: $ROUNDS rounds of ${DURATION} s, wrk -t$THREADS -c$CONNECTIONS, 2 workers each"

	# warm both up (connections, page cache, SQLite) before measuring
	wrk_rate /api/v1/health 1 >/dev/null
	wrk_rate /bare 1 >/dev/null

	for ((round = 1; round <= ROUNDS; round++)); do
		measure_health "$round"
		measure_bare "$round"
	done

	health=$(median "${results[health]}")
	bare=$(median "${results[bare]}")
	ratio=$(awk -v h="$health" -v b="$bare" 'BEGIN { printf "%.1f", 100 * h / b }')
	if awk -v r="$ratio" -v t="$HEALTH_TARGET" 'BEGIN { exit !(r >= t) }'; then
		verdict=met
	else
		verdict=MISSED
		status=1
	fi

	say ""
	printf '%-28s %16s %10s %8s\n' measurement median target result
	printf '%-28s %10.1f req/s %10s %8s\n' "GET /api/v1/health (vetd)" "$health" - -
	printf '%-28s %10.1f req/s %10s %8s\n' "GET /bare (bare libfcgi)" "$bare" - -
	printf '%-28s %14s   %10s %8s\n' "health / bare" "$ratio %" ">= $HEALTH_TARGET %" "$verdict"
	return "$status"
}

main "$@"
