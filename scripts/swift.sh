#!/usr/bin/env bash
# Runs the Swift toolchain as deployctl itself finds it: `xcrun swift` on macOS with Xcode, else `swift` on PATH.
if [ "$(uname -s)" = Darwin ] && command -v xcrun >/dev/null && xcrun --find swift >/dev/null 2>&1; then
    exec xcrun swift "$@"
fi
exec swift "$@"
