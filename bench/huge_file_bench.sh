#!/usr/bin/env bash
# Files of any size (#18): two builds side by side, and xdelta3 and zstd as
# baselines, on a backup-like file (1 MiB blocks of random bytes and of base64
# text, none alike) of each SIZE and a second version of it (1 MiB inserted at
# the start, 64 KiB overwritten at a third, 80 MiB inserted at 60%, 3 MiB deleted
# at 80%, 2 MiB appended), and a near-identical third (v1 with three 4 KiB
# overwrites). Per build, on a fresh file:// store: the first put, the second and
# third puts, a get of the third (the cache as the puts left it) and a cold get of
# the second (empty cache): seconds, MB/s of file bytes, peak RSS (mapped files
# included) and peak anonymous memory (polled from /proc every 20 ms), and the
# stored bytes of the second and third.
#
# With LIMITS="256MiB 128MiB" the new build runs again at each --memory-limit.
#
#   [LIMITS="..."] bench/huge_file_bench.sh OLD_BIN NEW_BIN [SIZE_MB ...]     default: 1024
set -euo pipefail
cd "$(dirname "$0")/.."
old=$(realpath "$1"); new=$(realpath "$2"); shift 2
sizes=("${@:-1024}")
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT

source bench/peak_memory.sh

# SIZE_MB -> $work/v1.tar (backup-like), $work/v2.tar (edited), $work/v3.tar
# (near-identical to v1).
make_versions() {
  local mb=$1 i
  : >"$work/v1.tar"
  for ((i = 0; i < mb; i++)); do
    if ((i % 2 == 0)); then head -c 1M /dev/urandom; else head -c 786432 /dev/urandom | base64 -w 0; fi
  done >>"$work/v1.tar"
  python3 - "$work/v1.tar" "$work/v2.tar" "$work/v3.tar" <<'EOF'
import os, shutil, sys
MB = 1 << 20
src, dst, near = sys.argv[1], sys.argv[2], sys.argv[3]
size = os.path.getsize(src)
third, at60, at80 = size // 3, size // 10 * 6, size // 10 * 8
pieces = [("new", MB), (0, third), ("new", 64 << 10), (third + (64 << 10), at60 - third - (64 << 10)),
          ("new", 80 * MB), (at60, at80 - at60), (at80 + 3 * MB, size - at80 - 3 * MB), ("new", 2 * MB)]
with open(src, "rb") as a, open(dst, "wb") as out:
    for start, n in pieces:
        if start == "new":
            out.write(os.urandom(n))
            continue
        a.seek(start)
        while n > 0:
            chunk = a.read(min(n, 8 * MB))
            out.write(chunk)
            n -= len(chunk)
shutil.copyfile(src, near)
with open(near, "r+b") as out:
    for at in (size // 7, size // 2, size - 5000):
        out.seek(at)
        out.write(os.urandom(4096))
EOF
}

row() { printf '%-6s %-9s %-12s %8s %9s %8s %8s %14s\n' "$@"; }

for mb in "${sizes[@]}"; do
  make_versions "$mb"
  v2_bytes=$(stat -c %s "$work/v2.tar")
  echo "== $mb MB (v2: $v2_bytes bytes)"
  row size build step seconds "MB/s" "RSS MB" "anon MB" "stored B"
  for side in OLD NEW ${LIMITS:-}; do
    bin=$new limit=512MiB
    case $side in OLD) bin=$old ;; NEW) ;; *) limit=$side ;; esac
    store=$work/store cache=$work/cache
    rm -rf "$store" "$cache" "$work/out.tar"
    "$bin" mb s3://bench --endpoint-url "file://$store" >/dev/null
    for step in put-v1 put-v2 put-v3 get-v3 get-v2; do
      case $step in
        put-v*) args=(cp "$work/${step#put-}.tar" s3://bench/db/) ;;
        get-v3) args=(cp s3://bench/db/v3.tar "$work/out3.tar") ;;
        get-v2) rm -rf "$cache"; args=(cp s3://bench/db/v2.tar "$work/out.tar") ;;
      esac
      read -r secs rss anon < <(measure env DG_CACHE_DIR="$cache" DG_MEMORY_LIMIT="$limit" "$bin" "${args[@]}" \
                                  --endpoint-url "file://$store")
      stored=""
      if [ "$step" = put-v2 ] || [ "$step" = put-v3 ]; then
        stored=$("$bin" ls "s3://bench/db/${step#put-}.tar" --json --endpoint-url "file://$store" |
                 python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["stored_size"])')
      fi
      size=$(stat -c %s "$work/v${step: -1}.tar")
      row "$mb" "$side" "$step" "$secs" "$(mbps "$size" "$secs")" "$rss" "$anon" "$stored"
    done
    cmp -s "$work/out.tar" "$work/v2.tar" || { echo "MISMATCH v2 ($side)" >&2; exit 1; }
    cmp -s "$work/out3.tar" "$work/v3.tar" || { echo "MISMATCH v3 ($side)" >&2; exit 1; }
  done
  # Baselines: one process each, the delta of v2 against v1 and back.
  read -r secs rss anon < <(measure xdelta3 -e -9 -f -B 536870912 -s "$work/v1.tar" "$work/v2.tar" "$work/x.vcdiff")
  row "$mb" xdelta3 "encode -B512M" "$secs" "$(mbps "$v2_bytes" "$secs")" "$rss" "$anon" "$(stat -c %s "$work/x.vcdiff")"
  read -r secs rss anon < <(measure xdelta3 -d -f -B 536870912 -s "$work/v1.tar" "$work/x.vcdiff" "$work/out.tar")
  row "$mb" xdelta3 decode "$secs" "$(mbps "$v2_bytes" "$secs")" "$rss" "$anon" ""
  read -r secs rss anon < <(measure zstd -q -f -3 --long=31 --patch-from="$work/v1.tar" "$work/v2.tar" -o "$work/z.zst")
  row "$mb" zstd "-3 --long=31" "$secs" "$(mbps "$v2_bytes" "$secs")" "$rss" "$anon" "$(stat -c %s "$work/z.zst")"
  read -r secs rss anon < <(measure zstd -q -d -f --long=31 --patch-from="$work/v1.tar" "$work/z.zst" -o "$work/out.tar")
  row "$mb" zstd decode "$secs" "$(mbps "$v2_bytes" "$secs")" "$rss" "$anon" ""
  rm -f "$work"/*.tar "$work"/x.vcdiff "$work"/z.zst
done
