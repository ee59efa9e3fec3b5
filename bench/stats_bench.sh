#!/usr/bin/env bash
# `deltaglider stats` on a 10,000-object bucket on a local S3 server (moto_server,
# started here on a free port and stopped at the end): 100 version directories
# builds/v1.0.N/, each with 50 archives (lib<a..y>-1.0.N.zip, 2 KB, stored by
# deltaglider as deltas of 25 families) and 50 text files (stored direct), i.e.
# 5,000 .delta objects, 5,000 direct objects and 25 family references. Creating the
# bucket (one `deltaglider sync`) is not timed. Then, each run 3 times, best kept:
#   aws s3 ls --recursive --summarize   the listing alone (baseline: what any
#                                       stats must at least do)
#   deltaglider stats --jobs 1          one HEAD per delta, one at a time
#   deltaglider stats                   HEADs in parallel (default jobs: cores, 2..16)
#   deltaglider stats --jobs 16
# moto is Python: absolute times are moto's; the ratios are what this measures.
#
#   bench/stats_bench.sh       DG_BIN=path/to/deltaglider to skip the build
set -euo pipefail
cd "$(dirname "$0")/.."
dg=${DG_BIN:-$PWD/$(scripts/build.sh)/src/cli/deltaglider}
command -v aws >/dev/null || { echo "$0: needs the aws CLI" >&2; exit 1; }

work=$(mktemp -d)
. bench/moto.sh
start_moto "$work"
export DG_CACHE_DIR=$work/cache

python3 - "$work/tree" <<'PY'
import os, random, sys
root = sys.argv[1]
rng = random.Random(7)
bases = {c: bytearray(rng.randbytes(2048)) for c in "abcdefghijklmnopqrstuvwxy"}
for n in range(1, 101):
    d = os.path.join(root, "builds", f"v1.0.{n}")
    os.makedirs(d)
    for c, base in bases.items():
        body = bytearray(base)
        body[n % 2000:n % 2000 + 8] = n.to_bytes(8, "little")
        open(os.path.join(d, f"lib{c}-1.0.{n}.zip"), "wb").write(body)
    for i in range(50):
        open(os.path.join(d, f"log-{i:02d}.txt"), "w").write(f"build {n} step {i}\n")
PY
"$dg" mb s3://stats-bench -q
"$dg" sync "$work/tree" s3://stats-bench/ -q --jobs 8
objects=$(aws --endpoint-url "$AWS_ENDPOINT_URL" s3 ls --recursive s3://stats-bench/ | wc -l)

now() { date +%s.%N; }
# best SECONDS of 3 runs of the command
best() {
  local b=999999 t0 t1
  for _ in 1 2 3; do
    t0=$(now); "$@" >/dev/null; t1=$(now)
    b=$(awk "BEGIN{d=$t1-$t0; print (d<$b)?d:$b}")
  done
  printf '%.2f' "$b"
}
jobs=$(nproc); [ "$jobs" -lt 2 ] && jobs=2; [ "$jobs" -gt 16 ] && jobs=16
t_aws=$(best aws --endpoint-url "$AWS_ENDPOINT_URL" s3 ls --recursive --summarize s3://stats-bench/)
t_one=$(best "$dg" stats s3://stats-bench --jobs 1)
t_def=$(best "$dg" stats s3://stats-bench)
t_16=$(best "$dg" stats s3://stats-bench --jobs 16)
echo "stats-bench: $objects objects (5000 deltas, 5000 direct, 25 references); moto_server on 127.0.0.1:$port; $(nproc) cores"
printf '%-44s %8s %8s\n' '' seconds 'vs j1'
row() { printf '%-44s %8s %8s\n' "$1" "$2" "$(awk "BEGIN{printf \"%.2fx\", $t_one/$2}")"; }
row 'aws s3 ls --recursive --summarize' "$t_aws"
row 'deltaglider stats --jobs 1' "$t_one"
row "deltaglider stats (default, --jobs $jobs)" "$t_def"
row 'deltaglider stats --jobs 16' "$t_16"
"$dg" stats s3://stats-bench | tail -1
