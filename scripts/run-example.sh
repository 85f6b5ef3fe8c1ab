#!/bin/sh
# Builds and runs Examples/RunCycle, a separate package that imports DeployCore and runs one cycle on a scratch root.
# Exits non-zero unless the cycle passed. Used by CI to keep the public API usable from outside.
set -eu
cd "$(dirname "$0")/.."
SWIFT="${SWIFT:-./scripts/swift.sh}"
EXAMPLE=Examples/RunCycle
if ! "$SWIFT" build --package-path "$EXAMPLE" 2>"$EXAMPLE/.build-errors.txt"; then
    cat "$EXAMPLE/.build-errors.txt" >&2
    # SwiftPM keeps the build plan of a path dependency when one of its source files is deleted ("missing inputs");
    # drop the plan (not the built objects) and build once more.
    grep -q 'missing inputs' "$EXAMPLE/.build-errors.txt" || { rm -f "$EXAMPLE/.build-errors.txt"; exit 1; }
    rm -f "$EXAMPLE"/.build/*.yaml "$EXAMPLE"/.build/*/debug/description.json
    "$SWIFT" build --package-path "$EXAMPLE"
fi
rm -f "$EXAMPLE/.build-errors.txt"
exec "$SWIFT" run --skip-build --package-path "$EXAMPLE" RunCycle
