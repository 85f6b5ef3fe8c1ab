#!/usr/bin/env bash
# The loop's HTTP face, measured on one root:
#  1. a push answered by the GitHub webhook against the same push found by polling (DISPATCHER_INTERVAL=60): from
#     `git push` to the loop having built the new commit (its build is `true`, so that is when the build started);
#  2. requests per second and p50/p99 latency of /api/v1/status and /metrics with CLIENTS concurrent clients while
#     cycles run (DISPATCHER_INTERVAL=1);
#  3. the unchanged cycle's mean time (the loop's own deployctl_cycle_duration_seconds) without that load and with it.
#
# Usage: bench/http.sh [REQUESTS] [CLIENTS]        (defaults 2000 and 32)
# Environment: DEPLOYCTL (a deployctl binary; default: built here with `swift build -c release`).
# Output: the table on stdout; progress on stderr.
set -euo pipefail
cd "$(dirname "$0")/.."
REQUESTS=${1:-2000}
CLIENTS=${2:-32}
case "$REQUESTS$CLIENTS" in *[!0-9]* | "") echo "usage: $0 [REQUESTS] [CLIENTS]" >&2; exit 2 ;; esac
log() { echo "http: $*" >&2; }
command -v python3 >/dev/null && command -v curl >/dev/null || { echo "http: needs python3 and curl" >&2; exit 2; }
if [ -z "${DEPLOYCTL:-}" ]; then
  ./scripts/swift.sh build -c release --product deployctl >&2
  DEPLOYCTL="$(./scripts/swift.sh build -c release --show-bin-path)/deployctl"
fi
WORK=$(mktemp -d "${TMPDIR:-/tmp}/http-bench.XXXXXX")
LOOP_PID=
stop_loop() { if [ -n "$LOOP_PID" ]; then kill "$LOOP_PID" 2>/dev/null; wait "$LOOP_PID" 2>/dev/null || true; LOOP_PID=; fi; }
trap 'stop_loop; rm -rf "$WORK"' EXIT
export GIT_TERMINAL_PROMPT=0 GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.invalid \
  GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.invalid
export DISPATCHER_USE_PRS=0 DISPATCHER_VERIFY_FEEDBACK=0 NO_COLOR=1
SECRET=bench-secret
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE=http://127.0.0.1:$PORT
ROOT=$WORK/root
now() { date +%s.%N; }

git init -q --bare -b main "$WORK/api.git"
git init -q -b main "$WORK/seed"
(cd "$WORK/seed" && echo 0 >counter && git add -A && git commit -qm "api 0" && git push -q "$WORK/api.git" main)
mkdir -p "$ROOT/repos"
git clone -q "$WORK/api.git" "$ROOT/repos/api"
echo "{\"repositories\": [{\"name\": \"api\", \"url\": \"$WORK/api.git\", \"build\": [\"true\"], \"test\": [\"true\"]}]}" \
  >"$ROOT/deployctl.json"

start_loop() { # interval
  DISPATCHER_WEBHOOK_SECRET=$SECRET "$DEPLOYCTL" loop --root "$ROOT" --interval "$1" --listen "127.0.0.1:$PORT" \
    >>"$WORK/loop.log" 2>&1 &
  LOOP_PID=$!
  until curl -s -o /dev/null -w '%{http_code}' "$BASE/readyz" | grep -q 200; do sleep 0.05; done
}
head_of_api() {
  curl -s "$BASE/api/v1/status" | python3 -c 'import json,sys; print([r.get("head") for r in json.load(sys.stdin)["repos"] if r["name"]=="api"][0])'
}
push() { # prints the new commit
  (cd "$WORK/seed" && echo "$(($(cat counter) + 1))" >counter && git commit -qam "api $(cat counter)" && git push -q "$WORK/api.git" main)
  git -C "$WORK/seed" rev-parse HEAD
}
until_built() { # commit
  until [ "$(head_of_api)" = "$1" ]; do sleep 0.05; done
}

