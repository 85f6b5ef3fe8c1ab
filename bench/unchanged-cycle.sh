#!/usr/bin/env bash
# An unchanged cycle over real, already built Swift packages: `deployctl run-once` (fetch everything, build nothing)
# against fetching alone (a shell loop of `git fetch`) and against what the seed did every minute (a shell loop of
# `git fetch` + `swift build` in each repository), all measured in the same run, best of 3 each.
# Targets (issue 7): the unchanged cycle costs at most 2x fetching alone, and is at least 20x cheaper than the loop.
#
# Usage: bench/unchanged-cycle.sh [COUNT]        (default COUNT=5)
#   The issue's figure is COUNT=50. The first cycle builds and tests every package (that is the "already built"
#   state), which for 50 real packages takes about an hour on 2 cores; 5 small ones take a few minutes.
#   Packages are cloned from the local mirror $MIRROR (default /opt/swift-packages/OWNER/NAME.git), small ones with
#   few or no dependencies first; their dependencies resolve offline because git reads github.com from the mirror.
# Environment:
#   MIRROR        the mirror folder (default /opt/swift-packages)
#   SCRATCH_PATH  SwiftPM scratch path for building deployctl in release (default .build)
#   BENCH_ROOT    a deploy root to use and keep (default: a temporary one, removed at exit); packages already in its
#                 repos/ are reused, so a second run over 50 packages skips the hour of first builds
#   FETCH_ONLY=1  measure only the first target (the unchanged cycle against fetching alone): a manifest gives every
#                 package `true` as its build and test command, so the first cycle takes seconds, not an hour, and
#                 the fetch + swift build loop is not run. An unchanged cycle builds nothing either way, so its cost
#                 is the same; use a BENCH_ROOT of its own (the manifest changes the recorded settings).
# Output: the table on stdout; progress, deployctl's own output and timings of every round on stderr.
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${1:-5}
MIRROR=${MIRROR:-/opt/swift-packages}
SCRATCH_PATH=${SCRATCH_PATH:-.build}
SWIFT="$PWD/scripts/swift.sh"
ROUNDS=3
export DISPATCHER_USE_PRS=0 GIT_TERMINAL_PROMPT=0
SETTINGS=(--set SWIFTPM_NUM_JOBS=2)
log() { echo "unchanged-cycle: $*" >&2; }
script_start=$(date +%s%N)

case "$COUNT" in '' | *[!0-9]* | 0) echo "usage: $0 [COUNT > 0]" >&2; exit 2 ;; esac

./scripts/swift.sh build -c release --product deployctl --scratch-path "$SCRATCH_PATH" >&2
DEPLOYCTL="$(./scripts/swift.sh build -c release --scratch-path "$SCRATCH_PATH" --show-bin-path)/deployctl"

if [ -n "${BENCH_ROOT:-}" ]; then
  ROOT=$BENCH_ROOT
  mkdir -p "$ROOT"
else
  ROOT=$(mktemp -d "${TMPDIR:-/tmp}/unchanged-cycle-bench.XXXXXX")
  trap 'rm -rf "$ROOT"' EXIT
fi
mkdir -p "$ROOT/repos"

