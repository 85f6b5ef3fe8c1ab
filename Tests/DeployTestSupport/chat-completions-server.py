#!/usr/bin/env python3
"""An OpenAI-compatible chat-completions server for tests, on 127.0.0.1, python3 standard library only.

Usage: chat-completions-server.py --key KEY --model MODEL [--max-bytes N] [--base /v1]
                                  [--redirect PREFIX=TARGET [--redirect-status N]]
Prints the port on the first line of stdout, then serves until killed.

Every request is CHECKED against the shapes OpenAI documents for `POST {base}/chat/completions`:
  - method POST and the path `{base}/chat/completions`;
  - `Authorization: Bearer KEY` (a wrong or missing key gets 401 with OpenAI's error body
    {"error": {"message", "type": "invalid_request_error", "param": null, "code": "invalid_api_key"}});
  - `Content-Type: application/json`; the body a JSON object with `model` (must be MODEL) and `messages`, a non-empty
    array of {"role": "system"|"user"|"assistant", "content": string}; no undocumented top-level field;
  - the messages' contents together at most --max-bytes UTF-8 bytes (the client's size budget).
Anything that does not conform is recorded as a violation (and still answered).

A request is a "commit" request when its system message asks for a commit message, else a "fix" request. Each kind
has a queue of scripted replies, set through the control endpoint; a reply is one of
  {"content": "text", "usage": {...}}      200, a `chat.completion` object with that assistant message (and that
                                           `usage`; without it, tokens are a quarter of the bytes)
  {"status": 429, "headers": {...}, "error": "text"}   that status with OpenAI's error body
  {"hang": seconds}                        accept the request and answer nothing for that long
  {"raw": "text"}                          200 with this body as is (a malformed answer)
An empty "commit" queue answers a fixed message; an empty "fix" queue answers 500 and records a violation.

With --redirect, a request whose path starts with PREFIX is not checked but answered with --redirect-status (default
307) and `Location: TARGET` + the rest of the path: a TARGET starting with "/" names this server (a same-origin
redirect), anything else another origin. Such requests are recorded under "redirected".

Control endpoints (not part of the API, not checked):
  POST /__control {"fix": [reply, ...], "commit": [reply, ...]}   appends to the queues
  GET  /__report  {"violations": [...], "requests": [{"kind", "bytes", "model", "messages", "status",
                   "authorization_ok", "authorization_present"}], "redirected": [{"method", "path",
                   "authorization_present"}]}
  ("authorization_present": the request carried an Authorization header, whatever its value.)
"""
import argparse, json, signal, sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

parser = argparse.ArgumentParser()
parser.add_argument("--key", required=True)
parser.add_argument("--model", required=True)
parser.add_argument("--max-bytes", type=int, default=1 << 30)
parser.add_argument("--base", default="/v1")
parser.add_argument("--redirect", default=None)
parser.add_argument("--redirect-status", type=int, default=307)
args = parser.parse_args()
REDIRECT_PREFIX, _, REDIRECT_TARGET = (args.redirect or "").partition("=")
signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM, signal.SIGINT])

LOCK = threading.Lock()
STATE = {"violations": [], "requests": [], "redirected": [], "fix": [], "commit": [], "next_id": 1}
DOCUMENTED_FIELDS = {
    "model", "messages", "temperature", "top_p", "n", "stream", "stop", "max_tokens", "max_completion_tokens",
    "presence_penalty", "frequency_penalty", "logit_bias", "user", "response_format", "seed", "tools",
    "tool_choice", "parallel_tool_calls", "logprobs", "top_logprobs", "store", "metadata", "reasoning_effort",
}
ROLES = {"system", "user", "assistant", "developer"}
DEFAULT_COMMIT_MESSAGE = "Apply the scripted change\n\nWritten by the test server's default commit reply."


