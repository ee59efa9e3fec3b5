#!/usr/bin/env bash
# Configures and builds deltaglider with CMake + Ninja.
#   scripts/build.sh            -> build/          (RelWithDebInfo)
#   scripts/build.sh --asan     -> build-asan/     (AddressSanitizer + UBSan)
# Prints the build directory on stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=build; flags=(-DCMAKE_BUILD_TYPE=RelWithDebInfo)
if [ "${1:-}" = "--asan" ]; then dir=build-asan; flags+=(-DDG_SANITIZE=ON); fi
cmake -S . -B "$dir" -G Ninja "${flags[@]}" >/dev/null
cmake --build "$dir" -j "$(nproc)" >&2
echo "$dir"
