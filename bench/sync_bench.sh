#!/usr/bin/env bash
# `deltaglider sync` of a corpus series (default: the 8-version typescript series,
# .tar/.zip/.tgz, 24 files) to a local S3 server (moto_server, started here on a
# free port and stopped at the end), with `--jobs 1` and with the default number
# of jobs (cores, 2..16), side by side with the ratio:
#   up:     sync DIR s3://bucket/ts/ into an empty bucket, cold reference cache
#           -> files/s and MB/s of original bytes
#   again:  the same sync a second time (must transfer nothing) -> seconds
#   down:   sync s3://bucket/ts/ to an empty directory, cold cache, then `cmp`
#           every file against the original -> files/s and MB/s of files written
# moto keeps objects in memory and is single-threaded Python, so absolute rates
# are moto's; the ratio between the two columns is what this measures.
#
#   bench/sync_bench.sh [SERIES]     DG_BIN=path/to/deltaglider to skip the build
set -euo pipefail
cd "$(dirname "$0")/.."
series=${1:-typescript}
dg=${DG_BIN:-$PWD/$(scripts/build.sh)/src/cli/deltaglider}
dir=$(scripts/fetch-corpus.sh --series "$series" | tail -1)
filters=(--exclude '*' --include '*.tar' --include '*.zip' --include '*.tgz')
files=$(ls "$dir"/*.tar "$dir"/*.zip "$dir"/*.tgz); n=$(echo "$files" | wc -l)
orig=$(cat $files | wc -c)

work=$(mktemp -d)
. bench/moto.sh
start_moto "$work"
now() { date +%s.%N; }
rate() { awk "BEGIN{printf \"%.2f\", $1/($3-$2)}"; }
secs() { awk "BEGIN{printf \"%.2f\", $2-$1}"; }

# run LABEL JOBS-FLAGS...: prints "up_fps up_mbs again_s down_fps down_mbs stored"
run() {
  local label=$1; shift
  local bucket="sync-$label" cache="$work/cache-$label" out="$work/down-$label"
  "$dg" mb "s3://$bucket" -q
  export DG_CACHE_DIR=$cache
  local t0 t1 t2 t3 t4
  t0=$(now); "$dg" sync "$dir" "s3://$bucket/ts/" "${filters[@]}" -q "$@"; t1=$(now)
  [ -z "$("$dg" sync "$dir" "s3://$bucket/ts/" "${filters[@]}" "$@")" ] ||
    { echo "second sync transferred something" >&2; exit 1; }
  t2=$(now)
  rm -rf "$cache"
  t3=$(now); "$dg" sync "s3://$bucket/ts/" "$out" -q "$@"; t4=$(now)
  for f in $files; do cmp -s "$f" "$out/$(basename "$f")" || { echo "NOT byte-exact: $f" >&2; exit 1; }; done
  local stored
  stored=$("$dg" ls -r --stored --summarize "s3://$bucket/" | awk '/Total Size/ {print $3}')
  echo "$(rate "$n" "$t0" "$t1") $(rate "$orig/1e6" "$t0" "$t1") $(secs "$t1" "$t2")" \
       "$(rate "$n" "$t3" "$t4") $(rate "$orig/1e6" "$t3" "$t4") $stored"
  rm -rf "$out" "$cache"
}

read -r s_fps s_mbs s_again s_dfps s_dmbs s_stored < <(run serial --jobs 1)
read -r p_fps p_mbs p_again p_dfps p_dmbs p_stored < <(run parallel)
jobs=$(nproc); [ "$jobs" -lt 2 ] && jobs=2; [ "$jobs" -gt 16 ] && jobs=16
echo "$series series: $n files (.tar .zip .tgz), $orig bytes; moto_server on 127.0.0.1:$port; $(nproc) cores"
printf '%-22s %12s %14s %10s\n' '' '--jobs 1' "default ($jobs)" ratio
row() { printf '%-22s %12s %14s %10s\n' "$1" "$2" "$3" "$(awk "BEGIN{printf \"%.2f\", $3/$2}")"; }
row 'sync up files/s' "$s_fps" "$p_fps"
row 'sync up MB/s' "$s_mbs" "$p_mbs"
printf '%-22s %12s %14s\n' 'second sync s' "$s_again" "$p_again"
row 'sync down files/s' "$s_dfps" "$p_dfps"
row 'sync down MB/s' "$s_dmbs" "$p_dmbs"
printf '%-22s %12s %14s\n' 'stored bytes' "$s_stored" "$p_stored"
