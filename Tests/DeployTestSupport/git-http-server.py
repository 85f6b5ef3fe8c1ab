#!/usr/bin/env python3
"""Smart-HTTP git server for tests: `git http-backend` (CGI) behind HTTP basic auth on 127.0.0.1.

Usage: git-http-server.py --root DIR --mode serve|hang|down|reset|slow [--delay SECONDS]
                          [--redirect PREFIX=TARGET --redirect-status N [--redirect-after-auth]]
       (token in the environment variable GIT_TEST_TOKEN)
Prints the port on the first line of stdout, then serves until killed.
  serve: every request needs basic auth whose password is the token (any user name); 401 otherwise.
  hang:  accepts connections and never answers.
  down:  prints a port on which nothing listens, then exits.
  reset: accepts each connection, reads the request and resets the connection (TCP RST, no answer).
  slow:  as serve, but every answer waits --delay seconds first and is then sent in small pieces.
  --redirect (serve and slow): a request whose path starts with PREFIX is answered with status --redirect-status
         (301, 302, 307, 308) and `Location: TARGET` + the rest of the path and query; a TARGET that starts with
         "/" names this server (a same-origin redirect, e.g. a renamed repository), anything else another origin.
         With --redirect-after-auth only requests that carry the token are redirected (others get 401 first).
Control (no auth): GET /__revoke makes every later request fail with 401, as when a token is revoked.
                   GET /__seen answers {"requests": [{"method", "path", "authorization", "status"}]}: every request
                   so far, whether it carried an Authorization header (of any kind) and what it was answered.
"""
import argparse, base64, json, os, signal, socket, struct, subprocess, sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

parser = argparse.ArgumentParser()
parser.add_argument("--root", required=True)
parser.add_argument("--mode", default="serve", choices=["serve", "hang", "down", "reset", "slow"])
parser.add_argument("--delay", type=float, default=1.0)
parser.add_argument("--redirect", default=None)
parser.add_argument("--redirect-status", type=int, default=302)
parser.add_argument("--redirect-after-auth", action="store_true")
args = parser.parse_args()
revoked = threading.Event()
seen_lock = threading.Lock()
seen = []
redirect_prefix, _, redirect_target = (args.redirect or "").partition("=")
token = os.environ.get("GIT_TEST_TOKEN", "")
# Test runners may start us with signals blocked (the mask is inherited); make SIGTERM work.
signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM, signal.SIGINT])


def announce(port):
    sys.stdout.write(f"{port}\n")
    sys.stdout.flush()


if args.mode == "down":
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    announce(port)
    sys.exit(0)

if args.mode == "hang":
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(64)
    announce(s.getsockname()[1])
    held = []
    while True:  # accept and hold every connection, never reading or answering
        conn, _ = s.accept()
        held.append(conn)

if args.mode == "reset":
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(64)
    announce(s.getsockname()[1])
    while True:  # read the request, then close with SO_LINGER 0: the client sees "connection reset by peer"
        conn, _ = s.accept()
        try:
            conn.settimeout(2)
            conn.recv(65536)
        except OSError:
            pass
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        conn.close()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def authorized(self):
        header = self.headers.get("Authorization", "")
        if not header.startswith("Basic "):
            return None
        try:
            user, _, password = base64.b64decode(header[6:]).decode().partition(":")
        except Exception:
            return None
        return user if token and password == token else None

    def body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            data = b""
            while True:
                size = int(self.rfile.readline().strip().split(b";")[0], 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return data
                data += self.rfile.read(size)
                self.rfile.readline()
        return self.rfile.read(int(self.headers.get("Content-Length", "0") or 0))

    def answer_json(self, value):
        payload = json.dumps(value).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def handle_any(self):
        if self.path == "/__revoke":
            revoked.set()
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if self.path == "/__seen":
            with seen_lock:
                self.answer_json({"requests": list(seen)})
            return
        record = {"method": self.command, "path": self.path, "authorization": "Authorization" in self.headers,
                  "status": None}
        with seen_lock:
            seen.append(record)
        user = None if revoked.is_set() else self.authorized()
        data = self.body()
        if args.redirect and self.path.startswith(redirect_prefix) and (user is not None or not args.redirect_after_auth):
            target = redirect_target
            if target.startswith("/"):
                target = f"http://127.0.0.1:{self.server.server_address[1]}{target}"
            record["status"] = args.redirect_status
            self.send_response(args.redirect_status)
            self.send_header("Location", target + self.path[len(redirect_prefix):])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if user is None:
            record["status"] = 401
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="git"')
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        path, _, query = self.path.partition("?")
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "GIT_PROJECT_ROOT": args.root,
            "GIT_HTTP_EXPORT_ALL": "1",
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": "/dev/null",
            "REQUEST_METHOD": self.command,
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "CONTENT_TYPE": self.headers.get("Content-Type", ""),
            "CONTENT_LENGTH": str(len(data)),
            "REMOTE_USER": user or "git",
            "REMOTE_ADDR": "127.0.0.1",
        }
        if self.headers.get("Content-Encoding"):
            env["HTTP_CONTENT_ENCODING"] = self.headers["Content-Encoding"]
        if self.headers.get("Git-Protocol"):
            env["GIT_PROTOCOL"] = self.headers["Git-Protocol"]
        out = subprocess.run(["git", "http-backend"], input=data, env=env, capture_output=True).stdout
        head, _, payload = out.partition(b"\r\n\r\n")
        if not _:
            head, _, payload = out.partition(b"\n\n")
        status = 200
        headers = []
        for line in head.decode("latin-1").splitlines():
            name, _, value = line.partition(":")
            if name.lower() == "status":
                status = int(value.strip().split()[0])
            elif name:
                headers.append((name, value.strip()))
        if args.mode == "slow":
            time.sleep(args.delay)
        record["status"] = status
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if args.mode == "slow":  # trickle the answer: 8 pieces spread over another --delay seconds
            piece = max(1, len(payload) // 8 + 1)
            for start in range(0, len(payload), piece):
                self.wfile.write(payload[start:start + piece])
                self.wfile.flush()
                time.sleep(args.delay / 8)
        else:
            self.wfile.write(payload)

    do_GET = handle_any
    do_POST = handle_any


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
announce(server.server_address[1])
server.serve_forever()
