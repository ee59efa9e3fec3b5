#!/usr/bin/env bash
# Two builds side by side on one file and its next version, one `deltaglider cp`
# process per call on a fresh file:// store: put V1 (a new reference), put V2
# (with the cache V1's put left), get V2 with the cache emptied (cold), checked
# with cmp. OLD then NEW, ROUNDS times (alternating, so drift on a noisy machine
# hits both). Prints seconds per call and the bytes stored.
#
#   bench/next_version_bench.sh OLD_BIN NEW_BIN V1 V2 [ROUNDS]   default ROUNDS: 2
set -euo pipefail
old=$(realpath "$1"); new=$(realpath "$2"); v1=$(realpath "$3"); v2=$(realpath "$4")
rounds=${5:-2}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT

# Seconds the command "$@" takes (its output dropped).
timed() {
  local start; start=$(date +%s.%N)
  "$@" >/dev/null
  echo "$(date +%s.%N) - $start" | bc
}

# One round with the binary $1, labelled $2.
round() {
  local bin=$1 store=$work/store cache=$work/cache put1 put2 get2
  rm -rf "$store" "$cache" "$work/out"; mkdir -p "$work/out"
  local dg=("$bin" --endpoint-url "file://$store" --cache-dir "$cache")
  "${dg[@]}" mb s3://bench >/dev/null
  put1=$(timed "${dg[@]}" cp "$v1" s3://bench/v/)
  put2=$(timed "${dg[@]}" cp "$v2" s3://bench/v/)
  rm -rf "$cache"
  get2=$(timed "${dg[@]}" cp "s3://bench/v/$(basename "$v2")" "$work/out/")
  cmp "$v2" "$work/out/$(basename "$v2")"
  printf '%-4s %10.2f %10.2f %12.2f %14s\n' "$2" "$put1" "$put2" "$get2" \
    "$(du -sb "$store/bench" | cut -f1)"
}

printf '%-4s %10s %10s %12s %14s\n' build "put v1 s" "put v2 s" "cold get s" "stored B"
for _ in $(seq "$rounds"); do
  round "$old" OLD
  round "$new" NEW
done
