#!/bin/sh
# Regenerate the build system (configure, Makefile.in) from configure.ac and
# Makefile.am. Needs autoconf, automake and pkg-config (Debian: autoconf
# automake pkgconf).
set -e
cd "$(dirname "$0")"
autoreconf --install --force
