#!/usr/bin/env bash
# Files of any size through the archive-aware codec (#18): a .tar.gz backup of
# real directories and its next version, two builds side by side, and the raw
# deltas the Python tool (xdelta3) and zstd would store as baselines. v1 is
# `tar c DIR...` (default: /usr/share/doc /usr/share/man /usr/include
# /usr/lib/python3, ~340 MB here), v2 the same with a copy of the first
# directory's largest subdirectory added (~12 MB more); both `gzip -6`, as
# `tar czf` makes them. Per build, on a fresh file:// store: put v1, put v2, a
# get of v2 (the cache as the puts left it) and a cold get of v2 (empty cache):
# seconds, MB/s of .tar.gz bytes, peak RSS (mapped files included), peak
# anonymous memory, and the stored bytes of v1 (its reference included) and v2.
# V1=FILE V2=FILE: those two .tar.gz files instead (e.g. made with gzip -1).
#
#   [LIMIT=512MiB] [V1=A.tar.gz V2=B.tar.gz] bench/huge_tgz_bench.sh OLD_BIN NEW_BIN [DIR ...]
set -euo pipefail
cd "$(dirname "$0")/.."
old=$(realpath "$1"); new=$(realpath "$2"); shift 2
dirs=("${@:-/usr/share/doc /usr/share/man /usr/include /usr/lib/python3}")
read -r -a dirs <<<"${dirs[*]}"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
source bench/peak_memory.sh

if [ -n "${V1:-}" ]; then
  ln -s "$(realpath "$V1")" "$work/v1.tar.gz"
  ln -s "$(realpath "$V2")" "$work/v2.tar.gz"
else
  tar cf "$work/v1.tar" "${dirs[@]}" 2>/dev/null || true
  extra=$(du -s "${dirs[0]}"/*/ 2>/dev/null | sort -n | tail -1 | cut -f2)
  mkdir -p "$work/extra" && cp -r "$extra" "$work/extra/"
  tar cf "$work/v2.tar" "${dirs[@]}" "$work/extra" 2>/dev/null || true
  gzip -6 "$work/v1.tar" "$work/v2.tar"
  rm -rf "$work/extra"
fi
echo "v1.tar.gz $(stat -L -c %s "$work/v1.tar.gz") bytes, v2.tar.gz $(stat -L -c %s "$work/v2.tar.gz") bytes" \
     "(inflated: $(gzip -l "$work/v2.tar.gz" | awk 'NR==2 {print $2}'))"

row() { printf '%-8s %-12s %8s %7s %8s %8s %12s\n' "$@"; }
row build step seconds "MB/s" "RSS MB" "anon MB" "stored B"
stored() {
  "$1" ls "s3://bench/db/$2" --json --endpoint-url "file://$3" |
    python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["stored_size"])'
}
for side in OLD NEW; do
  bin=$new
  [ "$side" = OLD ] && bin=$old
  store=$work/store cache=$work/cache
  rm -rf "$store" "$cache"
  "$bin" mb s3://bench --endpoint-url "file://$store" >/dev/null
  for step in put-v1 put-v2 get-v2 cold-get-v2; do
    case $step in
      put-v*) args=(cp "$work/${step#put-}.tar.gz" s3://bench/db/) ;;
      get-v2) args=(cp s3://bench/db/v2.tar.gz "$work/out.tgz") ;;
      cold-get-v2) rm -rf "$cache"; args=(cp s3://bench/db/v2.tar.gz "$work/out.tgz") ;;
    esac
    read -r secs rss anon < <(measure env DG_CACHE_DIR="$cache" DG_MEMORY_LIMIT="${LIMIT:-512MiB}" \
                                "$bin" "${args[@]}" --endpoint-url "file://$store")
    bytes=""
    case $step in
      put-v1) bytes=$(du -sb "$store" | cut -f1) ;;
      put-v2) bytes=$(stored "$bin" v2.tar.gz "$store") ;;
      *) cmp -s "$work/out.tgz" "$work/v2.tar.gz" || { echo "MISMATCH ($side $step)" >&2; exit 1; } ;;
    esac
    row "$side" "$step" "$secs" "$(mbps "$(stat -L -c %s "$work/v2.tar.gz")" "$secs")" "$rss" "$anon" "$bytes"
  done
done
# Baselines: deltas of the compressed bytes, as a tool that does not look inside stores them.
read -r secs rss anon < <(measure xdelta3 -e -9 -D -R -f -B 536870912 -s "$work/v1.tar.gz" "$work/v2.tar.gz" "$work/x.vcdiff")
row xdelta3 "-9 -B512M" "$secs" "" "$rss" "$anon" "$(stat -c %s "$work/x.vcdiff")"
read -r secs rss anon < <(measure zstd -q -f -3 --long=31 --patch-from="$work/v1.tar.gz" "$work/v2.tar.gz" -o "$work/z.zst")
row zstd "-3 --long=31" "$secs" "" "$rss" "$anon" "$(stat -c %s "$work/z.zst")"
