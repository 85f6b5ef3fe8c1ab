#!/usr/bin/env bash
# Installs what deployctl needs beyond the Swift toolchain, only when it is missing:
# libgit2 (with its pkg-config file) and pkg-config; jq, which the handbook's runnable examples use; on Linux
# bubblewrap, the sandbox feedback verification runs in (docs/security.md; macOS has sandbox-exec); curl and
# Chromium, which the tests use to ask the loop's HTTP server and to open its dashboard as a person would
# (docs/http.md).
# Debian/Ubuntu through apt, macOS through Homebrew.
set -euo pipefail

sandbox_present() { [ "$(uname -s)" != Linux ] || command -v bwrap >/dev/null; }
browser_present() { [ "$(uname -s)" != Linux ] || command -v chromium >/dev/null; }
if pkg-config --exists libgit2 2>/dev/null && command -v jq >/dev/null && command -v curl >/dev/null \
    && sandbox_present && browser_present; then
    exit 0
fi

case "$(uname -s)" in
Linux)
    if ! command -v apt-get >/dev/null; then
        if pkg-config --exists libgit2 2>/dev/null && command -v jq >/dev/null; then
            echo "install-deps: bubblewrap (bwrap) is missing: verification runs without a sandbox until it is" \
                "installed (docs/security.md)" >&2
            exit 0
        fi
        echo "install-deps: libgit2 and pkg-config are missing and apt-get is not available;" \
            "install libgit2's development package and pkg-config with your package manager" >&2
        exit 1
    fi
    sudo=""
    if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
    echo "install-deps: installing libgit2-dev, pkg-config, jq, curl, bubblewrap and chromium through apt" >&2
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq libgit2-dev pkg-config jq curl bubblewrap chromium \
        >/dev/null
    ;;
Darwin)
    if ! command -v brew >/dev/null; then
        echo "install-deps: install Homebrew, then run: brew install libgit2 pkg-config jq" >&2
        exit 1
    fi
    brew install libgit2 pkg-config jq
    ;;
*)
    echo "install-deps: unsupported system $(uname -s); install libgit2 and pkg-config" >&2
    exit 1
    ;;
esac

pkg-config --exists libgit2 || { echo "install-deps: libgit2 still not found by pkg-config" >&2; exit 1; }
