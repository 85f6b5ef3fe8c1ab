#!/usr/bin/env bash
# Rollouts with a real service (a Python HTTP server on 127.0.0.1 that each release's deploy.sh starts):
#  1. from `git push` of a bad revision (it answers 500) to the old release answering healthy again, under
#     `deployctl loop` with DISPATCHER_INTERVAL=1, beside the time the same service takes to restart by hand
#     (its deploy.sh, then polling until it answers 200) in the same run;
#  2. an unchanged `deployctl run-once` over repositories with `deploy` blocks, beside the same root without them
#     (best of ROUNDS each, alternating): nothing changed, so a deploy block should cost nothing.
#
# Usage: bench/rollout.sh [REPOSITORIES] [ROUNDS]     (defaults 5 and 5)
# Environment:
#   DEPLOYCTL     a deployctl binary to use (default: built here with `swift build -c release`)
#   GATE_TIMEOUT  the health gate's timeout in seconds (default 3): what a bad revision costs before the rollback
# Output: the table on stdout; progress on stderr.
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${1:-5}
ROUNDS=${2:-5}
GATE_TIMEOUT=${GATE_TIMEOUT:-3}
log() { echo "rollout: $*" >&2; }
case "$COUNT$ROUNDS" in *[!0-9]*) echo "usage: $0 [REPOSITORIES] [ROUNDS]" >&2; exit 2 ;; esac
[ "$COUNT" -gt 0 ] && [ "$ROUNDS" -gt 0 ] || { echo "usage: $0 [REPOSITORIES > 0] [ROUNDS > 0]" >&2; exit 2; }
command -v python3 >/dev/null && command -v curl >/dev/null && command -v setsid >/dev/null || {
  echo "rollout: needs python3, curl and setsid" >&2
  exit 2
}

if [ -z "${DEPLOYCTL:-}" ]; then
  ./scripts/swift.sh build -c release --product deployctl >&2
  DEPLOYCTL="$(./scripts/swift.sh build -c release --show-bin-path)/deployctl"
fi
PYTHON=$(python3 -c 'import sys; print(sys.executable)')
WORK=$(mktemp -d "${TMPDIR:-/tmp}/rollout-bench.XXXXXX")
LOOP_PID=
cleanup() {
  [ -n "$LOOP_PID" ] && kill "$LOOP_PID" 2>/dev/null && wait "$LOOP_PID" 2>/dev/null
  for pidfile in "$WORK"/state-*/server.pid; do [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null; done
  rm -rf "$WORK"
}
trap cleanup EXIT
export GIT_TERMINAL_PROMPT=0 GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.invalid \
  GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.invalid
export DISPATCHER_USE_PRS=0 DISPATCHER_VERIFY_FEEDBACK=0 NO_COLOR=1

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
now() { date +%s.%N; }
calc() { python3 -c "print($1)"; }
elapsed() { python3 -c "print('%.3f' % ($2 - $1))"; }

# A revision of service NAME on PORT whose health check answers STATUS.
write_revision() { # folder port state status
  local folder=$1 port=$2 state=$3 status=$4
  cat >"$folder/server.py" <<'EOF'
import http.server, sys
class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        status = int(open('status.txt').read().strip())
        body = ('revision=%s status=%d\n' % (open('revision.txt').read().strip(), status)).encode()
        self.send_response(status)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
http.server.HTTPServer(('127.0.0.1', int(sys.argv[1])), Handler).serve_forever()
EOF
  cat >"$folder/deploy.sh" <<EOF
pidfile='$state/server.pid'
if [ -f "\$pidfile" ]; then
  old=\$(cat "\$pidfile"); kill "\$old" 2>/dev/null; i=0
  while [ \$i -lt 200 ]; do s=\$(ps -o stat= -p "\$old" 2>/dev/null); case "\$s" in ""|Z*) break ;; esac; sleep 0.01; i=\$((i+1)); done
fi
echo "\${DEPLOYCTL_REVISION:-by-hand}" > revision.txt
setsid '$PYTHON' server.py $port > server.log 2>&1 < /dev/null &
pid=\$!
echo \$pid > "\$pidfile"
while [ "\$(ps -o sid= -p \$pid | tr -d ' ')" = "\$\$" ]; do sleep 0.01; done
EOF
  echo "$status" >"$folder/status.txt"
}

# ROOT with COUNT repositories svc-1..N, each a bare remote and a checkout; svc-1's service answers on $PORT1.
ROOT=$WORK/root
mkdir -p "$ROOT/repos"
entries=
plain=
for i in $(seq 1 "$COUNT"); do
  name=svc-$i
  port=$(free_port)
  [ "$i" = 1 ] && PORT1=$port
  mkdir -p "$WORK/state-$i" "$WORK/seed-$i"
  git init -q --bare -b main "$WORK/$name.git"
  git init -q -b main "$WORK/seed-$i"
  write_revision "$WORK/seed-$i" "$port" "$WORK/state-$i" 200
  (cd "$WORK/seed-$i" && git add -A && git commit -q -m "$name 1" && git push -q "$WORK/$name.git" main)
  git clone -q "$WORK/$name.git" "$ROOT/repos/$name"
  entry="{\"name\": \"$name\", \"url\": \"$WORK/$name.git\", \"build\": [\"true\"], \"test\": [\"true\"]"
  plain="$plain${plain:+,}$entry}"
  entries="$entries${entries:+,}$entry,
    \"deploy\": {\"command\": [\"sh\", \"deploy.sh\"], \"health\": {\"url\": \"http://127.0.0.1:$port/healthz\"},
                \"timeout\": $GATE_TIMEOUT, \"interval\": 0.1}}"
