#!/usr/bin/env bash
# Benchmark: DeployBuild's streaming log parser on a large log (~500 MB) made only of real swift 6.3.1 output,
# printed beside `grep -c error:` on the same file in the same run, with peak memory for both.
#
# The seed is real compiler output: swift-argument-parser (from the local package mirror) built clean, then with
# injected errors (piped and under a pseudo-terminal), plus the captured test fixtures (XCTest, Swift Testing,
# crashes, linker and module errors). The seed is replicated to SIZE_MB.
#
# Usage: bench/parse-log.sh            (env: SIZE_MB=500, WORK=/tmp/deployctl-bench-parse-log, MIRROR=...)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=${WORK:-${TMPDIR:-/tmp}/deployctl-bench-parse-log}
SIZE_MB=${SIZE_MB:-500}
MIRROR=${MIRROR:-/opt/swift-packages/apple/swift-argument-parser.git}
mkdir -p "$WORK"
SEED="$WORK/seed.log"

if [ ! -s "$SEED" ]; then
    echo "== capturing real compiler output from $MIRROR"
    rm -rf "$WORK/sap"
    git clone --quiet "$MIRROR" "$WORK/sap"
    (
        cd "$WORK/sap"
        swift build --target ArgumentParser > "$WORK/clean.log" 2>&1 || true
        cat > Sources/ArgumentParser/InjectedErrors.swift <<'EOF'
func injectedMismatch() -> Int {
    let text: String = 42
    return text
}

func injectedUnknown() {
    undefinedInjectedFunction()
}

enum InjectedKind { case first, second }

func injectedSwitch(_ kind: InjectedKind) -> Int {
    switch kind {
    case .first: return 1
    }
}

@available(*, deprecated, message: "use injectedNew()")
func injectedOld() {}

func injectedWarnings() {
    injectedOld()
    var neverMutated = 1
    _ = neverMutated
}
EOF
        swift build --target ArgumentParser > "$WORK/broken-piped.log" 2>&1 || true
        script -qec "swift build --target ArgumentParser" /dev/null > "$WORK/broken-tty.log" 2>&1 || true
        rm Sources/ArgumentParser/InjectedErrors.swift
    )
    cat "$WORK/clean.log" "$WORK/broken-piped.log" "$WORK/broken-tty.log" \
        "$ROOT"/Tests/DeployBuildTests/Fixtures/*.txt > "$SEED"
fi

BIG="$WORK/big-${SIZE_MB}MB.log"
TARGET=$((SIZE_MB * 1000 * 1000))
if [ ! -f "$BIG" ] || [ "$(stat -c %s "$BIG")" -lt "$TARGET" ]; then
    echo "== replicating $(stat -c %s "$SEED")-byte seed to ${SIZE_MB} MB"
    CHUNK="$WORK/chunk.log"
    : > "$CHUNK"
    while [ "$(stat -c %s "$CHUNK")" -lt 8000000 ]; do cat "$SEED" >> "$CHUNK"; done
    : > "$BIG"
    while [ "$(stat -c %s "$BIG")" -lt "$TARGET" ]; do cat "$CHUNK" >> "$BIG"; done
fi
BYTES=$(stat -c %s "$BIG")

echo "== building deployctl-bench (release)"
(cd "$ROOT" && swift build -c release --product deployctl-bench > "$WORK/release-build.log" 2>&1) || {
    tail -20 "$WORK/release-build.log"
    exit 1
}
BENCH="$ROOT/.build/release/deployctl-bench"

cat "$BIG" > /dev/null # warm the page cache so both readers see the same conditions

echo "== file: $BIG ($BYTES bytes)"
echo "-- deployctl parser"
"$BENCH" parse-log "$BIG"

echo "-- grep -c error: (baseline)"
START=$(date +%s.%N)
if [ -x /usr/bin/time ]; then
    COUNT=$( { /usr/bin/time -f "%M %U %S" grep -c 'error:' "$BIG" 2> "$WORK/grep-mem"; } )
    read -r GREP_KB GREP_USER GREP_SYS < <(tail -1 "$WORK/grep-mem")
    GREP_PEAK="$GREP_KB kB"
    GREP_CPU=$(awk -v u="$GREP_USER" -v s="$GREP_SYS" 'BEGIN { printf "%.3f", u + s }')
else
    COUNT=$(grep -c 'error:' "$BIG")
    GREP_PEAK="n/a"
    GREP_CPU=0
fi
END=$(date +%s.%N)
awk -v b="$BYTES" -v s="$START" -v e="$END" -v c="$COUNT" -v m="$GREP_PEAK" -v cpu="$GREP_CPU" \
    'BEGIN { t = e - s; printf "grep bytes=%d seconds=%.3f MB/s=%.1f peakRSS=%s matchingLines=%d cpuSeconds=%.3f\n", b, t, b / 1e6 / t, m, c, cpu }'
