#!/usr/bin/env bash
# Installs what is missing, builds Crystal Workbench and opens it on a bundled example crystal.
# Without a display (no $DISPLAY / $WAYLAND_DISPLAY) it prints `cwb info` of the example instead.
#
# Usage: packaging/start-workbench.sh [crystal file]
set -euo pipefail
cd "$(dirname "$0")/.."
example="${1:-resources/examples/LiFePO4.cif}"

packaging/install-deps.sh
# ccache keys hold absolute paths; relative to the checkout, fresh clones share the cache.
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$PWD}"
cmake --preset default >/dev/null
cmake --build --preset default -j "$(nproc)" --target crystal-workbench cwb

if [[ -z "${DISPLAY:-}" && -z "${WAYLAND_DISPLAY:-}" ]]; then
  echo "start-workbench: no display; showing the example with the command-line tool instead"
  exec build/app/cli/cwb info "$example"
fi
exec build/app/gui/crystal-workbench "$example"
