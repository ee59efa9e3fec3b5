#!/usr/bin/env bash
# Delta chains (#16): a corpus series put in version order (SHUFFLE=1: in a
# random order) through the CLI into file:// stores, one prefix per version (the
# CI pattern), with `--max-depth 1` (every file one delta against a reference
# stored whole, the layout before chains) and with the default chains, side by
# side with a `zstd -19 --long=31 --patch-from` predecessor chain (the first
# version `zstd -19 --long=31`) made in the same run. Prints stored bytes, put
# files/s, decodes per read (max and mean, from `ls --json`), and the cold-cache
# get of the deepest file in MB/s against the same file read one-level.
#
#   bench/chain_bench.sh [SERIES] [FORM]   default: typescript tar
#   DG_FLAGS="--level 9"                   extra flags for every put
set -euo pipefail
cd "$(dirname "$0")/.."
series=${1:-typescript}; form=${2:-tar}
DG_FLAGS=${DG_FLAGS:-}
dg="$PWD/$(scripts/build.sh)/src/cli/deltaglider"
dir=$(scripts/fetch-corpus.sh --series "$series" | tail -1)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
now() { date +%s.%N; }
version_of() { sed -E 's/.*-([0-9][^-]*)\.[a-z.]+$/\1/' <<<"$(basename "$1")"; }
key_of() { echo "releases/v$(version_of "$1")/$(basename "$1")"; }

mapfile -t files < <(ls "$dir"/*."$form" | sort -V)
order=("${files[@]}")
[ "${SHUFFLE:-0}" = 1 ] && mapfile -t order < <(printf '%s\n' "${files[@]}" | shuf --random-source=<(yes))
n=${#files[@]}; orig=$(cat "${files[@]}" | wc -c)

# run DEPTH: puts every file, reads every one back byte-exact (cold cache) and
# prints "stored_bytes put_seconds max_depth mean_depth deepest_key"
run() {
  local depth=$1 store=$work/store-$1; mkdir -p "$store"
  export DG_CACHE_DIR=$work/cache-$depth
  "$dg" mb s3://bench --endpoint-url "file://$store" -q
  local t0; t0=$(now)
  for f in "${order[@]}"; do
    "$dg" cp "$f" "s3://bench/$(key_of "$f")" --endpoint-url "file://$store" -q --max-depth "$depth" $DG_FLAGS
  done
  local t1; t1=$(now)
  for f in "${files[@]}"; do
    DG_CACHE_DIR=$work/cold "$dg" cp "s3://bench/$(key_of "$f")" "$work/back" --endpoint-url "file://$store" -q
    cmp -s "$f" "$work/back" || { echo "NOT byte-exact: depth $depth $f" >&2; exit 1; }
  done
  rm -rf "$work/cold"
  # Object bytes as the store lists them (the file:// store keeps metadata beside them).
  local stored; stored=$("$dg" stats s3://bench --json --endpoint-url "file://$store" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["total"]["stored_bytes"])')
  "$dg" ls -r s3://bench/ --json --endpoint-url "file://$store" |
    python3 -c 'import json,sys
rows=[json.loads(l) for l in sys.stdin]; d=[r.get("depth",1) for r in rows]
deep=max(rows,key=lambda r:(r.get("depth",1),r["key"]))
print(max(d), sum(d)/len(d), deep["key"])' | { read -r maxd meand deepest; echo "$stored $(awk "BEGIN{print $t1-$t0}") $maxd $meand $deepest"; }
}

# cold_get DEPTH KEY: best of three cold-cache gets, in seconds
cold_get() {
  local best=999
  for _ in 1 2 3; do
    rm -rf "$work/cold"
    local t0; t0=$(now)
    DG_CACHE_DIR=$work/cold "$dg" cp "s3://bench/$2" "$work/back" --endpoint-url "file://$work/store-$1" -q
    best=$(awk "BEGIN{t=$(now)-$t0; print (t<$best)?t:$best}")
  done
  echo "$best"
}

read -r one_bytes one_s _ _ _ < <(run 1)
read -r ch_bytes ch_s maxd meand deepest < <(run "${DEPTH:-8}")
chain=$(zstd -19 --long=31 -c -q "${files[0]}" | wc -c)
for ((i = 1; i < n; i++)); do
  chain=$((chain + $(zstd -19 --long=31 -q -q -c --patch-from="${files[i-1]}" "${files[i]}" | wc -c)))
done
size=$(stat -c %s "$dir/$(basename "$deepest")")
g1=$(cold_get 1 "$deepest"); gc=$(cold_get "${DEPTH:-8}" "$deepest")
printf 'series %s .%s, %d files, %d bytes%s\n' "$series" "$form" "$n" "$orig" "$([ "${SHUFFLE:-0}" = 1 ] && echo ', shuffled order')"
printf '%-14s %12s %9s %8s %8s %12s\n' layout stored 'vs zstd' 'put f/s' 'decodes' 'deepest get'
printf '%-14s %12d %9.3f %8.2f %8s %9.1f MB/s\n' 'one-level' "$one_bytes" "$(awk "BEGIN{print $one_bytes/$chain}")" \
  "$(awk "BEGIN{print $n/$one_s}")" "1/1.0" "$(awk "BEGIN{print $size/$g1/1e6}")"
printf '%-14s %12d %9.3f %8.2f %8s %9.1f MB/s\n' "chains (D=${DEPTH:-8})" "$ch_bytes" "$(awk "BEGIN{print $ch_bytes/$chain}")" \
  "$(awk "BEGIN{print $n/$ch_s}")" "$maxd/$(printf '%.1f' "$meand")" "$(awk "BEGIN{print $size/$gc/1e6}")"
printf '%-14s %12d\n' 'zstd -19 chain' "$chain"
printf 'chains/one-level: stored %.3f, put files/s %.2f, deepest cold get %.2f (%s)\n' \
  "$(awk "BEGIN{print $ch_bytes/$one_bytes}")" "$(awk "BEGIN{print $one_s/$ch_s}")" \
  "$(awk "BEGIN{print $g1/$gc}")" "$deepest"
