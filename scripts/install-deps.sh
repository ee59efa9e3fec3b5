#!/usr/bin/env bash
# Installs the Debian 12 packages deltaglider needs to build, test and benchmark.
# Idempotent: installs only what is missing (apt-get update first, as root or via sudo).
set -euo pipefail

packages=(
  g++ cmake ninja-build pkg-config ccache      # toolchain
  libssl-dev libzstd-dev zlib1g-dev liblzma-dev  # SHA256/MD5, zstd codec, VCDIFF LZMA sections
  libcurl4-openssl-dev                         # S3 adapter HTTP
  nlohmann-json3-dev libcli11-dev              # --json output, argument parsing
  libgtest-dev libgmock-dev                    # tests
  zip zstd xdelta3 time                        # corpus repacks and zip-patch tests, VCDIFF tests, --codec xdelta3, bench
  pigz                                         # gzip-patch tests on what pigz makes
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
command -v npm >/dev/null || missing+=(npm)   # fetches the corpus from the npm registry

command -v moto_server >/dev/null ||
  echo "install-deps: note: the S3 tests need moto_server (not in Debian): pip install 'moto[server]'" >&2

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo=sudo
fi
echo "install-deps: installing ${missing[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
