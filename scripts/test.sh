#!/usr/bin/env bash
# Installs dependencies, builds, and runs every test through ctest.
#   scripts/test.sh           the whole suite (fetches the npm corpus once, then cached)
#   scripts/test.sh --asan    the same under AddressSanitizer + UBSan (corpus tests excluded)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
if [ "${1:-}" = "--asan" ]; then
  dir=$(scripts/build.sh --asan)
  ctest --test-dir "$dir" --output-on-failure -j "$(nproc)" -LE corpus
else
  dir=$(scripts/build.sh)
  ctest --test-dir "$dir" --output-on-failure -j "$(nproc)"
fi
