#!/usr/bin/env bash
# Benchmark: what the verification sandbox (bubblewrap) costs per step: the median of a no-op `swift build` of the
# bundled hello-service package, already built, with and without the sandbox, alternating, in the same run.
#
# Usage: bench/sandbox-cost.sh [RUNS]     (default 10)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${1:-10}
(cd "$ROOT" && ./scripts/swift.sh build -c release --product deployctl-bench >/dev/null)
"$ROOT/.build/release/deployctl-bench" sandbox-cost "$ROOT/repos/hello-service" "$RUNS"
