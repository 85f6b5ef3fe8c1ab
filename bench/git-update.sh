#!/usr/bin/env bash
# No-change update of 50 real repositories: deployctl (libgit2, one process, bounded concurrency) against a shell loop
# of `git -C repo fetch` + `git merge --ff-only` over the same clones, in the same run.
# Usage: bench/git-update.sh [COUNT] [JOBS]     (clones come from the local mirror /opt/swift-packages/OWNER/NAME.git)
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${1:-50}
JOBS=${2:-8}
MIRROR=${MIRROR:-/opt/swift-packages}
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null GIT_TERMINAL_PROMPT=0

swift build -c release --product deployctl-bench >&2
BENCH="$(swift build -c release --show-bin-path)/deployctl-bench"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/git-update-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

repos=()
for remote in $(ls -d "$MIRROR"/*/*.git | sort | head -n "$COUNT"); do
  name="$(basename "$(dirname "$remote")")-$(basename "$remote" .git)"
  git clone --quiet "$remote" "$WORK/$name" 2>/dev/null || continue
  repos+=("$WORK/$name")
done
echo "repositories: ${#repos[@]} (from $MIRROR), jobs: $JOBS" >&2

now() { date +%s.%N; }

shell_loop() {
  for repo in "${repos[@]}"; do
    git -C "$repo" fetch --quiet
    git -C "$repo" merge --ff-only --quiet
  done
}

# Warm the page cache and both code paths once, then measure each in turn.
shell_loop
"$BENCH" git-update --jobs "$JOBS" "${repos[@]}" >/dev/null

start=$(now); shell_loop; end=$(now)
baseline=$(echo "$end - $start" | bc -l)
ours=$("$BENCH" git-update --jobs "$JOBS" "${repos[@]}" | tee /dev/stderr | awk '/^wall_seconds/ {print $2}')

printf 'figure | baseline | ratio\n'
printf '%.3f s (deployctl git-update, %d repos) | %.3f s (git fetch + merge --ff-only loop) | %.2f\n' \
  "$ours" "${#repos[@]}" "$baseline" "$(echo "$ours / $baseline" | bc -l)"
