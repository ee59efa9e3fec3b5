#!/usr/bin/env bash
# The tests that exercise threads, built and run under ThreadSanitizer (build-tsan/):
# the core (DeltaService, gc, async sinks, the digest a put computes beside its
# encode), the conformance suite's concurrent
# create-only puts on the memory and file:// stores, the reference caches, the
# S3 adapter (parallel multipart parts, the shared client) against moto and the
# scripted server, and the CLI's tree commands with --jobs (the deltaglider binary
# is built with TSan too, so a race in a CLI child fails its test), and the
# archive codecs, which plan and rebuild on several threads, inflate zip entries
# ahead of their scan and share what they keep of the last reference between
# calls, and the deflater's guided run split over two threads.
# Any report fails the run (halt_on_error).
set -euo pipefail
cd "$(dirname "$0")/.."
tests=(src/core/dg_core_tests tests/dg_service_tests tests/dg_service_conformance_tests
       src/adapters/memory/dg_memory_tests
       src/adapters/fs/dg_fs_tests src/adapters/cache/dg_cache_tests src/adapters/s3/dg_s3_tests
       tests/dg_cli_tests src/codec/dg_codec_tests src/codec/deflate/dg_deflate_tests)
dir=$(scripts/build.sh --tsan deltaglider "${tests[@]##*/}")
export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 ${TSAN_OPTIONS:-}"
export DG_SOURCE_DIR=$PWD
for test in "${tests[@]}"; do
  filter='*'
  [ "${test##*/}" = dg_cli_tests ] && filter='CliTreeTest.*'
  [ "${test##*/}" = dg_service_conformance_tests ] && filter='*/memory:*/filesystem'
  [ "${test##*/}" = dg_codec_tests ] && filter='ZipDeltaCodec.*:GzipDeltaCodec.*:LastReference.*:ScanZip.*'
  [ "${test##*/}" = dg_deflate_tests ] && filter='ParseReuse.LongInputsSplitInsideASharedRun'
  echo "== $test ($filter)"
  "$dir/$test" --gtest_filter="$filter" --gtest_brief=1
done
echo "TSan: all clean"