# 1. Webhook against polling.
start_loop 60
sleep 1
start=$(now)
commit=$(push)
body="{\"ref\": \"refs/heads/main\", \"repository\": {\"full_name\": \"acme/api\", \"clone_url\": \"$WORK/api.git\"}}"
signature=$(printf '%s' "$body" | python3 -c "import hmac,hashlib,sys; print(hmac.new(b'$SECRET', sys.stdin.buffer.read(), hashlib.sha256).hexdigest())")
curl -s -o /dev/null -X POST -H 'X-GitHub-Event: push' -H "X-Hub-Signature-256: sha256=$signature" \
  -H 'Content-Type: application/json' --data-binary "$body" "$BASE/hooks/github"
until_built "$commit"
webhook=$(python3 -c "print('%.3f' % ($(now) - $start))")
log "push → built, webhook: $webhook s"
start=$(now)
commit=$(push)
until_built "$commit"
polling=$(python3 -c "print('%.3f' % ($(now) - $start))")
log "push → built, polling every 60 s: $polling s"
stop_loop

# 2. and 3. Load while cycles run every second.
start_loop 1
load() { # path
  python3 - "$BASE$1" "$REQUESTS" "$CLIENTS" <<'EOF'
import sys, time, http.client, urllib.parse, concurrent.futures, statistics
url, total, clients = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
parts = urllib.parse.urlsplit(url)
def worker(count):
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    latencies = []
    for _ in range(count):
        began = time.perf_counter()
        connection.request("GET", parts.path)
        answer = connection.getresponse()
        answer.read()
        if answer.status != 200:
            raise SystemExit("status %d" % answer.status)
        latencies.append(time.perf_counter() - began)
    connection.close()
    return latencies
began = time.perf_counter()
with concurrent.futures.ThreadPoolExecutor(clients) as pool:
    results = list(pool.map(worker, [total // clients] * clients))
elapsed = time.perf_counter() - began
latencies = sorted(l for r in results for l in r)
p99 = latencies[int(len(latencies) * 0.99) - 1]
print("%.0f %.1f %.1f" % (len(latencies) / elapsed, statistics.median(latencies) * 1000, p99 * 1000))
EOF
}
cycle_totals() { # the cycles' total time and count so far, from the loop's own histogram
  curl -s "$BASE/metrics" | python3 -c "
import sys
values = dict(line.rsplit(' ', 1) for line in sys.stdin.read().splitlines() if line and not line.startswith('#'))
print(values.get('deployctl_cycle_duration_seconds_sum', '0'), values.get('deployctl_cycle_duration_seconds_count', '0'))"
}
mean_since() { # sum count (from cycle_totals): the mean cycle time since then, and how many cycles
  read -r sum count <<<"$(cycle_totals)"
  python3 -c "d = $count - $2; print('%.3f %d' % ((($sum - $1) / d) if d else float('nan'), d))"
}
read -r idle_sum idle_n <<<"$(cycle_totals)"
sleep 8
read -r idle_cycle idle_count <<<"$(mean_since "$idle_sum" "$idle_n")"
read -r load_sum load_n <<<"$(cycle_totals)"
read -r status_rps status_p50 status_p99 <<<"$(load /api/v1/status)"
read -r metrics_rps metrics_p50 metrics_p99 <<<"$(load /metrics)"
read -r loaded_cycle loaded_count <<<"$(mean_since "$load_sum" "$load_n")"
stop_loop

printf '| figure | result | baseline (same run) |\n|---|---|---|\n'
printf '| push → built, GitHub webhook | %s s | polling every 60 s: %s s |\n' "$webhook" "$polling"
printf '| GET /api/v1/status, %s requests, %s clients, cycles every second | %s req/s, p50 %s ms, p99 %s ms | |\n' \
  "$REQUESTS" "$CLIENTS" "$status_rps" "$status_p50" "$status_p99"
printf '| GET /metrics, same load | %s req/s, p50 %s ms, p99 %s ms | |\n' "$metrics_rps" "$metrics_p50" "$metrics_p99"
printf '| unchanged cycle, mean (deployctl_cycle_duration_seconds) | %s s under load (%s cycles) | %s s idle (%s cycles) |\n' \
  "$loaded_cycle" "$loaded_count" "$idle_cycle" "$idle_count"
