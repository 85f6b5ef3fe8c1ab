#!/usr/bin/env bash
# `deployctl status` over 50 repositories with 10,000 recorded cycles (target: under 100 ms), beside the cost of
# starting the binary at all (`deployctl --version`), measured in the same run.
set -euo pipefail
cd "$(dirname "$0")/.."
REPOS=${1:-50}
CYCLES=${2:-10000}
swift build -c release --product deployctl-bench >&2
swift build -c release --product deployctl >&2
BIN="$(swift build -c release --show-bin-path)"
ROOT=$(mktemp -d "${TMPDIR:-/tmp}/status-bench.XXXXXX")
trap 'rm -rf "$ROOT"' EXIT
"$BIN/deployctl-bench" status-fill "$ROOT" "$REPOS" "$CYCLES" >&2

best() { # best wall time in ms of 10 runs of "$@"
  local best=999999
  for _ in $(seq 10); do
    local start end ms
    start=$(date +%s%N); "$@" >/dev/null; end=$(date +%s%N)
    ms=$(( (end - start) / 1000000 )); [ "$ms" -lt "$best" ] && best=$ms
  done
  echo "$best"
}
status_ms=$(best "$BIN/deployctl" status --root "$ROOT")
json_ms=$(best "$BIN/deployctl" status --root "$ROOT" --json)
start_ms=$(best "$BIN/deployctl" --version)
printf '%-44s %10s %10s\n' "figure" "ms" "target"
printf '%-44s %10s %10s\n' "deployctl status ($REPOS repos, $CYCLES cycles)" "$status_ms" "< 100"
printf '%-44s %10s %10s\n' "deployctl status --json" "$json_ms" "< 100"
printf '%-44s %10s %10s\n' "baseline: deployctl --version (start-up)" "$start_ms" "-"
