#!/usr/bin/env bash
# `deltaglider stats` on a 10,000-object bucket on a local S3 server (moto_server,
# started here on a free port and stopped at the end): 100 version directories
# builds/v1.0.N/, each with 50 archives (lib<a..y>/tool<a..y>-1.0.N.zip, 2 KB,
# stored by deltaglider as deltas of 50 families) and 50 text files (stored
# direct), i.e. 5,000 .delta objects, 5,000 direct objects and 50 family
# references. Creating the bucket (one `deltaglider sync`) is not timed. Then:
#   aws s3 ls --recursive --summarize   the listing alone (baseline: what any
#                                       stats must at least do)
#   deltaglider stats --jobs 1          one HEAD per delta, one at a time (as before)
#   deltaglider stats --jobs 4          HEADs in parallel
#   deltaglider stats                   the default: 16 HEADs in flight
# twice: against moto directly (best of 3 runs), and through a proxy that delays
# every request by DG_BENCH_LATENCY_MS (default 10 ms, one run each), since a real
# S3 endpoint answers a HEAD in ~10-30 ms where moto, on this machine, answers in
# ~1 ms but one request at a time (it is single-process Python). Absolute times
# are moto's; the ratios are what this measures.
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
bases = {p + c: bytearray(rng.randbytes(2048)) for p in ("lib", "tool") for c in "abcdefghijklmnopqrstuvwxy"}
for n in range(1, 101):
    d = os.path.join(root, "builds", f"v1.0.{n}")
    os.makedirs(d)
    for c, base in bases.items():
        body = bytearray(base)
        body[n % 2000:n % 2000 + 8] = n.to_bytes(8, "little")
        open(os.path.join(d, f"{c}-1.0.{n}.zip"), "wb").write(body)
    for i in range(50):
        open(os.path.join(d, f"log-{i:02d}.txt"), "w").write(f"build {n} step {i}\n")
PY
"$dg" mb s3://stats-bench -q
"$dg" sync "$work/tree" s3://stats-bench/ -q --jobs 8
objects=$(aws --endpoint-url "$AWS_ENDPOINT_URL" s3 ls --recursive s3://stats-bench/ | wc -l)

latency_ms=${DG_BENCH_LATENCY_MS:-10}
proxy_port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
# A TCP proxy to moto that holds every chunk the client sends (each request on a
# keep-alive connection) for latency_ms before passing it on.
python3 - "$proxy_port" "$port" "$latency_ms" <<'PY' &
import asyncio, sys
listen, target, delay = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]) / 1000
async def pipe(reader, writer, wait):
    try:
        while data := await reader.read(65536):
            if wait: await asyncio.sleep(delay)
            writer.write(data)
            await writer.drain()
    finally:
        writer.close()
async def handle(client_r, client_w):
    server_r, server_w = await asyncio.open_connection("127.0.0.1", target)
    await asyncio.gather(pipe(client_r, server_w, True), pipe(server_r, client_w, False),
                         return_exceptions=True)
async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", listen)
    async with server: await server.serve_forever()
asyncio.run(main())
PY
proxy_pid=$!
trap 'kill "$proxy_pid" 2>/dev/null; kill "$moto_pid" 2>/dev/null && wait "$moto_pid" 2>/dev/null; rm -rf "$work"' EXIT
until curl -fs -o /dev/null "http://127.0.0.1:$proxy_port/moto-api/"; do sleep 0.2; done

now() { date +%s.%N; }
# best RUNS SECONDS of RUNS runs of the command
best() {
  local runs=$1 b=999999 t0 t1; shift
  for _ in $(seq "$runs"); do
    t0=$(now); "$@" >/dev/null; t1=$(now)
    b=$(awk "BEGIN{d=$t1-$t0; print (d<$b)?d:$b}")
  done
  printf '%.2f' "$b"
}
# times RUNS ENDPOINT: "aws jobs1 jobs4 default" seconds
times() {
  local runs=$1 url=$2
  echo "$(best "$runs" aws --endpoint-url "$url" s3 ls --recursive --summarize s3://stats-bench/)" \
       "$(best "$runs" "$dg" stats s3://stats-bench --jobs 1 --endpoint-url "$url")" \
       "$(best "$runs" "$dg" stats s3://stats-bench --jobs 4 --endpoint-url "$url")" \
       "$(best "$runs" "$dg" stats s3://stats-bench --endpoint-url "$url")"
}
read -r d_aws d_one d_4 d_def < <(times 3 "$AWS_ENDPOINT_URL")
read -r l_aws l_one l_4 l_def < <(times 1 "http://127.0.0.1:$proxy_port")
echo "stats-bench: $objects objects (5000 deltas, 5000 direct, 50 references); moto_server on 127.0.0.1:$port; $(nproc) cores"
printf '%-42s %10s %8s %14s %8s\n' '' 'moto s' 'vs j1' "+${latency_ms}ms/req s" 'vs j1'
row() {
  printf '%-42s %10s %8s %14s %8s\n' "$1" "$2" "$(awk "BEGIN{printf \"%.2fx\", $d_one/$2}")" \
         "$3" "$(awk "BEGIN{printf \"%.2fx\", $l_one/$3}")"
}
row 'aws s3 ls --recursive --summarize' "$d_aws" "$l_aws"
row 'deltaglider stats --jobs 1' "$d_one" "$l_one"
row 'deltaglider stats --jobs 4' "$d_4" "$l_4"
row 'deltaglider stats (default: 16 in flight)' "$d_def" "$l_def"
"$dg" stats s3://stats-bench | tail -1
