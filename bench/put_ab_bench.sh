#!/usr/bin/env bash
# Two builds side by side on the same puts and gets: every file of a corpus series
# and form stored by one `deltaglider cp` process each into a fresh file:// store,
# then every file read back (warm reference cache, one process each), build A then
# build B, for ROUNDS rounds (alternating, so drift on a noisy machine hits both).
# Prints seconds and files/s of each, for put and for get.
#
#   bench/put_ab_bench.sh OLD_BIN NEW_BIN [SERIES] [FORM] [ROUNDS]   default: typescript tar 3
set -euo pipefail
cd "$(dirname "$0")/.."
a=$(realpath "$1"); b=$(realpath "$2")
series=${3:-typescript}; form=${4:-tar}; rounds=${5:-3}
dir=$(scripts/fetch-corpus.sh --series "$series" | tail -1)
files=("$dir"/*."$form")
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT

# Seconds since $1 (date +%s.%N).
since() { echo "$(date +%s.%N) - $1" | bc; }

# Puts every file with the binary $1 into a fresh store, then gets every file
# back; prints "PUT_SECONDS GET_SECONDS".
put_get_all() {
  local store=$work/store cache=$work/cache start put
  rm -rf "$store" "$cache" "$work/out"; mkdir -p "$work/out"
  "$1" mb s3://bench --endpoint-url "file://$store" >/dev/null
  start=$(date +%s.%N)
  for f in "${files[@]}"; do
    DG_CACHE_DIR=$cache "$1" cp "$f" s3://bench/series/ --endpoint-url "file://$store" >/dev/null
  done
  put=$(since "$start")
  start=$(date +%s.%N)
  for f in "${files[@]}"; do
    DG_CACHE_DIR=$cache "$1" cp "s3://bench/series/$(basename "$f")" "$work/out/" \
      --endpoint-url "file://$store" >/dev/null
  done
  echo "$put $(since "$start")"
}

rate() { echo "${#files[@]} / $1" | bc -l; }

echo "$series .$form, ${#files[@]} files per round, one process per file"
for ((round = 1; round <= rounds; round++)); do
  read -r pa ga < <(put_get_all "$a")
  read -r pb gb < <(put_get_all "$b")
  printf 'round %d put: A %.2f s (%.2f files/s)   B %.2f s (%.2f files/s)\n' "$round" "$pa" \
    "$(rate "$pa")" "$pb" "$(rate "$pb")"
  printf 'round %d get: A %.2f s (%.2f files/s)   B %.2f s (%.2f files/s)\n' "$round" "$ga" \
    "$(rate "$ga")" "$gb" "$(rate "$gb")"
done