def violation(text):
    with LOCK:
        STATE["violations"].append(text)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *_):
        pass

    def send_json(self, status, payload, headers=None):
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, str(value))
        self.end_headers()
        self.wfile.write(body)

    def read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def redirect(self):
        """Answers a request under --redirect's prefix with the redirect; False when the request is not one."""
        if not args.redirect or not self.path.startswith(REDIRECT_PREFIX):
            return False
        with LOCK:
            STATE["redirected"].append({"method": self.command, "path": self.path,
                                        "authorization_present": "Authorization" in self.headers})
        target = REDIRECT_TARGET
        if target.startswith("/"):
            target = f"http://127.0.0.1:{self.server.server_address[1]}{target}"
        self.send_response(args.redirect_status)
        self.send_header("Location", target + self.path[len(REDIRECT_PREFIX):])
        self.send_header("Content-Length", "0")
        self.end_headers()
        return True

    def do_GET(self):
        if self.path == "/__report":
            with LOCK:
                self.send_json(200, {"violations": STATE["violations"], "requests": STATE["requests"],
                                     "redirected": STATE["redirected"]})
            return
        if self.redirect():
            return
        violation(f"GET {self.path}: the API has no such operation")
        self.send_json(404, {"error": {"message": "not found", "type": "invalid_request_error", "param": None,
                                       "code": None}})

    def do_POST(self):
        raw = self.read_body()
        if self.path == "/__control":
            settings = json.loads(raw or b"{}")
            with LOCK:
                for kind in ("fix", "commit"):
                    STATE[kind].extend(settings.get(kind, []))
            self.send_json(200, {"ok": True})
            return
        if self.redirect():
            return
        if self.path != args.base.rstrip("/") + "/chat/completions":
            violation(f"POST {self.path}: not {args.base}/chat/completions")
            self.send_json(404, {"error": {"message": "unknown path", "type": "invalid_request_error",
                                           "param": None, "code": None}})
            return
        authorization_ok = self.headers.get("Authorization") == f"Bearer {args.key}"
        if not (self.headers.get("Content-Type") or "").startswith("application/json"):
            violation("Content-Type is not application/json")
        try:
            body = json.loads(raw)
        except ValueError:
            violation("the body is not JSON")
            body = {}
        if not isinstance(body, dict):
            violation("the body is not a JSON object")
            body = {}
        for field in body:
            if field not in DOCUMENTED_FIELDS:
                violation(f"undocumented field {field!r}")
        if body.get("model") != args.model:
            violation(f"model is {body.get('model')!r}, expected {args.model!r}")
        messages = body.get("messages")
        size = 0
        if not isinstance(messages, list) or not messages:
            violation("messages must be a non-empty array")
            messages = []
        for index, message in enumerate(messages):
            if not isinstance(message, dict) or message.get("role") not in ROLES \
                    or not isinstance(message.get("content"), str):
                violation(f"messages[{index}] is not {{role, content: string}}: {str(message)[:80]}")
                continue
            size += len(message["content"].encode())
        if size > args.max_bytes:
            violation(f"the messages hold {size} bytes; the budget is {args.max_bytes}")
        system = " ".join(m.get("content", "") for m in messages if isinstance(m, dict) and m.get("role") == "system")
        kind = "commit" if "commit message" in system.lower() else "fix"
        record = {"kind": kind, "bytes": size, "model": body.get("model"), "messages": messages,
                  "authorization_ok": authorization_ok, "authorization_present": "Authorization" in self.headers,
                  "status": None}
        with LOCK:
            STATE["requests"].append(record)
        if not authorization_ok:
            record["status"] = 401
            self.send_json(401, {"error": {"message": "Incorrect API key provided.", "type": "invalid_request_error",
                                           "param": None, "code": "invalid_api_key"}})
            return
        with LOCK:
            reply = STATE[kind].pop(0) if STATE[kind] else None
        if reply is None:
            if kind == "commit":
                reply = {"content": DEFAULT_COMMIT_MESSAGE}
            else:
                violation("a fix request with no scripted reply left")
                reply = {"status": 500, "error": "no scripted reply"}
        if "raw" in reply:
            record["status"] = 200
            body = reply["raw"].encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        if "hang" in reply:
            record["status"] = "hang"
            time.sleep(float(reply["hang"]))
            return
        status = int(reply.get("status", 200))
        record["status"] = status
        if status != 200:
            self.send_json(status, {"error": {"message": reply.get("error", "error"), "type": "requests",
                                              "param": None, "code": None}}, reply.get("headers"))
            return
        with LOCK:
            number = STATE["next_id"]
            STATE["next_id"] += 1
        content = reply["content"]
        scripted = reply.get("usage") or {}
        prompt_tokens = int(scripted.get("prompt_tokens", size // 4))
        completion_tokens = int(scripted.get("completion_tokens", len(content) // 4))
        usage = {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                 "total_tokens": prompt_tokens + completion_tokens}
        self.send_json(200, {
            "id": f"chatcmpl-test{number}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": args.model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content, "refusal": None},
                         "logprobs": None, "finish_reason": "stop"}],
            "usage": usage,
            "system_fingerprint": "fp_test",
        }, reply.get("headers"))


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
print(server.server_address[1], flush=True)
server.serve_forever()
