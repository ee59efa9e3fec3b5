#!/usr/bin/env bash
# Fetches a series of real release artifacts from the npm registry for the demo,
# the integration tests and the benchmarks.
#
#   scripts/fetch-corpus.sh [-d DIR] PACKAGE VERSION...
#   scripts/fetch-corpus.sh [-d DIR] --series typescript|esbuild|aws-sdk|semver|semver-long|lodash
#
# For each version it writes, under DIR/<series>/ (DIR defaults to
# $DG_CORPUS_DIR or ~/.cache/deltaglider/corpus):
#   <series>-<version>.tgz  the tarball exactly as published on npm
#   <series>-<version>.tar  the same files as an uncompressed tar (sorted, owner 0)
#   <series>-<version>.zip  the same files repacked as a zip (per-entry deflate, fixed mtimes)
# Files already present are kept, so a second run costs nothing. Prints the series
# directory on stdout as its last line.
set -euo pipefail

usage() { sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

dir=${DG_CORPUS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/deltaglider/corpus}
if [ "${1:-}" = "-d" ]; then [ $# -ge 2 ] || usage; dir=$2; shift 2; fi
[ $# -ge 1 ] || usage

if [ "$1" = "--series" ]; then
  [ $# -eq 2 ] || usage
  case $2 in
    typescript) set -- typescript 5.4.2 5.4.3 5.4.4 5.4.5 5.5.2 5.5.3 5.5.4 5.6.2 ;;
    esbuild)    set -- @esbuild/linux-x64 0.20.0 0.20.1 0.20.2 0.21.0 0.21.1 0.21.2 0.21.3 0.21.4 ;;
    aws-sdk)    set -- aws-sdk 2.1600.0 2.1601.0 2.1602.0 2.1603.0 2.1604.0 2.1605.0 2.1606.0 2.1607.0 ;;
    semver)     set -- semver 7.5.0 7.5.1 7.5.2 7.5.3 7.5.4 7.6.0 7.6.1 7.6.2 7.6.3 7.7.0 7.7.1 7.7.2 ;;
    lodash)     set -- lodash 4.17.15 4.17.19 4.17.20 4.17.21 ;;  # ~1,050 small files
    semver-long) series_dir=semver-long; set -- semver 5.2.0 5.3.0 5.4.0 5.4.1 5.5.0 5.5.1 5.6.0 5.7.0 5.7.1 5.7.2 5.7.3 \
                   6.0.0 6.1.0 6.1.1 6.1.2 6.1.3 6.2.0 6.3.0 6.3.1 6.3.2 7.0.0 7.1.0 7.1.1 7.1.2 \
                   7.1.3 7.2.0 7.2.1 7.2.2 7.2.3 7.3.0 7.3.1 7.3.2 7.3.3 7.3.4 7.3.5 7.3.6 7.3.7 \
                   7.3.8 7.4.0 7.5.0 7.5.1 7.5.2 7.5.3 7.5.4 7.6.0 7.6.1 7.6.2 7.6.3 7.7.0 7.7.1 \
                   7.7.2 7.7.3 7.7.4 7.8.0 7.8.1 7.8.2 7.8.3 7.8.4 7.8.5 7.8.6 ;;  # 60 releases
    *) echo "fetch-corpus: unknown series '$2' (typescript, esbuild, aws-sdk, semver, semver-long, lodash)" >&2; exit 2 ;;
  esac
fi
[ $# -ge 2 ] || usage

for tool in npm tar zip; do
  command -v "$tool" >/dev/null || { echo "fetch-corpus: needs '$tool' (run scripts/install-deps.sh)" >&2; exit 1; }
done

pkg=$1; shift
series=$(printf '%s' "$pkg" | tr -d '@' | tr '/' '-')
series=${series#esbuild-}            # @esbuild/linux-x64 -> linux-x64
series=${series_dir:-$series}
out="$dir/$series"; mkdir -p "$out"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT

for v in "$@"; do
  base="$out/$series-$v"
  if [ ! -s "$base.tgz" ]; then
    echo "fetch-corpus: npm pack $pkg@$v" >&2
    (cd "$work" && npm pack --silent "$pkg@$v" >/dev/null 2>"$work/npm.err") ||
      { echo "fetch-corpus: npm pack $pkg@$v failed: $(tail -1 "$work/npm.err")" >&2; exit 1; }
    mv "$work"/*.tgz "$base.tgz.part" && mv "$base.tgz.part" "$base.tgz"
  fi
  if [ ! -s "$base.tar" ] || [ ! -s "$base.zip" ]; then
    rm -rf "$work/x"; mkdir -p "$work/x"
    tar -xzf "$base.tgz" -C "$work/x"
    find "$work/x" -exec touch -h -d '2020-01-01 00:00:00' {} +
    top=$(ls "$work/x" | head -1)
    tar --sort=name --owner=0 --group=0 --numeric-owner -cf "$base.tar.part" -C "$work/x" "$top"
    mv "$base.tar.part" "$base.tar"
    rm -f "$base.zip.part"
    (cd "$work/x/$top" && find . -type f | LC_ALL=C sort | zip -q -X -@ "$base.zip.part")
    mv "$base.zip.part" "$base.zip"
  fi
done
echo "$out"
