#!/usr/bin/env bash
# Scans every file a test run produced for the test tokens: scripts/scan-secrets.sh DIR
#
# DIR is the folder the suite ran with DEPLOYCTL_TEST_ARTIFACTS=DIR (scratch folders with their deploy roots, logs,
# state stores, feedback records, .git/config files, and captured-output/ of the built binary). The tokens are the
# string literals of TestSecrets.all in Tests/DeployTestSupport/TestSecrets.swift; each is looked for as it is, and
# base64-encoded as git's HTTP basic authentication sends it (user:token for the users TestSecrets names).
# SQLite files are scanned raw (text values are stored as they are). Compiler output (.build folders) and git's
# compressed object store are skipped: deployctl writes neither.
# Exits 0 when nothing is found, 1 naming every file that holds a token, 2 on bad usage.
set -euo pipefail

dir=${1:?usage: scripts/scan-secrets.sh DIR}
[ -d "$dir" ] || { echo "scan-secrets: no such folder: $dir" >&2; exit 2; }
here=$(cd "$(dirname "$0")/.." && pwd)
source_file="$here/Tests/DeployTestSupport/TestSecrets.swift"

# The literals of `all` (and the constants it names) from TestSecrets.swift.
mapfile -t tokens < <(sed -n '/static let gitToken\|static let forgeToken\|static let all/,/^    ]/p' "$source_file" |
    grep -o '"[^"]*"' | tr -d '"' | sort -u)
[ "${#tokens[@]}" -gt 0 ] || { echo "scan-secrets: no tokens found in $source_file" >&2; exit 2; }

patterns=$(mktemp)
trap 'rm -f "$patterns"' EXIT
for token in "${tokens[@]}"; do
    printf '%s\n' "$token"
    for user in x-access-token git ""; do
        printf '%s' "$user:$token" | base64 -w0
        printf '\n'
    done
done >"$patterns"

files=$(find "$dir" \( -name .build -o -path '*/objects/pack' \) -prune -o -type f -print | wc -l)
hits=$(find "$dir" \( -name .build -o -path '*/objects/pack' \) -prune -o -type f -print0 |
    xargs -0 -r grep -l -a -F -f "$patterns" -- 2>/dev/null || true)
if [ -n "$hits" ]; then
    echo "scan-secrets: test tokens found in $(printf '%s\n' "$hits" | wc -l) of $files files:" >&2
    while IFS= read -r file; do
        echo "  $file: $(grep -o -a -F -f "$patterns" -- "$file" | sort -u | tr '\n' ' ')" >&2
    done <<<"$hits"
    exit 1
fi
echo "scan-secrets: ${#tokens[@]} tokens (plus their basic-auth encodings) in $files files: 0 hits"
