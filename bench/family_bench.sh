#!/usr/bin/env bash
# Families across prefixes (#8): stores a corpus series through the CLI three ways
# into file:// stores and prints stored bytes per layout, side by side with a
# plain `zstd -19 --long --patch-from` chain (each version against its
# predecessor, the first compressed on its own) made in the same run:
#   flat     every version in one prefix            s3://bench/all/
#   family   one prefix per version (CI pattern)    s3://bench/releases/v<version>/
#   python   one prefix per version, --no-family    (the Python tool's layout:
#            one reference per prefix, nothing saved)
# plus put throughput (files/s) of the family layout against the flat one.
#
#   bench/family_bench.sh [SERIES] [FORMS]    default: typescript tar
set -euo pipefail
cd "$(dirname "$0")/.."
series=${1:-typescript}; forms=${2:-tar}
DG_FLAGS=${DG_FLAGS:-}   # extra deltaglider flags for every put, e.g. "--reference-level 19"
dg="$PWD/$(scripts/build.sh)/src/cli/deltaglider"
dir=$(scripts/fetch-corpus.sh --series "$series" | tail -1)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
export DG_CACHE_DIR=$work/cache
now() { date +%s.%N; }

# put LAYOUT FILES...: stores the files and prints "stored_bytes seconds"
put() {
  local layout=$1; shift
  local store=$work/store-$layout; rm -rf "$store" "$DG_CACHE_DIR"; mkdir -p "$store"
  "$dg" mb s3://bench --endpoint-url "file://$store" -q
  local t0; t0=$(now)
  for f in "$@"; do
    local base; base=$(basename "$f"); local version; version=$(sed -E 's/.*-([0-9][^-]*)\.[a-z]+$/\1/' <<<"$base")
    case $layout in
      flat)   "$dg" cp "$f" s3://bench/all/ --endpoint-url "file://$store" -q $DG_FLAGS ;;
      family) "$dg" cp "$f" "s3://bench/releases/v$version/" --endpoint-url "file://$store" -q $DG_FLAGS ;;
      python) "$dg" cp "$f" "s3://bench/releases/v$version/" --endpoint-url "file://$store" -q --no-family $DG_FLAGS ;;
    esac
  done
  local t1; t1=$(now)
  for f in "$@"; do   # every file must come back byte-exact
    local base; base=$(basename "$f"); local version; version=$(sed -E 's/.*-([0-9][^-]*)\.[a-z]+$/\1/' <<<"$base")
    local key="all/$base"; [ "$layout" != flat ] && key="releases/v$version/$base"
    "$dg" cp "s3://bench/$key" "$work/back" --endpoint-url "file://$store" -q
    cmp -s "$f" "$work/back" || { echo "NOT byte-exact: $layout $f" >&2; exit 1; }
  done
  # Object files only (directories would add 4 KiB per prefix on the file:// store).
  echo "$(find "$store/bench" -type f -printf '%s\n' | awk '{s += $1} END {print s + 0}') $(awk "BEGIN{print $t1-$t0}")"
}

printf '%-5s %5s %12s | %11s %11s %11s %11s | %9s %9s %9s %9s\n' form files original \
  flat family python zstd-chain 'fam/flat' 'fam/zstd' 'put f/s' 'fam/flat'
for form in $forms; do
  mapfile -t files < <(ls "$dir"/*."$form" | sort -V)
  n=${#files[@]}; orig=$(cat "${files[@]}" | wc -c)
  read -r flat flat_s < <(put flat "${files[@]}")
  read -r family family_s < <(put family "${files[@]}")
  read -r python _ < <(put python "${files[@]}")
  chain=$(zstd -19 --long=31 -c -q "${files[0]}" | wc -c)
  for ((i = 1; i < n; i++)); do
    chain=$((chain + $(zstd -19 --long=31 -q -q -c --patch-from="${files[i-1]}" "${files[i]}" | wc -c)))
  done
  printf '%-5s %5d %12d | %11d %11d %11d %11d | %9.3f %9.3f %9.2f %9.2f\n' "$form" "$n" "$orig" \
    "$flat" "$family" "$python" "$chain" "$(awk "BEGIN{print $family/$flat}")" \
    "$(awk "BEGIN{print $family/$chain}")" "$(awk "BEGIN{print $n/$family_s}")" \
    "$(awk "BEGIN{print ($n/$family_s)/($n/$flat_s)}")"
done
