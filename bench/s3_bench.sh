#!/usr/bin/env bash
# deltaglider vs the aws CLI on a local S3 server (moto_server, started here on a
# free port and stopped at the end): one process per file, as users and CI
# pipelines call them, for the 8-version typescript .zip series (or .tar/.tgz).
#   put:  `deltaglider cp FILE s3://dg-bench/ts/` vs `aws s3 cp FILE s3://plain-bench/ts/`
#         -> files/s, and bytes stored (= object bytes sent: the sum of the object
#         sizes, `deltaglider ls -r --stored --json` vs `aws s3 ls --recursive`)
#   get:  every file back to disk with a cold reference cache, then `cmp` against
#         the original (deltaglider also checks each file's SHA256 itself) -> MB/s
#         of files written.
# moto keeps objects in memory and is single-threaded Python, so absolute rates
# are moto's; the ratios between the two tools are what this measures.
#
#   bench/s3_bench.sh [FORM]      zip (default), tar or tgz; builds build/ first
set -euo pipefail
cd "$(dirname "$0")/.."
form=${1:-zip}
dg="$PWD/$(scripts/build.sh)/src/cli/deltaglider"
command -v aws >/dev/null || { echo "s3_bench: needs the aws CLI" >&2; exit 1; }
dir=$(scripts/fetch-corpus.sh --series typescript | tail -1)
files=$(ls "$dir"/*."$form" | sort -V); n=$(echo "$files" | wc -l)
orig=$(cat $files | wc -c)

work=$(mktemp -d)
. bench/moto.sh
start_moto "$work"
export DG_CACHE_DIR="$work/cache"
aws_s3() { aws --endpoint-url "$AWS_ENDPOINT_URL" s3 "$@"; }
now() { date +%s.%N; }
rate() { awk "BEGIN{printf \"%.2f\", $1/($3-$2)}"; }

"$dg" mb s3://dg-bench -q
aws_s3 mb s3://plain-bench >/dev/null

t0=$(now); for f in $files; do "$dg" cp "$f" s3://dg-bench/ts/ -q; done; t1=$(now)
for f in $files; do aws_s3 cp "$f" s3://plain-bench/ts/ --only-show-errors; done; t2=$(now)

dg_stored=$("$dg" ls -r --stored --json s3://dg-bench/ | python3 -c '
import json, sys
print(sum(json.loads(line).get("size", 0) for line in sys.stdin if line.strip()))')
aws_stored=$(aws_s3 ls --recursive s3://plain-bench/ | awk '{s += $3} END {print s}')

rm -rf "$DG_CACHE_DIR"  # read back as another machine would
mkdir -p "$work/dg" "$work/aws"
t3=$(now)
for f in $files; do "$dg" cp "s3://dg-bench/ts/$(basename "$f")" "$work/dg/" -q; done
for f in $files; do cmp -s "$f" "$work/dg/$(basename "$f")" || { echo "NOT byte-exact: $f" >&2; exit 1; }; done
t4=$(now)
for f in $files; do aws_s3 cp "s3://plain-bench/ts/$(basename "$f")" "$work/aws/" --only-show-errors; done
for f in $files; do cmp -s "$f" "$work/aws/$(basename "$f")" || { echo "NOT byte-exact: $f" >&2; exit 1; }; done
t5=$(now)

dg_fps=$(rate "$n" "$t0" "$t1"); aws_fps=$(rate "$n" "$t1" "$t2")
dg_get=$(rate "$orig/1e6" "$t3" "$t4"); aws_get=$(rate "$orig/1e6" "$t4" "$t5")
echo "typescript .$form series: $n files, $orig bytes, moto_server on 127.0.0.1:$port"
printf '%-12s %10s %14s %16s %14s\n' tool 'put f/s' 'bytes stored' 'stored/original' 'get+cmp MB/s'
printf '%-12s %10s %14s %16s %14s\n' deltaglider "$dg_fps" "$dg_stored" \
  "$(awk "BEGIN{printf \"%.4f\", $dg_stored/$orig}")" "$dg_get"
printf '%-12s %10s %14s %16s %14s\n' 'aws s3 cp' "$aws_fps" "$aws_stored" \
  "$(awk "BEGIN{printf \"%.4f\", $aws_stored/$orig}")" "$aws_get"
echo "ratios deltaglider/aws: files/s $(awk "BEGIN{printf \"%.2f\", $dg_fps/$aws_fps}")," \
  "bytes sent $(awk "BEGIN{printf \"%.4f\", $dg_stored/$aws_stored}")," \
  "get MB/s $(awk "BEGIN{printf \"%.2f\", $dg_get/$aws_get}")"
