#!/usr/bin/env bash
# Installs the SDK from BUILD_DIR into a temporary prefix, builds examples/ against
# the installed package (CMake shared and static, and pkg-config), and runs each
# build on a local store: two versions of a file must read back, the second
# stored as a small delta.
#   scripts/check-sdk-install.sh BUILD_DIR
set -euo pipefail
build=$(realpath "$1")
src=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
cmake -S "$src/examples" -B "$tmp/examples" -G Ninja -DCMAKE_PREFIX_PATH="$tmp/prefix" >/dev/null
cmake --build "$tmp/examples" >/dev/null
PKG_CONFIG_PATH="$tmp/prefix/lib/pkgconfig" \
  g++ -std=c++20 -o "$tmp/store_versions_pc" "$src/examples/store_versions.cc" \
  $(PKG_CONFIG_PATH="$tmp/prefix/lib/pkgconfig" pkg-config --cflags --libs deltaglider) \
  -Wl,-rpath,"$tmp/prefix/lib"

# Two versions: 1 MB of random bytes, then the same with one changed block.
head -c 1000000 /dev/urandom >"$tmp/app-1.tar"
cp "$tmp/app-1.tar" "$tmp/app-2.tar"
printf 'changed' | dd of="$tmp/app-2.tar" bs=1 seek=500000 conv=notrunc status=none
for program in examples/store_versions examples/store_versions_static store_versions_pc; do
  out=$("$tmp/$program" "file://$tmp/store-${program##*/}" releases "$tmp/app-1.tar" "$tmp/app-2.tar")
  echo "$program: $out"
  grep -q '^versions/app-1.tar: 1000000 bytes' <<<"$out"
  stored=$(sed -n 's/^versions\/app-2.tar: 1000000 bytes, \([0-9]*\) stored$/\1/p' <<<"$out")
  [[ -n "$stored" && "$stored" -lt 10000 ]] || { echo "app-2.tar was not stored as a small delta" >&2; exit 1; }
done
# (ldd's output first: `ldd | grep -q` under pipefail fails when grep exits early.)
shared_libs=$(ldd "$tmp/examples/store_versions")
grep -q "$tmp/prefix/lib/libdeltaglider.so" <<<"$shared_libs" \
  || { echo "store_versions is not linked to the installed libdeltaglider.so" >&2; exit 1; }
static_libs=$(ldd "$tmp/examples/store_versions_static")
if grep -q libdeltaglider <<<"$static_libs"; then
  echo "store_versions_static links libdeltaglider.so" >&2; exit 1
fi
echo "SDK install: headers, libdeltaglider.so/.a, CMake package and pkg-config file all work"
