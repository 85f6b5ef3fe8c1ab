#!/bin/sh
# Builds and runs Examples/RunCycle, a separate package that imports DeployCore and runs one cycle on a scratch root.
# Exits non-zero unless the cycle passed. Used by CI to keep the public API usable from outside.
set -eu
cd "$(dirname "$0")/.."
SWIFT="${SWIFT:-./scripts/swift.sh}"
"$SWIFT" build --package-path Examples/RunCycle
exec "$SWIFT" run --skip-build --package-path Examples/RunCycle RunCycle
