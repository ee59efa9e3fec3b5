#!/usr/bin/env bash
# deltaglider against the Python DeltaGlider 6.x, side by side on one moto_server
# (started here, stopped at the end) in one run. Per file, one process per call as
# CI pipelines call them: put (`cp FILE s3://...`) of every version in order, then
# get (`cp s3://... FILE`) of every version, each output `cmp`-checked. Our reference
# cache is emptied before every call, so both tools start cold each time (the Python
# tool keeps its cache in a temp directory that dies with the process); the last
# two columns are ours into a second bucket with the cache the previous calls
# left (a developer machine, or a CI job that puts or gets several files).
# Prints, per case: files, original and stored bytes of both, mean seconds per
# put and per get of both, and ours/theirs. A file the Python tool does not give
# back exactly is counted and reported, not fatal (6.1.2 fails on every .tgz:
# BENCHMARKS.md); ours must come back exact or the script stops.
#
#   PYDG_SRC=DIR bench/python_tool_bench.sh [CASE...]
#
# DIR is the `src` directory of a checkout of github.com/beshu-tech/deltaglider at
# v6.1.2, run by `python3` with boto3, click, cryptography, python-dateutil and
# requests importable (none of it is part of this project). CASES (default: all):
#   lodash:zip       4 lodash releases, Info-ZIP zips of ~1,050 small files
#   jar              4 aws-sdk releases repacked by the JDK's `jar cfM` (2,196 entries)
#   typescript:zip   8 typescript releases as zips (114 entries, 32 MB)
#   typescript:tgz   the same as published on npm
set -euo pipefail
cd "$(dirname "$0")/.."
[ -n "${PYDG_SRC:-}" ] && [ -d "$PYDG_SRC/deltaglider" ] ||
  { echo "python_tool_bench: set PYDG_SRC to the Python DeltaGlider's src directory" >&2; exit 2; }
cases=${*:-lodash:zip jar typescript:zip typescript:tgz}
dg="$PWD/$(scripts/build.sh)/src/cli/deltaglider"
work=$(mktemp -d)
. bench/moto.sh
start_moto "$work"
export DG_CACHE_DIR="$work/cache"
pydg() {
  PYTHONPATH="$PYDG_SRC" python3 -c \
    'import sys; sys.argv[0] = "deltaglider"; from deltaglider.app.cli.main import main; main()' \
    "$@" >/dev/null 2>"$work/py.err" || { grep -v ' - INFO - ' "$work/py.err" | tail -1 >&2; return 1; }
}
now() { date +%s.%N; }
# Seconds one command takes (appended to the file $1).
timed() { local log=$1 t; shift; t=$(now); "$@"; awk "BEGIN{print $(now) - $t}" >>"$log"; }
mean() { awk '{s += $1} END {printf "%.3f", s / NR}' "$1"; }
stored() { aws --endpoint-url "$AWS_ENDPOINT_URL" s3 ls --recursive "s3://$1/" | awk '{s += $3} END {print s}'; }

# The jar case: each aws-sdk release's files repacked by the JDK's jar tool.
jars() {
  command -v jar >/dev/null || { echo "python_tool_bench: the jar case needs the JDK's jar" >&2; exit 1; }
  local src out=$work/jar v
  src=$(scripts/fetch-corpus.sh --series aws-sdk | tail -1); mkdir -p "$out"
  for v in 2.1600.0 2.1601.0 2.1602.0 2.1603.0; do
    rm -rf "$work/x"; mkdir -p "$work/x"; tar -xf "$src/aws-sdk-$v.tar" -C "$work/x"
    jar cfM "$out/aws-sdk-$v.jar" -C "$work/x/package" .
  done
  ls "$out"/*.jar | sort -V
}
files_of() {
  case $1 in
    jar) jars ;;
    *:*) ls "$(scripts/fetch-corpus.sh --series "${1%%:*}" | tail -1)"/*."${1#*:}" | sort -V ;;
    *) echo "python_tool_bench: unknown case '$1'" >&2; exit 2 ;;
  esac
}

printf '%-15s %5s %11s | %10s %10s | %8s %8s %6s | %8s %8s %6s | %8s %8s\n' case files original \
  'stored' 'py stored' 'put s' 'py put s' ratio 'get s' 'py get s' ratio 'put kept' 'get kept'
n_case=0
for c in $cases; do
  files=$(files_of "$c"); n=$(echo "$files" | wc -l); orig=$(cat $files | wc -c)
  n_case=$((n_case + 1)); ours=dg-$n_case; kept=dgk-$n_case; theirs=py-$n_case
  "$dg" mb "s3://$ours" -q; "$dg" mb "s3://$kept" -q
  aws --endpoint-url "$AWS_ENDPOINT_URL" s3 mb "s3://$theirs" >/dev/null
  rm -f "$work"/t.*; py_failed=0; rm -rf "$work/kept-cache"
  for f in $files; do
    rm -rf "$DG_CACHE_DIR"; timed "$work/t.put" "$dg" cp "$f" "s3://$ours/s/" -q
    DG_CACHE_DIR="$work/kept-cache" timed "$work/t.putkept" "$dg" cp "$f" "s3://$kept/s/" -q
    timed "$work/t.pyput" pydg cp "$f" "s3://$theirs/s/$(basename "$f")"
  done
  for f in $files; do
    name=$(basename "$f")
    rm -rf "$DG_CACHE_DIR"; timed "$work/t.get" "$dg" cp "s3://$ours/s/$name" "$work/out" -q
    cmp -s "$f" "$work/out" || { echo "python_tool_bench: ours not byte-exact: $name" >&2; exit 1; }
    rm -f "$work/out"
    timed "$work/t.pyget" pydg cp "s3://$theirs/s/$name" "$work/out" || true
    cmp -s "$f" "$work/out" || { echo "python_tool_bench: theirs did not give back $name" >&2; py_failed=$((py_failed + 1)); }
    DG_CACHE_DIR="$work/kept-cache" timed "$work/t.kept" "$dg" cp "s3://$kept/s/$name" "$work/out" -q
  done
  printf '%-15s %5d %11d | %10d %10d | %8s %8s %6.2f | %8s %8s %6.2f | %8s %8s\n' "$c" "$n" "$orig" \
    "$(stored "$ours")" "$(stored "$theirs")" \
    "$(mean "$work/t.put")" "$(mean "$work/t.pyput")" "$(awk "BEGIN{print $(mean "$work/t.put") / $(mean "$work/t.pyput")}")" \
    "$(mean "$work/t.get")" "$(mean "$work/t.pyget")" "$(awk "BEGIN{print $(mean "$work/t.get") / $(mean "$work/t.pyget")}")" \
    "$(mean "$work/t.putkept")" "$(mean "$work/t.kept")"
  [ "$py_failed" -eq 0 ] || echo "  the Python DeltaGlider gave back $py_failed of $n files wrong or not at all (times include those runs)"
done
