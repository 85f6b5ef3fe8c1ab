#!/bin/sh
# Apply-and-commit of 200 small feedback patches (verification off) by deployctl in one process, against a shell
# loop of `git apply --index` + `git commit` over an identical clone, in the same run.
# Usage: bench/feedback-apply.sh [COUNT] [RUNS]
set -eu
cd "$(dirname "$0")/.."
count="${1:-200}"
runs="${2:-3}"
swift build -c release --product deployctl-bench --scratch-path .build >/dev/null
i=1
while [ "$i" -le "$runs" ]; do
    echo "run $i of $runs"
    .build/release/deployctl-bench feedback-apply "$count"
    i=$((i + 1))
done
