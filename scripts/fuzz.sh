#!/usr/bin/env bash
# Builds the libFuzzer targets of Fuzz/ (a package apart from the main one) and runs each for a bounded time.
#
#   scripts/fuzz.sh [SECONDS]          # default 20 seconds per target
#   FUZZ_TARGETS="patch env" scripts/fuzz.sh 60
#   FUZZ_PRODUCT=deployctl-fuzz-quick FUZZ_TARGETS="patch-headers push" FUZZ_SEED=1 scripts/fuzz.sh 20
#                                                 # the two built without DeployCore (what make test runs)
#
# FUZZ_SEED=N fixes libFuzzer's random seed: the same inputs are tried in the same order, so a bounded run finds
# nothing that a longer run with the same seed did not (make test uses it, so that CI's verdict is the commit's, not
# the dice's; explore with no seed, for longer, in a nightly or manual run).
#
# Seeds: Tests/FaultTests/Fixtures/fuzz-seeds/<target> and the kept regressions; the growing corpus and crash files go
# to $FUZZ_WORK (default .build-fuzz/work). A crasher is copied into Tests/FaultTests/Fixtures/fuzz-regressions/<target>/
# (replayed by the normal test suite from then on) and the script exits 1. Linux only (libFuzzer ships with the
# Linux toolchain); see docs/faults-and-fuzzing.md.
set -euo pipefail

seconds=${1:-20}
cd "$(dirname "$0")/.."
repo=$PWD
scratch=${FUZZ_SCRATCH:-$repo/.build-fuzz}
work=${FUZZ_WORK:-$scratch/work}
targets=${FUZZ_TARGETS:-feedback patch env log patch-headers push}
configuration=${FUZZ_CONFIGURATION:-release}
product=${FUZZ_PRODUCT:-deployctl-fuzz}
fixtures=$repo/Tests/FaultTests/Fixtures

build_start=$(date +%s)
# gold cannot link the instrumented binary ("internal error in format_file_lineno"); lld can.
mkdir -p "$scratch"
set +e
swift build --package-path Fuzz -c "$configuration" --product "$product" --scratch-path "$scratch" \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -Xclang-linker -Xswiftc -fuse-ld=lld >"$scratch/build.log" 2>&1
code=$?
set -e
# gold-style "Cannot export local symbol '__asan_…'" lines are harmless noise.
grep -v "Cannot export local symbol" "$scratch/build.log" | tail -20
[ "$code" -eq 0 ] || { echo "fuzz.sh: the build failed (exit $code); see $scratch/build.log" >&2; exit 2; }
binary=$(swift build --package-path Fuzz -c "$configuration" --product "$product" --scratch-path "$scratch" \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -Xclang-linker -Xswiftc -fuse-ld=lld --show-bin-path)/$product
[ -x "$binary" ] || { echo "fuzz.sh: the build produced no $binary" >&2; exit 2; }
echo "fuzz.sh: build took $(($(date +%s) - build_start)) s"

status=0
for target in $targets; do
    corpus=$work/corpus/$target
    artifacts=$work/artifacts/$target
    mkdir -p "$corpus" "$artifacts" "$fixtures/fuzz-regressions/$target"
    output=$work/$target.log
    # SWIFT_BACKTRACE=enable=no: Swift's backtracer would otherwise hold a crashing process open.
    set +e
    SWIFT_BACKTRACE=enable=no FUZZ_TARGET=$target "$binary" ${FUZZ_SEED:+-seed="$FUZZ_SEED"} \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=8192 -print_final_stats=1 \
        -artifact_prefix="$artifacts/" "$corpus" "$fixtures/fuzz-seeds/$target" \
        "$fixtures/fuzz-regressions/$target" >"$output" 2>&1
    code=$?
    set -e
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$output" | grep -o '[0-9]*$' || echo "?")
    echo "fuzz.sh: $target: $runs executions in $seconds s (exit $code)"
    if [ "$code" -ne 0 ]; then
        status=1
        for crash in "$artifacts"/crash-* "$artifacts"/timeout-* "$artifacts"/oom-*; do
            [ -e "$crash" ] || continue
            cp "$crash" "$fixtures/fuzz-regressions/$target/"
            echo "fuzz.sh: $target: kept $(basename "$crash") in Tests/FaultTests/Fixtures/fuzz-regressions/$target/"
        done
        grep -E "Fatal error|precondition|ERROR: AddressSanitizer|ERROR: libFuzzer" "$output" | head -5 || true
    fi
done
exit $status
