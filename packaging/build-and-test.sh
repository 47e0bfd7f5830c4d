#!/usr/bin/env bash
# Installs the Debian packages that are missing, checks the formatting of the lines the last
# commit changed, builds Crystal Workbench (Release, Ninja, ccache) and runs the whole test
# suite under a virtual X server (the `gl` tests need one).
#
# Usage: packaging/build-and-test.sh [extra ctest arguments, e.g. -L engine or -LE slow]
set -euo pipefail
cd "$(dirname "$0")/.."

packaging/install-deps.sh
# Formatting first: it takes a second and fails before half an hour of building.
packaging/check-format.sh
# ccache keys hold absolute paths; relative to the checkout, fresh clones share the cache.
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$PWD}"
# With ccache the build uses no precompiled headers (CW_PRECOMPILED_HEADERS, CMakeLists.txt); if
# one turns them on, these let ccache cache the units within one tree at least.
export CCACHE_SLOPPINESS="${CCACHE_SLOPPINESS:-pch_defines,time_macros}"
cmake --preset default
cmake --build --preset default -j "$(nproc)"
cd build
# One virtual display for the whole run; non-GL tests use Qt's offscreen platform anyway.
xvfb-run -a -s "-screen 0 1600x1000x24" ctest --output-on-failure -j "$(nproc)" "$@"
