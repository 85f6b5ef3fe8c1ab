#!/bin/sh
# Apply-and-commit of 200 small feedback patches (verification off) by deployctl in one process, against a shell
# loop of `git apply --index` + `git commit` over an identical clone, in the same run.
# Usage: bench/feedback-apply.sh [COUNT] [RUNS] [WORKDIR]
#
# WORKDIR (default: a folder under $TMPDIR or /tmp) picks the file system. Both sides create a few files per change
# (deployctl: 3 git objects, index.lock, the branch's lock and the result record; the loop: about twice as many, plus
# two processes). On ext4 *without a journal* every new inode first skips all inodes freed in the last 30 s (or
# more), so there the figures depend on how much was deleted nearby just before; /dev/shm (tmpfs) or a journaled
# ext4 show the per-change work instead.
#
# Runs alternate which side goes first (the second side creates its files after the first side's deletions), and
# every run's folder is kept until all runs are done, so that no run pays for deleting the previous one's.
set -eu
cd "$(dirname "$0")/.."
count="${1:-200}"
runs="${2:-3}"
workdir="${3:-${TMPDIR:-/tmp}/deployctl-bench-feedback-$$}"
swift build -c release --product deployctl-bench --scratch-path .build >/dev/null
trap 'rm -rf "$workdir"' EXIT
i=1
while [ "$i" -le "$runs" ]; do
    echo "run $i of $runs"
    BENCH_KEEP=1 BENCH_LOOP_FIRST=$((1 - i % 2)) .build/release/deployctl-bench feedback-apply "$count" "$workdir/run-$i"
    i=$((i + 1))
done
