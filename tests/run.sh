#!/usr/bin/env bash
# Run every vetd test from a fresh clone: install the missing Debian
# packages (or print the apt-get line to run when not root), build, run
# `make check` (the Criterion unit and integration suites), then the policy
# tests and the browser tests, and end with one line `tests: N passed, N failed`. Exits non-zero
# when a test fails or when no test ran. .ci/run calls this script.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=tests/lib.sh
source tests/lib.sh

PASSED=0
FAILED=0

# Print the TESTS list of the generated Makefile, one a line.
list_tests() {
	local probe
	probe=$(mktemp)
	# shellcheck disable=SC2016 # $(TESTS) is for make, not for the shell
	printf 'vetd-print-tests:\n\t@printf "%%s\\n" $(TESTS)\n' >"$probe"
	make -s --no-print-directory -f Makefile -f "$probe" vetd-print-tests || true
	rm -f "$probe"
}

# Add the counts of one automake test log to PASSED and FAILED. Criterion
# ends its output with
#   Synthesis: Tested: X | Passing: Y | Failing: Z | Crashing: W
# and a crash counts as a failure. A test program that printed no such line,
# or that automake marked as failed while Criterion saw no failure, counts
# as one failure.
count_log() {
	local test=$1 log=$1.log trs=$1.trs line
	local passing=0 failing=0 crashing=0
	line=$(sed 's/\x1b\[[0-9;]*m//g' "$log" 2>/dev/null | grep -E 'Synthesis: Tested:' | tail -n 1 || true)
	if [[ $line =~ Passing:\ *([0-9]+).*Failing:\ *([0-9]+).*Crashing:\ *([0-9]+) ]]; then
		passing=${BASH_REMATCH[1]}
		failing=${BASH_REMATCH[2]}
		crashing=${BASH_REMATCH[3]}
	else
		vetd_say "$test: no Criterion summary in $log"
		failing=1
	fi
	if ((failing + crashing == 0)) && ! grep -q '^:test-result: PASS' "$trs" 2>/dev/null; then
		vetd_say "$test: exited with a failure status"
		failing=1
	fi
	PASSED=$((PASSED + passing))
	FAILED=$((FAILED + failing + crashing))
	((failing + crashing == 0))
}

# Run `make check` and count its results; print the log of every test
# program that did not pass.
run_make_check() {
	local -a tests
	mapfile -t tests < <(list_tests)
	if ((${#tests[@]} == 0)); then
		vetd_say "make check has no tests: was the tree configured with --disable-tests?"
		FAILED=$((FAILED + 1))
		return 0
	fi

	local status=0
	make -j"$(nproc)" check || status=$?

	local test any_failed=0
	for test in "${tests[@]}"; do
		if ! count_log "$test"; then
			any_failed=1
			if [[ -f $test.log ]]; then
				printf '\n===== %s.log =====\n' "$test"
				cat "$test.log"
				printf '===== end of %s.log =====\n\n' "$test"
			fi
		fi
	done
	if ((status != 0 && any_failed == 0)); then
		vetd_say "make check failed (status $status) outside the test programs"
		[[ -f test-suite.log ]] && cat test-suite.log
		FAILED=$((FAILED + 1))
	fi
}

# ---------------------------------------------------------------------------
# Add the counts of a runner whose output ends with "N passed, M failed" (the
# policy fixtures, the browser tests) to PASSED and FAILED; output that does
# not end so counts as one failure. Print the summary line, or, when
# something failed, every line but the passing ones. Takes a label and the
# runner's output.
add_counts() {
	local label=$1 out=$2 line
	line=$(tail -n 1 <<<"$out")
	if [[ $line =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
		PASSED=$((PASSED + BASH_REMATCH[1]))
		FAILED=$((FAILED + BASH_REMATCH[2]))
	else
		FAILED=$((FAILED + 1))
	fi
	if [[ ! $line =~ ^[0-9]+\ passed,\ 0\ failed$ ]]; then
		vetd_say "$label:"
		grep -v '^PASS' <<<"$out" >&2 || true
	else
		vetd_say "$label: $line"
	fi
}

# The policies' own fixtures, run in vetd's sandbox by `vetctl policy test`:
# the default set, and the example organization northbridge-nuclear with its
# site plant-a. Each run ends with "N passed, M failed", added to the totals.
run_policy_tests() {
	local dir conf set out
	dir=$(mktemp -d /tmp/vetd-policy-tests.XXXXXX)
	conf="$dir/vetd.conf"
	cat >"$conf" <<EOF
listen = { socket = "$dir/vetd.sock" }
database = "$dir/vetd.db"
policies = { dir = "$PWD/policies", scripts = "$PWD/scripts" }
organizations = {
  northbridge = { ou = "ou=northbridge", policies = "$PWD/examples/policies/northbridge-nuclear" },
}
EOF
	./core/vetctl -f "$conf" db migrate >/dev/null
	for set in "default" "northbridge" "northbridge --site plant-a"; do
		# shellcheck disable=SC2086 # set holds the arguments
		out=$(./core/vetctl -f "$conf" policy test $set 2>&1) || true
		add_counts "policy test $set" "$out"
	done
	rm -rf -- "$dir"
}

# The browser tests (tests/web): playwright-core, installed from the lock
# file, drives Debian's Chromium through the interface against the quick
# start's stack (nginx, vetd, slapd on loopback in a temp dir). The runner
# prints a PASS or FAIL line per test and ends with "N passed, M failed",
# added to the totals; its screenshots are left in tests/web/artifacts.
run_web_tests() {
	local out
	if ! npm ci --prefix tests/web --no-audit --no-fund --loglevel=error \
		>/dev/null; then
		vetd_say "browser tests: npm ci failed in tests/web"
		FAILED=$((FAILED + 1))
		return
	fi
	out=$(node tests/web/run.mjs 2>&1) || true
	add_counts "browser tests" "$out"
	vetd_say "browser tests: screenshots in tests/web/artifacts"
}
# ---------------------------------------------------------------------------

main() {
	vetd_install_all
	vetd_build
	run_make_check
	run_policy_tests
	run_web_tests

	((PASSED + FAILED > 0)) || vetd_say "no test ran"
	printf 'tests: %d passed, %d failed\n' "$PASSED" "$FAILED"
	((FAILED == 0 && PASSED > 0))
}

main "$@"
