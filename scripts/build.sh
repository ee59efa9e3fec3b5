#!/usr/bin/env bash
# Configures and builds deltaglider with CMake + Ninja.
#   scripts/build.sh                     -> build/       (RelWithDebInfo)
#   scripts/build.sh --asan              -> build-asan/  (AddressSanitizer + UBSan)
#   scripts/build.sh --tsan [TARGET...]  -> build-tsan/  (ThreadSanitizer; only TARGETs if given)
# Prints the build directory on stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=build; flags=(-DCMAKE_BUILD_TYPE=RelWithDebInfo); targets=()
case "${1:-}" in
  --asan) dir=build-asan; flags+=(-DDG_SANITIZE=ON) ;;
  --tsan) dir=build-tsan; flags+=(-DDG_TSAN=ON); shift; targets=("$@") ;;
esac
cmake -S . -B "$dir" -G Ninja "${flags[@]}" >/dev/null
cmake --build "$dir" -j "$(nproc)" ${targets[@]:+--target "${targets[@]}"} >&2
echo "$dir"
