#!/usr/bin/env bash
# Installs the Debian packages payquake builds against (only the missing ones), then
# configures and builds. Safe to run again: with everything in place it only builds.
#
# Usage: scripts/bootstrap.sh [release|sanitize]
#   release   (default) optimised build in build/
#   sanitize  AddressSanitizer + UBSan build in build-sanitize/, benchmarks off
set -euo pipefail

mode="${1:-release}"
case "$mode" in
  release)
    build_dir=build
    cmake_args=(-DCMAKE_BUILD_TYPE=Release)
    ;;
  sanitize)
    build_dir=build-sanitize
    cmake_args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DPAYQUAKE_SANITIZE=ON -DPAYQUAKE_BENCH=OFF)
    ;;
  *)
    echo "usage: $0 [release|sanitize]" >&2
    exit 2
    ;;
esac

packages=(
  g++ make cmake pkg-config
  libsimgrid-dev
  libboost-graph-dev libboost-math-dev libboost-random-dev librandom123-dev
  libyaml-cpp-dev prometheus-cpp-dev
  libgtest-dev libgmock-dev
  libcli11-dev nlohmann-json3-dev libfmt-dev libbenchmark-dev
  slurmctld slurmd slurm-client munge
  libjs-dygraphs prometheus chromium
)

missing=()
for pkg in "${packages[@]}"; do
  status="$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)"
  if [[ "$status" != "install ok installed" ]]; then
    missing+=("$pkg")
  fi
done

if ((${#missing[@]} > 0)); then
  sudo=()
  if [[ "$(id -u)" -ne 0 ]]; then
    sudo=(sudo)
  fi
  echo "bootstrap: installing ${missing[*]}"
  "${sudo[@]}" apt-get update
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y --no-install-recommends "${missing[@]}"
fi

# Build from the repository root wherever the script is called from.
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [[ ! -f "$build_dir/CMakeCache.txt" ]]; then
  cmake -S . -B "$build_dir" "${cmake_args[@]}"
fi
cmake --build "$build_dir" -j"$(nproc)"
