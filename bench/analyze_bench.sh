#!/usr/bin/env bash
# How close `deltaglider analyze` comes to what deltaglider then stores, on a real
# series: every version of the corpus series (default typescript: .tar, .zip, .tgz)
# is put as a plain object (no dg-* metadata, as `aws s3 cp` leaves it) under
# releases/<version>/ in a file:// bucket; `analyze` predicts (default budget and a
# 64MB budget), then `sync` stores the same tree in another bucket and `stats` says
# what it took. Prints both tables and the error of each prediction.
#
#   bench/analyze_bench.sh [SERIES]     DG_BIN=path/to/deltaglider to skip the build
set -euo pipefail
cd "$(dirname "$0")/.."
series=${1:-typescript}
dg=${DG_BIN:-$PWD/$(scripts/build.sh)/src/cli/deltaglider}
dir=$(scripts/fetch-corpus.sh --series "$series" | tail -1)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export DG_CACHE_DIR=$work/cache
store=file://$work/store
mkdir -p "$work/store/plain"
for f in "$dir"/*.tar "$dir"/*.zip "$dir"/*.tgz; do
  name=$(basename "$f"); version=${name#"$series"-}; version=${version%.*}
  mkdir -p "$work/store/plain/releases/$version" "$work/tree/releases/$version"
  cp "$f" "$work/store/plain/releases/$version/"   # a plain object of the file:// store
  cp "$f" "$work/tree/releases/$version/"
done
now() { date +%s.%N; }
predict() {  # predict BUDGET -> prints the table, sets `predicted`
  local t0 t1 out
  t0=$(now); out=$("$dg" analyze s3://plain --endpoint-url "$store" --sample-bytes "$1" --json); t1=$(now)
  "$dg" analyze s3://plain --endpoint-url "$store" --sample-bytes "$1"
  predicted=$(echo "$out" | tail -1 | python3 -c 'import json,sys;print(json.load(sys.stdin)["predicted_bytes"])')
  echo "(--sample-bytes $1: $(awk "BEGIN{printf \"%.2f\", $t1-$t0}") s)"
}
predict 512MB; p_default=$predicted
predict 64MB; p_small=$predicted
"$dg" mb s3://synced --endpoint-url "$store" -q
"$dg" sync "$work/tree" s3://synced/ --endpoint-url "$store" -q
"$dg" stats s3://synced --endpoint-url "$store"
stored=$("$dg" stats s3://synced --endpoint-url "$store" --json |
         python3 -c 'import json,sys;print(json.load(sys.stdin)["total"]["stored_bytes"])')
err() { awk "BEGIN{printf \"%+.1f%%\", 100*($1-$stored)/$stored}"; }
echo "sync stored $stored bytes; analyze predicted $p_default ($(err "$p_default")) with 512MB," \
     "$p_small ($(err "$p_small")) with 64MB"
