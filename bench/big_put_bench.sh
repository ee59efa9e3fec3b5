#!/usr/bin/env bash
# Two builds side by side on one large file put as the first version of its group
# (so its reference is compressed) and read back, on a fresh file:// store each:
# seconds, peak RSS and stored bytes of each build, for an incompressible file
# (random bytes, like compressed media, encrypted backups or model weights) and a
# compressible one (the typescript .tar of the corpus, repeated to the size).
#
#   bench/big_put_bench.sh OLD_BIN NEW_BIN [SIZE_MB]     default: 300
set -euo pipefail
cd "$(dirname "$0")/.."
a=$(realpath "$1"); b=$(realpath "$2"); mb=${3:-300}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
tar=$(scripts/fetch-corpus.sh --series typescript | tail -1)/typescript-5.4.2.tar

head -c "${mb}M" /dev/urandom >"$work/random.tar"
while [ "$(stat -c %s "$work/text.tar" 2>/dev/null || echo 0)" -lt $((mb << 20)) ]; do
  cat "$tar" >>"$work/text.tar"
done
truncate -s "${mb}M" "$work/text.tar"

# Puts then gets $2 with the binary $1; prints "PUT_S PUT_RSS_MB GET_S STORED_BYTES".
put_get() {
  local store=$work/store cache=$work/cache t
  rm -rf "$store" "$cache" "$work/out"
  "$1" mb s3://bench --endpoint-url "file://$store" >/dev/null
  t=$( { /usr/bin/time -f "%e %M" env DG_CACHE_DIR="$cache" "$1" cp "$2" s3://bench/big/ \
           --endpoint-url "file://$store" >/dev/null; } 2>&1 | tail -1)
  rm -rf "$cache"
  local g
  g=$( { /usr/bin/time -f "%e" env DG_CACHE_DIR="$cache" "$1" cp "s3://bench/big/$(basename "$2")" \
           "$work/out" --endpoint-url "file://$store" >/dev/null; } 2>&1 | tail -1)
  cmp -s "$2" "$work/out" || { echo "MISMATCH" >&2; exit 1; }
  echo "${t% *} $(( ${t#* } / 1024 )) $g $(du -sb "$store/bench" | cut -f1)"
}

printf '%-8s %-5s %8s %8s %10s %14s\n' file build "put s" "RSS MB" "cold get s" "stored B"
for f in random text; do
  for side in A B; do
    bin=$a; [ "$side" = B ] && bin=$b
    read -r put rss get stored < <(put_get "$bin" "$work/$f.tar")
    printf '%-8s %-5s %8s %8s %10s %14s\n' "$f" "$side" "$put" "$rss" "$get" "$stored"
  done
done
