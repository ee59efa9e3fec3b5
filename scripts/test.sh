#!/usr/bin/env bash
# Installs dependencies, builds, and runs every test through ctest.
#   scripts/test.sh           the whole suite (fetches the npm corpus once, then cached)
#   scripts/test.sh --asan    the same under AddressSanitizer + UBSan (tests labelled corpus, huge or slow excluded)
#   scripts/test.sh --tsan    the tests that run threads, under ThreadSanitizer
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
case "${1:-}" in
  --asan)
    dir=$(scripts/build.sh --asan)
    ctest --test-dir "$dir" --output-on-failure -j "$(nproc)" -LE "corpus|huge|slow" ;;
  --tsan) exec scripts/tsan.sh ;;
  *)
    dir=$(scripts/build.sh)
    ctest --test-dir "$dir" --output-on-failure -j "$(nproc)" ;;
esac
