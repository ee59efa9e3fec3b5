#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) and runs each for a
# bounded time on its seed corpus; any crash, leak or sanitizer report fails.
#   scripts/fuzz.sh [SECONDS_PER_TARGET]     (default 30)
# A crashing input is left as build-fuzz/crash-*; turn it into a regression test.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
scripts/install-deps.sh
need=()
for p in clang libclang-rt-14-dev; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
cmake -S . -B build-fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DDG_BUILD_TESTS=OFF >/dev/null
targets=(dg_vcdiff_fuzz dg_parsers_fuzz dg_archive_patch_fuzz)
cmake --build build-fuzz -j "$(nproc)" --target "${targets[@]}" >&2
for target in "${targets[@]}"; do
  seeds=tests/fuzz/${target#dg_}; seeds=${seeds%_fuzz}_seeds
  corpus=$(mktemp -d); cp -r "$seeds"/. "$corpus"/
  exe=$(find build-fuzz -name "$target" -type f -executable | head -1)
  echo "fuzz: $target for ${seconds}s on $seeds" >&2
  (cd build-fuzz && "../$exe" -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 \
     -print_final_stats=1 "$corpus" 2>&1 | grep -E "^(stat::number_of_executed_units|stat::peak_rss_mb|==|SUMMARY|INFO: Running)" >&2)
  rm -rf "$corpus"
done
