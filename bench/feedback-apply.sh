#!/bin/sh
# Apply-and-commit of 200 small feedback patches (verification off) by deployctl in one process, against a shell
# loop of `git apply --index` + `git commit` over an identical clone, in the same run.
# Usage: bench/feedback-apply.sh [COUNT] [RUNS] [WORKDIR]
# WORKDIR (default: a fresh temporary folder) picks the file system: both sides create about ten files per change,
# and on a busy ext4 each inode creation can cost milliseconds (ext4's recently-deleted-inode scan), which then
# dominates both sides; a tmpfs such as /dev/shm shows the per-change work instead.
set -eu
cd "$(dirname "$0")/.."
count="${1:-200}"
runs="${2:-3}"
workdir="${3:-}"
swift build -c release --product deployctl-bench --scratch-path .build >/dev/null
i=1
while [ "$i" -le "$runs" ]; do
    echo "run $i of $runs"
    if [ -n "$workdir" ]; then
        .build/release/deployctl-bench feedback-apply "$count" "$workdir"
    else
        .build/release/deployctl-bench feedback-apply "$count"
    fi
    i=$((i + 1))
done