done
echo "{\"repositories\": [$entries]}" >"$WORK/with-deploy.json"
echo "{\"repositories\": [$plain]}" >"$WORK/without-deploy.json"
cp "$WORK/with-deploy.json" "$ROOT/deployctl.json"

log "first cycle: deploying $COUNT services"
"$DEPLOYCTL" run-once --root "$ROOT" >/dev/null 2>&1
healthy() { curl -s --max-time 1 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$1/healthz" | grep -q 200; }
healthy "$PORT1" || { log "svc-1 is not healthy after its first deploy"; exit 1; }

# 2. Unchanged cycles, with and without deploy blocks, alternating (the first of each warms up).
best_with=999 best_without=999
for round in $(seq 0 "$ROUNDS"); do
  for variant in with without; do
    cp "$WORK/$variant-deploy.json" "$ROOT/deployctl.json"
    start=$(now)
    "$DEPLOYCTL" run-once --root "$ROOT" >/dev/null 2>&1
    seconds=$(elapsed "$start" "$(now)")
    log "round $round, unchanged cycle $variant deploy blocks: $seconds s"
    [ "$round" = 0 ] && continue
    if [ "$variant" = with ]; then
      best_with=$(calc "min($seconds, $best_with)")
    else
      best_without=$(calc "min($seconds, $best_without)")
    fi
  done
done
cp "$WORK/with-deploy.json" "$ROOT/deployctl.json"

# 1a. The baseline: svc-1 restarted by hand from its current release, until it answers 200.
release=$(readlink "$ROOT/deploy/current/svc-1")
best_hand=999
for round in $(seq 1 "$ROUNDS"); do
  start=$(now)
  (cd "$release" && DEPLOYCTL_REVISION=$(basename "$release") sh deploy.sh)
  until healthy "$PORT1"; do sleep 0.02; done
  seconds=$(elapsed "$start" "$(now)")
  log "round $round, restart by hand: $seconds s"
  best_hand=$(calc "min($seconds, $best_hand)")
done

# 1b. A bad revision pushed while the loop runs: the time until the old release answers healthy again.
good=$(git -C "$ROOT/repos/svc-1" rev-parse HEAD)
DISPATCHER_INTERVAL=1 "$DEPLOYCTL" loop --root "$ROOT" >"$WORK/loop.log" 2>&1 &
LOOP_PID=$!
sleep 2
write_revision "$WORK/seed-1" "$PORT1" "$WORK/state-1" 500
start=$(now)
(cd "$WORK/seed-1" && git commit -qam "svc-1 2: answers 500" && git push -q "$WORK/svc-1.git" main)
bad=$(git -C "$WORK/seed-1" rev-parse HEAD)
seen_bad=0
deadline=$(calc "$(now) + 60 + $GATE_TIMEOUT")
while :; do
  answer=$(curl -s --max-time 1 -w ' %{http_code}' "http://127.0.0.1:$PORT1/healthz" || true)
  case "$answer" in *"revision=$bad"*) seen_bad=1 ;; esac
  if [ "$seen_bad" = 1 ] && [ "${answer##* }" = 200 ] && echo "$answer" | grep -q "revision=$good"; then break; fi
  if [ "$(calc "int($(now) > $deadline)")" = 1 ]; then log "no rollback within the deadline: $answer"; exit 1; fi
  sleep 0.02
done
rollback=$(elapsed "$start" "$(now)")
kill "$LOOP_PID" && wait "$LOOP_PID" 2>/dev/null || true
LOOP_PID=
state=$("$DEPLOYCTL" status --root "$ROOT" --json | python3 -c 'import json,sys; print([r["deployment"]["state"] for r in json.load(sys.stdin)["repos"] if r["name"]=="svc-1"][0])')
[ "$state" = rolled-back ] || { log "svc-1 is $state, not rolled-back"; exit 1; }

printf '| figure | result | baseline (same run) | ratio |\n|---|---|---|---|\n'
printf '| push of a bad revision → old release healthy again (loop, interval 1 s, gate timeout %s s) | %s s (%s s beyond the timeout) | restart by hand %s s | %.1f× (beyond the timeout %.1f×) |\n' \
  "$GATE_TIMEOUT" "$rollback" "$(calc "round($rollback - $GATE_TIMEOUT, 3)")" "$best_hand" \
  "$(calc "$rollback / $best_hand")" "$(calc "($rollback - $GATE_TIMEOUT) / $best_hand")"
printf '| unchanged cycle, %s repositories with deploy blocks (best of %s) | %s s | without %s s | %.2f× |\n' \
  "$COUNT" "$ROUNDS" "$best_with" "$best_without" "$(calc "$best_with / $best_without")"
