#!/usr/bin/env bash
# The deltaglider demo: 8 real typescript releases from the npm registry (as .tar,
# .zip and .tgz) stored in a local directory store, read back and verified.
#
#   scripts/demo.sh [STORE_DIR]     (default: a fresh temporary directory)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
dg="$PWD/$(scripts/build.sh)/src/cli/deltaglider"
series=$(scripts/fetch-corpus.sh --series typescript | tail -1)

work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
store=${1:-$work/store}; mkdir -p "$store"
export DG_CACHE_DIR=$work/cache
endpoint="file://$(cd "$store" && pwd)"
human() { numfmt --to=si --suffix=B --format=%.1f "$1"; }
field() { sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p"; }

echo "deltaglider demo: store $endpoint"
total_orig=0; total_stored=0; failures=0
for form in tar zip tgz; do
  bucket=demo-$form
  "$dg" mb "s3://$bucket" --endpoint-url "$endpoint" >/dev/null
  echo; echo "== typescript .$form x8 -> s3://$bucket/typescript/"
  orig=0; stored=0
  for f in $(ls "$series"/*."$form" | sort -V); do
    line=$("$dg" cp "$f" "s3://$bucket/typescript/" --endpoint-url "$endpoint" --json)
    size=$(stat -c %s "$f")
    object=$(echo "$line" | field stored_size)
    ref=$(echo "$line" | field reference_stored_size)
    kind=$(echo "$line" | sed -n 's/.*"stored_as":"\([a-z]*\)".*/\1/p')
    note=""; [ "${ref:-0}" -gt 0 ] && note="  (incl. the new reference, $(human "$ref"))"
    printf '  %-26s %9s -> %9s %-6s (%5.2f%%)%s\n' "$(basename "$f")" "$(human "$size")" \
      "$(human $((object + ${ref:-0})))" "$kind" "$(awk "BEGIN{print 100*($object+${ref:-0})/$size}")" "$note"
    orig=$((orig + size)); stored=$((stored + object + ${ref:-0}))
  done
  ok=0; n=0
  for f in $(ls "$series"/*."$form" | sort -V); do
    n=$((n + 1))
    "$dg" cp "s3://$bucket/typescript/$(basename "$f")" "$work/out" --endpoint-url "$endpoint" -q
    if cmp -s "$f" "$work/out"; then ok=$((ok + 1)); else echo "  NOT byte-exact: $(basename "$f")"; failures=$((failures + 1)); fi
    rm -f "$work/out"
  done
  printf '  total %s -> %s stored (%.2f%%), saved %.1f%%; read back %d/%d byte-exact\n' \
    "$(human $orig)" "$(human $stored)" "$(awk "BEGIN{print 100*$stored/$orig}")" \
    "$(awk "BEGIN{print 100-100*$stored/$orig}")" "$ok" "$n"
  total_orig=$((total_orig + orig)); total_stored=$((total_stored + stored))
done
echo
"$dg" stats s3://demo-tar --endpoint-url "$endpoint"
echo
printf 'all forms: %s -> %s stored, saved %.1f%%\n' "$(human $total_orig)" "$(human $total_stored)" \
  "$(awk "BEGIN{print 100-100*$total_stored/$total_orig}")"
[ "$failures" -eq 0 ] && echo "every file read back byte-exact" || { echo "$failures file(s) differ" >&2; exit 1; }
