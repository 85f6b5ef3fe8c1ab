#!/usr/bin/env bash
# Runs every benchmark and prints each figure beside its baseline, measured in the same run.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/swift.sh build -c release --product deployctl-bench >/dev/null
./scripts/swift.sh build -c release --product deployctl >/dev/null
status=0
for bench in bench/*.sh; do
    [ "$(basename "$bench")" = run-all.sh ] && continue
    echo "== $(basename "$bench" .sh)"
    "$bench" || status=1
done
exit $status