# Small packages with no (or one small) dependency first, then the rest of the mirror, case duplicates removed.
PREFERRED=(
  apple/swift-log apple/swift-http-types apple/swift-asn1 apple/swift-metrics apple/swift-http-structured-headers
  apple/swift-service-context apple/swift-numerics apple/swift-distributed-tracing apple/swift-atomics
  apple/swift-system apple/swift-algorithms apple/swift-argument-parser
)
candidates() {
  for package in "${PREFERRED[@]}"; do echo "$MIRROR/$package.git"; done
  ls -d "$MIRROR"/*/*.git | sort
}
repos=()
seen=" "
while read -r remote && [ "${#repos[@]}" -lt "$COUNT" ]; do
  [ -d "$remote" ] || continue
  key=$(echo "${remote#"$MIRROR"/}" | tr '[:upper:]' '[:lower:]')
  case "$seen" in *" $key "*) continue ;; esac
  seen="$seen$key "
  name="$(basename "$(dirname "$remote")")-$(basename "$remote" .git)"
  dir="$ROOT/repos/$name"
  if [ ! -d "$dir/.git" ]; then
    git clone --quiet "$remote" "$dir" 2>/dev/null || { log "skipped $remote (clone failed)"; continue; }
  fi
  repos+=("$dir")
done < <(candidates)
[ "${#repos[@]}" -eq "$COUNT" ] || log "only ${#repos[@]} of $COUNT packages found in $MIRROR"
present=$(find "$ROOT/repos" -mindepth 1 -maxdepth 1 -type d | wc -l)
if [ "$present" -ne "${#repos[@]}" ]; then # deployctl manages every folder in repos/, the loops only these
  log "$ROOT/repos holds $present repositories, not the ${#repos[@]} measured: use a fresh BENCH_ROOT"
  exit 2
fi
log "deploy root $ROOT with ${#repos[@]} packages: $(cd "$ROOT/repos" && echo *)"
if [ "${FETCH_ONLY:-0}" = 1 ]; then
  entries=()
  for repo in "${repos[@]}"; do
    entries+=("{\"name\": \"$(basename "$repo")\", \"url\": \"$(git -C "$repo" remote get-url origin)\", \"build\": [\"true\"], \"test\": [\"true\"]}")
  done
  (IFS=,; echo "{\"repositories\": [${entries[*]}]}") > "$ROOT/deployctl.json"
  log "FETCH_ONLY=1: build and test commands are 'true'; the fetch + swift build loop is not measured"
fi

# The first cycle builds and tests everything. A package whose build or tests fail keeps that result and is
# unchanged afterwards, which is all the benchmark needs; only a usage or infrastructure failure stops it.
log "first cycle: build and test every package (this takes a while)"
first_start=$(date +%s%N)
first_status=0
"$DEPLOYCTL" run-once --root "$ROOT" "${SETTINGS[@]}" >&2 || first_status=$?
first_seconds=$(echo "($(date +%s%N) - $first_start) / 1000000000" | bc -l)
log "first cycle: exit $first_status in $(printf '%.0f' "$first_seconds") s"
case $first_status in 0 | 1) ;; *) log "first cycle failed (exit $first_status)"; exit 1 ;; esac

unchanged_cycle() {
  local status=0
  "$DEPLOYCTL" run-once --root "$ROOT" "${SETTINGS[@]}" --json >"$ROOT/last-cycle.json" 2>/dev/null || status=$?
  case $status in 0 | 1) ;; *) log "unchanged cycle failed (exit $status)"; exit 1 ;; esac
}
fetch_loop() {
  for repo in "${repos[@]}"; do git -C "$repo" fetch --quiet; done
}
seed_loop() {
  [ "${FETCH_ONLY:-0}" = 1 ] && return 0
  # A package that does not build fails here every time, as it did every minute under the seed.
  for repo in "${repos[@]}"; do
    git -C "$repo" fetch --quiet
    (cd "$repo" && "$SWIFT" build >/dev/null 2>&1) || true
  done
}

# One untimed pass of each warms the page cache and lets `swift build` settle after `swift test` left .build.
log "warm-up pass"
unchanged_cycle
fetch_loop
seed_loop

# Check the claim under test: the cycle built nothing.
if command -v jq >/dev/null; then
  log "outcomes of the warm-up cycle:" \
    "$(jq -r '[.record.repositories[].outcome] | group_by(.) | map("\(length) \(.[0])") | join(", ")' \
      "$ROOT/last-cycle.json" 2>/dev/null || echo "(no report)")"
fi

seconds() { # wall seconds of "$@"
  local start end
  start=$(date +%s%N); "$@"; end=$(date +%s%N)
  echo "($end - $start) / 1000000000" | bc -l
}
min() { echo "if ($1 < $2) $1 else $2" | bc -l; }
best_cycle=999999 best_fetch=999999 best_seed=999999
for round in $(seq "$ROUNDS"); do
  cycle=$(seconds unchanged_cycle); fetch=$(seconds fetch_loop); seed=$(seconds seed_loop)
  log "round $round: unchanged cycle $(printf '%.3f' "$cycle") s, fetch loop $(printf '%.3f' "$fetch") s," \
    "fetch + swift build loop $(printf '%.3f' "$seed") s"
  best_cycle=$(min "$best_cycle" "$cycle"); best_fetch=$(min "$best_fetch" "$fetch"); best_seed=$(min "$best_seed" "$seed")
done

over_fetch=$(echo "$best_cycle / $best_fetch" | bc -l)
cheaper=$(echo "$best_seed / $best_cycle" | bc -l)
verdict() { if [ "$(echo "$1" | bc -l)" = 1 ]; then echo met; else echo missed; fi; }
n=${#repos[@]}
printf 'figure | seconds | baseline | ratio | target\n'
printf 'deployctl run-once, unchanged (%d packages) | %.3f | %.3f s git fetch loop (fetch alone) | %.2fx the fetch | <= 2x: %s\n' \
  "$n" "$best_cycle" "$best_fetch" "$over_fetch" "$(verdict "$over_fetch <= 2")"
if [ "${FETCH_ONLY:-0}" != 1 ]; then
  printf 'deployctl run-once, unchanged (%d packages) | %.3f | %.3f s git fetch + swift build loop (the seed) | %.1fx cheaper | >= 20x: %s\n' \
    "$n" "$best_cycle" "$best_seed" "$cheaper" "$(verdict "$cheaper >= 20")"
fi
log "best of $ROUNDS each; first cycle (build + test) $(printf '%.0f' "$first_seconds") s;" \
  "whole script $(( ($(date +%s%N) - script_start) / 1000000000 )) s"
