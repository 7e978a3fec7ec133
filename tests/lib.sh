# shellcheck shell=bash
# Shared functions for examples/quickstart.sh and tests/run.sh: the Debian
# packages vetd needs to build, run and test, installing the missing ones
# (as root) or printing the exact apt-get line to run (otherwise), and
# building the tree with autotools. Source it from bash with
# `set -euo pipefail` in force; it only defines variables and functions.

# Packages needed to build vetd.
VETD_BUILD_PACKAGES=(
	build-essential autoconf automake pkgconf
	libfcgi-dev liblua5.4-dev libsqlite3-dev libldap-dev libsodium-dev libjansson-dev
	libmagic-dev libssl-dev
)
# Packages needed to run the whole stack on loopback. Any package that
# provides /usr/sbin/nginx will do; nginx-light is installed when none does.
VETD_RUN_PACKAGES=(nginx-light sqlite3 slapd ldap-utils curl)
# Packages needed by `make check` and `make bench`. configure asks for
# Criterion and libcurl unless given --disable-tests.
VETD_TEST_PACKAGES=(libcriterion-dev libcurl4-openssl-dev wrk)
# Packages the browser tests need: Debian's Chromium, driven by
# playwright-core from the npm registry (tests/web/package-lock.json) under
# Node.js. A Node.js that already provides npm (another vendor's nodejs
# package, say) is kept; otherwise Debian's nodejs and npm are installed.
VETD_WEB_PACKAGES=(chromium)
if ! command -v npm >/dev/null 2>&1; then
	VETD_WEB_PACKAGES+=(nodejs npm)
fi

# Print a message on stderr, prefixed with the calling script's name.
vetd_say() {
	printf '%s: %s\n' "${0##*/}" "$*" >&2
}

# Print the error and exit 1.
vetd_die() {
	vetd_say "error: $*"
	exit 1
}

# The root of the source tree: the parent of the directory holding this file.
vetd_root() {
	(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
}

# Print, one a line, the packages among "$@" that are not installed.
# nginx-light counts as installed when any package provides /usr/sbin/nginx.
vetd_missing_packages() {
	local -A installed=()
	local status name pkg
	while IFS=$'\t' read -r status name; do
		[[ $status == ii* ]] && installed[$name]=1
	done < <(dpkg-query -W -f='${db:Status-Abbrev}\t${Package}\n' "$@" 2>/dev/null || true)
	for pkg in "$@"; do
		if [[ $pkg == nginx-light ]]; then
			[[ -x /usr/sbin/nginx ]] || printf '%s\n' "$pkg"
		elif [[ -z ${installed[$pkg]:-} ]]; then
			printf '%s\n' "$pkg"
		fi
	done
}

# Stop and disable the system service of a package we just installed, so it
# neither runs now nor grabs its port at the next boot. vetd starts its own
# nginx and slapd with their own configuration on other ports.
vetd_quiet_service() {
	local unit=$1
	if [[ -d /run/systemd/system ]] && command -v systemctl >/dev/null; then
		systemctl disable --now --quiet "$unit" 2>/dev/null || true
	elif command -v service >/dev/null; then
		service "$unit" stop >/dev/null 2>&1 || true
		if command -v update-rc.d >/dev/null; then
			update-rc.d "$unit" disable >/dev/null 2>&1 || true
		fi
	fi
	return 0
}

# Install the packages among "$@" that are missing. As root this runs
# apt-get (update, then install) without any question; otherwise it prints
# the exact command to run and exits 1. Quick when nothing is missing.
vetd_install_packages() {
	local -a missing
	mapfile -t missing < <(vetd_missing_packages "$@")
	((${#missing[@]} == 0)) && return 0

	if ((EUID != 0)); then
		vetd_say "these Debian packages are missing: ${missing[*]}"
		vetd_say "install them with this command, then run ${0##*/} again:"
		printf 'sudo apt-get install -y %s\n' "${missing[*]}" >&2
		exit 1
	fi

	vetd_say "installing Debian packages: ${missing[*]}"
	(
		export DEBIAN_FRONTEND=noninteractive
		# Keep the packages' own services from starting during the install
		# (invoke-rc.d and deb-systemd-invoke honour policy-rc.d), unless the
		# administrator already has a policy of their own.
		policy=/usr/sbin/policy-rc.d
		if [[ ! -e $policy ]]; then
			trap 'rm -f "$policy"' EXIT
			printf '#!/bin/sh\n# Temporary: no service starts during this install.\nexit 101\n' >"$policy"
			chmod 0755 "$policy"
		fi
		# slapd: create no system directory database, ask nothing.
		if [[ " ${missing[*]} " == *" slapd "* ]]; then
			printf 'slapd slapd/no_configuration boolean true\n' | debconf-set-selections
		fi
		apt-get update -q -o DPkg::Lock::Timeout=300
		apt-get install -y -q --no-install-recommends -o DPkg::Lock::Timeout=300 \
			-o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
			"${missing[@]}"
	)

	local pkg
	for pkg in "${missing[@]}"; do
		case $pkg in
		slapd) vetd_quiet_service slapd ;;
		nginx*) vetd_quiet_service nginx ;;
		esac
	done
	local -a still
	mapfile -t still < <(vetd_missing_packages "$@")
	((${#still[@]} == 0)) || vetd_die "still missing after apt-get: ${still[*]}"
}

# Install everything the scripts need: build, run, test and browser-test
# packages.
vetd_install_all() {
	vetd_install_packages "${VETD_BUILD_PACKAGES[@]}" "${VETD_RUN_PACKAGES[@]}" \
		"${VETD_TEST_PACKAGES[@]}" "${VETD_WEB_PACKAGES[@]}"
}

# Build the tree in the current directory (the source root): regenerate the
# build system when configure is missing or older than its sources, configure
# when there is no Makefile yet (with --enable-werror when CI=true or
# VETD_WERROR=1), then make.
vetd_build() {
	if [[ ! -x configure || ! -e Makefile.in || configure -ot configure.ac ||
		configure -ot Makefile.am || Makefile.in -ot Makefile.am ]]; then
		vetd_say "running ./autogen.sh"
		./autogen.sh
	fi
	if [[ ! -e Makefile ]]; then
		local -a args=()
		if [[ ${CI:-} == true || ${VETD_WERROR:-} == 1 ]]; then
			args+=(--enable-werror)
		fi
		vetd_say "running ./configure ${args[*]}"
		./configure "${args[@]}"
	fi
	vetd_say "running make"
	make -j"$(nproc)"
}
