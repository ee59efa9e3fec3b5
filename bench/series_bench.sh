#!/usr/bin/env bash
# Stores a corpus series through the deltaglider CLI (one process per file, as
# users and CI pipelines call it) into a file:// store and prints, per form:
# original bytes, stored bytes, stored/original, files/s put, MB/s of output for
# get (rebuild, verify, write a new local file; cold reference cache for the first)
# and for verify (rebuild and check, no file written), and peak RSS. Side by side, in the same run, the Python DeltaGlider's layout made
# with the same xdelta3 it runs (raw reference + `xdelta3 -e -9 -s` of every file
# against the first; -D, because without it xdelta3 re-gzips .tgz output and the files
# can never be read back): its stored bytes, and its encode/decode rates without any
# Python start-up (so the baseline is the fastest that layout can be).
#
#   bench/series_bench.sh [SERIES] [FORMS]    default: typescript "tar zip tgz"
#   DG_BIN=path/to/deltaglider bench/series_bench.sh ...   another build (e.g. an older one)
set -euo pipefail
cd "$(dirname "$0")/.."
series=${1:-typescript}; forms=${2:-tar zip tgz}
dg=${DG_BIN:-"$PWD/$(scripts/build.sh)/src/cli/deltaglider"}
dir=$(scripts/fetch-corpus.sh --series "$series" | tail -1)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
export DG_CACHE_DIR=$work/cache
now() { date +%s.%N; }
rate() { awk "BEGIN{printf \"%.2f\", $1/($3-$2)}"; }
peak_rss_kb() { /usr/bin/time -f %M -o "$work/rss" "$@" >/dev/null && cat "$work/rss"; }

printf '%-6s %5s %12s %12s %8s %9s %9s %11s %8s | %12s %8s %9s %9s\n' form files original stored ratio \
  'put f/s' 'get MB/s' 'verify MB/s' 'RSS MB' 'xd3 stored' 'xd3 rat' 'xd3 f/s' 'xd3 MB/s'
for form in $forms; do
  files=$(ls "$dir"/*."$form" | sort -V); n=$(echo "$files" | wc -l)
  orig=$(cat $files | wc -c)
  store=$work/store-$form; mkdir -p "$store"; ep="file://$store"
  "$dg" mb s3://bench --endpoint-url "$ep" -q
  rss=0
  t0=$(now)
  for f in $files; do
    r=$(peak_rss_kb "$dg" cp "$f" s3://bench/s/ --endpoint-url "$ep" -q); [ "$r" -gt "$rss" ] && rss=$r
  done
  t1=$(now)
  stored=$(du -sb "$store" | cut -f1)
  rm -rf "$DG_CACHE_DIR"     # read back as another machine would: cold reference cache
  t2=$(now)
  mkdir -p "$work/out"
  for f in $files; do
    r=$(peak_rss_kb "$dg" cp "s3://bench/s/$(basename "$f")" "$work/out/" --endpoint-url "$ep" -q); [ "$r" -gt "$rss" ] && rss=$r
  done
  t3=$(now)
  for f in $files; do "$dg" verify "s3://bench/s/$(basename "$f")" --endpoint-url "$ep" -q; done
  t3v=$(now)
  for f in $files; do cmp -s "$f" "$work/out/$(basename "$f")" || { echo "NOT byte-exact: $f" >&2; exit 1; }; done
  rm -rf "$work/out"

  # Baseline: the Python tool's bucket layout, made with xdelta3 directly.
  ref=$(echo "$files" | head -1); xstored=$(stat -c %s "$ref")
  t4=$(now)
  for f in $files; do xdelta3 -e -9 -D -f -s "$ref" "$f" "$work/x-$(basename "$f").delta"; done
  t5=$(now)
  for f in $files; do xstored=$((xstored + $(stat -c %s "$work/x-$(basename "$f").delta"))); done
  t6=$(now)
  mkdir -p "$work/xout"
  for f in $files; do xdelta3 -d -D -R -f -s "$ref" "$work/x-$(basename "$f").delta" "$work/xout/$(basename "$f")"; done
  t7=$(now)
  rm -rf "$work"/x-*.delta "$work/xout"

  printf '%-6s %5d %12d %12d %8.4f %9s %9s %11s %8d | %12d %8.4f %9s %9s\n' "$form" "$n" "$orig" "$stored" \
    "$(awk "BEGIN{print $stored/$orig}")" "$(rate "$n" "$t0" "$t1")" "$(rate "$orig/1e6" "$t2" "$t3")" \
    "$(rate "$orig/1e6" "$t3" "$t3v")" $((rss / 1024)) "$xstored" "$(awk "BEGIN{print $xstored/$orig}")" "$(rate "$n" "$t4" "$t5")" \
    "$(rate "$orig/1e6" "$t6" "$t7")"
done
