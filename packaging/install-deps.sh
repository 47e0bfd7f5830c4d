#!/usr/bin/env bash
# Installs the Debian bookworm packages that Crystal Workbench needs to build and test.
# Idempotent: when everything is already installed it only runs dpkg-query and exits (< 1 s).
#
# Usage: packaging/install-deps.sh [--engine-only]
#   --engine-only   only what the engine and the `cwb` CLI need (no Qt, no VTK, no X server)
set -euo pipefail

engine_packages=(
  build-essential cmake ninja-build ccache pkg-config
  libeigen3-dev libsymspg-dev gemmi-dev tao-pegtl-dev libstb-dev zlib1g-dev libbz2-dev
  libcli11-dev nlohmann-json3-dev libtorch-dev libbenchmark-dev
  libopenblas0-openmp  # LibTorch's matmul (attention) through OpenBLAS, not the reference BLAS
  qt6-base-dev   # QtTest: the test executables use it even for engine tests
  python3-numpy  # tests check that NumPy reads the data sets (numpy.load, mmap)
  clang-format-14  # CI's formatting check (packaging/check-format.sh)
)
gui_packages=(
  libqt6opengl6-dev qt6-charts-dev qt6-svg-dev
  libvtk9-dev    # never libvtk9-qt-dev: it drags in Qt5's development package
  xvfb xauth libgl1-mesa-dri
)

packages=("${engine_packages[@]}")
if [[ "${1:-}" != "--engine-only" ]]; then
  packages+=("${gui_packages[@]}")
fi

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "installed" ]] || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#packages[@]} packages already installed"
  exit 0
fi

echo "install-deps: installing ${#missing[@]} missing packages: ${missing[*]}"
sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
