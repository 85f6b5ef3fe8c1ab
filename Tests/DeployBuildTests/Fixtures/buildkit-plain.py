#!/usr/bin/env python3
"""Runs a command and prints its output the way Docker BuildKit's plain progress printer prints one RUN step
(docker build without a terminal): each line as `#STEP SECONDS TEXT` (seconds since the step started: 3 decimals
under 10 s, 2 under 100 s, else 1), then, when the command fails, `#STEP ERROR: …` and BuildKit's failure summary
(`------`, ` > NAME:`, the last 10 lines as `SECONDS TEXT`, `------`). Used by capture-fixtures.sh where no Docker
daemon runs; the output inside is the real toolchain's.
Usage: buildkit-plain.py STEP NAME COMMAND..."""
import subprocess, sys, time, collections
step, name, cmd = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
def stamp(dt):
    prec = 3 if dt < 10 else 2 if dt < 100 else 1
    return f"{dt:.{prec}f}"
start = time.monotonic()
print(f"#{step} {name}", flush=True)
last = collections.deque(maxlen=10)
proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
for raw in proc.stdout:
    text = raw.decode("utf-8", "replace").rstrip("\n")
    line = f"{stamp(time.monotonic() - start)} {text}"
    last.append(line)
    print(f"#{step} {line}", flush=True)
code = proc.wait()
shell = " ".join(cmd)
if code == 0:
    print(f"#{step} DONE {time.monotonic() - start:.1f}s")
    sys.exit(0)
print(f'#{step} ERROR: process "/bin/sh -c {shell}" did not complete successfully: exit code: {code}')
print("------")
print(f" > {name}:")
for line in last: print(line)
print("------")
sys.exit(code)
