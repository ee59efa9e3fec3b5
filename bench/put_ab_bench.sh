#!/usr/bin/env bash
# Two builds side by side on the same puts: every file of a corpus series and form
# stored by one `deltaglider cp` process each into a fresh file:// store, build A
# then build B, for ROUNDS rounds (alternating, so drift on a noisy machine hits
# both). Prints seconds per round and files/s of each.
#
#   bench/put_ab_bench.sh OLD_BIN NEW_BIN [SERIES] [FORM] [ROUNDS]   default: typescript tar 3
set -euo pipefail
cd "$(dirname "$0")/.."
a=$(realpath "$1"); b=$(realpath "$2")
series=${3:-typescript}; form=${4:-tar}; rounds=${5:-3}
dir=$(scripts/fetch-corpus.sh --series "$series" | tail -1)
files=("$dir"/*."$form")
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT

# Seconds to put every file with the binary $1.
put_all() {
  local store=$work/store cache=$work/cache start end
  rm -rf "$store" "$cache"
  "$1" mb s3://bench --endpoint-url "file://$store" >/dev/null
  start=$(date +%s.%N)
  for f in "${files[@]}"; do
    DG_CACHE_DIR=$cache "$1" cp "$f" s3://bench/series/ --endpoint-url "file://$store" >/dev/null
  done
  end=$(date +%s.%N)
  echo "$end - $start" | bc
}

echo "$series .$form, ${#files[@]} files per round, one process per file"
for ((round = 1; round <= rounds; round++)); do
  ta=$(put_all "$a"); tb=$(put_all "$b")
  printf 'round %d: A %.2f s (%.2f files/s)   B %.2f s (%.2f files/s)\n' "$round" "$ta" \
    "$(echo "${#files[@]} / $ta" | bc -l)" "$tb" "$(echo "${#files[@]} / $tb" | bc -l)"
done
