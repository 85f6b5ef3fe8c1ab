#!/usr/bin/env python3
"""A GitHub- or Gitea-like REST server for contract tests, on 127.0.0.1, python3 standard library only.

Usage: forge-contract-server.py --contracts DIR --flavor github|gitea --token TOKEN [--git-root DIR]
Prints the port on the first line of stdout, then serves until killed.

Every request to the API is CHECKED against the published API description in DIR
(`github-pulls.openapi.json` or `gitea-pulls.swagger.json`): the method and path must match an operation, path and
query parameters must have the declared types and enum values, the JSON body must validate against the operation's
schema (required fields, types, enums, and no undeclared fields), and the Authorization header must have the forge's
form (GitHub: `Bearer <token>` or `token <token>`, plus `Accept: application/vnd.github+json` and
`X-GitHub-Api-Version: 2022-11-28`; Gitea: `token <token>`). Every answer body is generated from, and validated
against, the response schema. Anything that does not conform is recorded as a violation.

Pull requests live in memory. With --git-root, repository `OWNER/NAME` is the bare repository `DIR/NAME.git`: a
pull request's head sha is read from it, and a merge fast-forwards the base branch there.

Control endpoints (not part of the API, not checked):
  POST /__control  JSON, any of:
    {"inject": [{"method": "GET", "path": "/repos/o/r/pulls/1", "status": 503, "times": 1,
                 "headers": {...}, "json": {...} | "raw": "text" | "hang": seconds}]}
        answers the next `times` matching requests (path without the API base; "*" matches any path) this way,
        before any checking of the scenario state (the request is still validated).
    {"merge_after_polls": N}  pull requests created from now on merge on their N-th GET (0: never)
    {"close_after_polls": N}  ... close unmerged on their N-th GET
    {"seed": {"owner": "o", "repo": "r", "head": "b", "base": "main", "state": "open"}}  an existing pull request
    {"created_at": "2026-01-01T00:00:00Z"}  the creation time of pull requests opened from now on (default: now)
  GET /__report   {"violations": [...], "requests": [{"method", "path", "query", "body", "status"}], "pulls": [...],
                   "comments": [...], "statuses": [...]}
A request whose Authorization header has the right form but not the token gets 401 {"message": "Bad credentials"}.
"""
import argparse, json, os, re, signal, subprocess, sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit, parse_qsl

parser = argparse.ArgumentParser()
parser.add_argument("--contracts", required=True)
parser.add_argument("--flavor", required=True, choices=["github", "gitea"])
parser.add_argument("--token", required=True)
parser.add_argument("--git-root")
args = parser.parse_args()
signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM, signal.SIGINT])

GITHUB = args.flavor == "github"
SPEC_FILE = "github-pulls.openapi.json" if GITHUB else "gitea-pulls.swagger.json"
with open(os.path.join(args.contracts, SPEC_FILE)) as f:
    SPEC = json.load(f)
BASE = "" if GITHUB else SPEC.get("basePath", "/api/v1").rstrip("/")
LOCK = threading.RLock()
STATE = {"violations": [], "requests": [], "inject": [], "pulls": [], "merge_after": 0, "close_after": 0,
         "next_number": 1, "comments": [], "statuses": []}


def violation(text):
    with LOCK:
        STATE["violations"].append(text)


# ---------------------------------------------------------------- schemas

def resolve(schema):
    seen = 0
    while isinstance(schema, dict) and "$ref" in schema:
        node = SPEC
        for part in schema["$ref"].lstrip("#/").split("/"):
            node = node[part]
        schema = node
        seen += 1
        if seen > 50:
            raise ValueError("$ref loop")
    return schema


def nullable(schema):
    return bool(schema.get("nullable") or schema.get("x-nullable"))


def type_ok(kind, value):
    if kind == "string":
        return isinstance(value, str)
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "array":
        return isinstance(value, list)
    if kind == "object":
        return isinstance(value, dict)
    return True


def validate(schema, value, where, errors, strict=False):
    """Appends to `errors` every way `value` fails `schema` (strict: undeclared object fields are errors)."""
    schema = resolve(schema)
    if value is None:
        if nullable(schema) or not schema:
            return
        if "anyOf" in schema or "oneOf" in schema:
            if any(value is None or nullable(resolve(s)) for s in schema.get("anyOf", schema.get("oneOf", []))):
                return
        errors.append(f"{where}: null is not allowed")
        return
    for sub in schema.get("allOf", []):
        validate(sub, value, where, errors)
    alternatives = schema.get("anyOf") or schema.get("oneOf")
    if alternatives:
        if not any(not collect(alt, value, where) for alt in alternatives):
            errors.append(f"{where}: matches none of the alternatives")
    kind = schema.get("type")
    if isinstance(kind, list):
        if not any(type_ok(k, value) for k in kind):
            errors.append(f"{where}: {json.dumps(value)[:40]} is not {kind}")
            return
    elif kind and not type_ok(kind, value):
        errors.append(f"{where}: {json.dumps(value)[:40]} is not of type {kind}")
        return
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{where}: {json.dumps(value)[:40]} is not one of {schema['enum']}")
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        for name in schema.get("required", []):
            if name not in value:
                errors.append(f"{where}: required field '{name}' is missing")
        for name, item in value.items():
            if name in properties:
                validate(properties[name], item, f"{where}.{name}", errors, strict)
            elif isinstance(schema.get("additionalProperties"), dict):
                validate(schema["additionalProperties"], item, f"{where}.{name}", errors, strict)
            elif strict or schema.get("additionalProperties") is False:
                if properties or schema.get("additionalProperties") is False:
                    errors.append(f"{where}: field '{name}' is not declared")
    if isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            validate(schema["items"], item, f"{where}[{index}]", errors, strict)


def collect(schema, value, where):
    errors = []
    validate(schema, value, where, errors)
    return errors


def instance(schema, depth=0):
    """A small value that validates against `schema`: required fields only, nullable references as null."""
    if isinstance(schema, dict) and "$ref" in schema:
        target = resolve(schema)
        if nullable(target) and depth > 0:
            return None
        schema = target
    if "allOf" in schema:
        merged = {}
        for sub in schema["allOf"]:
            value = instance(sub, depth)
            if isinstance(value, dict):
                merged.update(value)
        return merged
    if "anyOf" in schema or "oneOf" in schema:
        return instance((schema.get("anyOf") or schema.get("oneOf"))[0], depth)
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = [k for k in kind if k != "null"][0]
    if kind == "object" or (kind is None and "properties" in schema):
        properties = schema.get("properties", {})
        return {name: instance(properties.get(name, {}), depth + 1) for name in schema.get("required", [])}
    if kind == "array":
        return []
    if kind == "integer":
        return 1
    if kind == "number":
        return 1.0
    if kind == "boolean":
        return False
    if kind == "string":
        fmt = schema.get("format")
        if fmt == "date-time":
            return "2026-01-01T00:00:00Z"
        if fmt in ("uri", "url"):
            return "https://forge.invalid/x"
        return "x"
    return None


def overlay(value, changes):
    for key, item in changes.items():
        if isinstance(item, dict) and isinstance(value.get(key), dict):
            overlay(value[key], item)
        else:
            value[key] = item
    return value


# ---------------------------------------------------------------- operations

OPERATIONS = []  # (method, regex, template, operation)
for template, item in SPEC["paths"].items():
    shared = item.get("parameters", [])
    for method, op in item.items():
        if method == "parameters":
            continue
        pattern = "^" + re.sub(r"\\\{[^}]+\\\}", "([^/]+)", re.escape(template)) + "$"
        names = re.findall(r"\{([^}]+)\}", template)
        params = [resolve(p) for p in shared + op.get("parameters", [])]
        OPERATIONS.append((method.upper(), re.compile(pattern), template, names, params, op))


def find_operation(method, path):
    for m, regex, template, names, params, op in OPERATIONS:
        match = regex.match(path)
        if match and m == method:
            return template, dict(zip(names, match.groups())), params, op
    return None


def param_schema(param):
    return param.get("schema") or {k: v for k, v in param.items() if k in ("type", "enum", "format", "items")}


def check_value(schema, raw, where):
    schema = resolve(schema)
    kind = schema.get("type")
    value = raw
    if kind == "integer":
        if not re.fullmatch(r"-?\d+", raw):
            violation(f"{where}: {raw!r} is not an integer")
            return
        value = int(raw)
    if "enum" in schema and value not in schema["enum"]:
        violation(f"{where}: {raw!r} is not one of {schema['enum']}")


def check_request(method, path, query, headers, body_bytes):
    """Validates one API request against the description; returns (template, path params, operation) or None."""
    label = f"{method} {path}"
    found = find_operation(method, path)
    if not found:
        violation(f"{label}: no such operation in {SPEC_FILE}")
        return None
    template, path_params, params, op = found
    label = f"{method} {template} ({op.get('operationId')})"
    auth = headers.get("Authorization", "")
    if GITHUB:
        if not re.fullmatch(r"(Bearer|token) [^\s]+", auth):
            violation(f"{label}: Authorization header is not 'Bearer <token>' / 'token <token>'")
        if headers.get("Accept") != "application/vnd.github+json":
            violation(f"{label}: Accept is {headers.get('Accept')!r}, not application/vnd.github+json")
        if headers.get("X-GitHub-Api-Version") != "2022-11-28":
            violation(f"{label}: X-GitHub-Api-Version is {headers.get('X-GitHub-Api-Version')!r}")
    elif not re.fullmatch(r"token [^\s]+", auth):
        violation(f"{label}: Authorization header is not 'token <token>'")
    if "token" in dict(query) or "access_token" in dict(query):
        violation(f"{label}: token in the query string")
    declared = {p["name"]: p for p in params}
    for p in params:
        if p.get("in") == "path":
            check_value(param_schema(p), path_params.get(p["name"], ""), f"{label}: path parameter {p['name']}")
    for name, raw in query:
        p = declared.get(name)
        if not p or p.get("in") != "query":
            violation(f"{label}: query parameter {name!r} is not declared")
            continue
        schema = param_schema(p)
        if resolve(schema).get("type") == "array":
            schema = resolve(schema).get("items", {})
        check_value(schema, raw, f"{label}: query parameter {name}")
    body_schema = None
    if "requestBody" in op:
        body_schema = op["requestBody"]["content"]["application/json"]["schema"]
    for p in params:
        if p.get("in") == "body":
            body_schema = p["schema"]
    body = None
    if body_schema is not None:
        if headers.get("Content-Type", "").split(";")[0].strip() != "application/json":
            violation(f"{label}: Content-Type is {headers.get('Content-Type')!r}, not application/json")
        try:
            body = json.loads(body_bytes.decode("utf-8"))
        except Exception as error:
            violation(f"{label}: the body is not JSON ({error})")
            body = None
        if body is not None:
            for error in collect_strict(body_schema, body, "body"):
                violation(f"{label}: {error}")
    elif body_bytes:
        violation(f"{label}: a body was sent to an operation that takes none")
    return template, path_params, op, body


def collect_strict(schema, value, where):
    errors = []
    validate(schema, value, where, errors, strict=True)
    return errors


def response_schema(op, status):
    response = op.get("responses", {}).get(str(status))
    if response is None:
        return None
    response = resolve(response)
    if "content" in response:
        return response["content"].get("application/json", {}).get("schema")
    return response.get("schema")


# ---------------------------------------------------------------- state

def git(*arguments):
    result = subprocess.run(["git", *arguments], capture_output=True, text=True)
    return result.returncode, result.stdout.strip()


def bare(repo):
    if not args.git_root:
        return None
    path = os.path.join(args.git_root, f"{repo}.git")
    return path if os.path.isdir(path) else None


def branch_sha(repo, branch):
    path = bare(repo)
    if not path:
        return None
    code, out = git("--git-dir", path, "rev-parse", "--verify", "--quiet", f"refs/heads/{branch}")
    return out if code == 0 else None


def new_pull(owner, repo, head, base, title, body, state="open"):
    with LOCK:
        number = STATE["next_number"]
        STATE["next_number"] += 1
        pull = {"owner": owner, "repo": repo, "number": number, "head": head, "base": base, "title": title,
                "body": body, "state": state, "merged": False, "polls": 0,
                "head_sha": branch_sha(repo, head) or "%040x" % (number * 7919),
                "merge_after": STATE["merge_after"], "close_after": STATE["close_after"], "merge_sha": None,
                "created_at": STATE.get("created_at") or time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
        STATE["pulls"].append(pull)
        return pull


def merge(pull):
    path = bare(pull["repo"])
    sha = pull["head_sha"]
    if path:
        sha = branch_sha(pull["repo"], pull["head"]) or sha
        old = branch_sha(pull["repo"], pull["base"])
        code, _ = git("--git-dir", path, "merge-base", "--is-ancestor", old or sha, sha)
        if code != 0:
            return  # not a fast-forward: stays open
        git("--git-dir", path, "update-ref", f"refs/heads/{pull['base']}", sha, old or "")
    pull.update(state="closed", merged=True, merge_sha=sha, head_sha=sha)


def poll(pull):
    pull["polls"] += 1
    if pull["state"] != "open":
        return
    if pull["merge_after"] and pull["polls"] >= pull["merge_after"]:
        merge(pull)
    elif pull["close_after"] and pull["polls"] >= pull["close_after"]:
        pull["state"] = "closed"


def find_pull(owner, repo, number):
    for pull in STATE["pulls"]:
        if pull["owner"] == owner and pull["repo"] == repo and pull["number"] == number:
            return pull
    return None


# ---------------------------------------------------------------- bodies

def github_pull_json(pull, schema_name="pull-request"):
    user = {"login": pull["owner"], "id": 1, "type": "User"}
    value = instance({"$ref": f"#/components/schemas/{schema_name}"})
    url = f"https://forge.invalid/{pull['owner']}/{pull['repo']}/pull/{pull['number']}"
    changes = {"number": pull["number"], "id": pull["number"], "title": pull["title"], "body": pull["body"],
               "created_at": pull["created_at"], "updated_at": pull["created_at"],
               "state": pull["state"], "html_url": url, "merged_at": "2026-01-02T00:00:00Z" if pull["merged"] else None,
               "merge_commit_sha": pull["merge_sha"], "closed_at": None if pull["state"] == "open" else "2026-01-02T00:00:00Z",
               "head": {"ref": pull["head"], "sha": pull["head_sha"], "label": f"{pull['owner']}:{pull['head']}"},
               "base": {"ref": pull["base"], "sha": "0" * 40, "label": f"{pull['owner']}:{pull['base']}"}}
    if schema_name == "pull-request":
        changes.update(merged=pull["merged"], mergeable=None)
    overlay(value, changes)
    if isinstance(value.get("user"), dict):
        overlay(value["user"], {k: v for k, v in user.items() if k in value["user"]})
    return value


def gitea_pull_json(pull):
    return {"number": pull["number"], "id": pull["number"], "title": pull["title"], "body": pull["body"],
            "state": pull["state"], "merged": pull["merged"],
            "html_url": f"https://forge.invalid/{pull['owner']}/{pull['repo']}/pulls/{pull['number']}",
            "merge_commit_sha": pull["merge_sha"] or "", "mergeable": True,
            "head": {"ref": pull["head"], "sha": pull["head_sha"], "label": pull["head"]},
            "base": {"ref": pull["base"], "sha": "0" * 40, "label": pull["base"]},
            "created_at": pull["created_at"], "updated_at": pull["created_at"]}


def error_json(status, message):
    if not GITHUB:
        return {"message": message, "url": "https://forge.invalid/api/swagger"}
    if status == 422:
        return {"message": "Validation Failed", "documentation_url": "https://docs.github.com/rest",
                "errors": [{"resource": "PullRequest", "code": "custom", "message": message}]}
    return {"message": message, "documentation_url": "https://docs.github.com/rest", "status": str(status)}


# ---------------------------------------------------------------- handler

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def do_GET(self):
        self.handle_any("GET")

    def do_POST(self):
        self.handle_any("POST")

    def do_PUT(self):
        self.handle_any("PUT")

    def do_PATCH(self):
        self.handle_any("PATCH")

    def do_DELETE(self):
        self.handle_any("DELETE")

    def send(self, status, value=None, raw=None, headers=None, op=None, label=""):
        if raw is not None:
            data = raw.encode()
        elif value is not None:
            data = json.dumps(value).encode()
            if op is not None and 200 <= status < 300:
                schema = response_schema(op, status)
                if schema is None:
                    violation(f"{label}: answered {status}, which the description does not list")
                else:
                    for error in collect(schema, value, f"response {status}"):
                        violation(f"{label}: {error}")
        else:
            data = b""
        self.send_response(status)
        for name, item in (headers or {}).items():
            self.send_header(name, str(item))
        if data or status not in (204, 304):
            self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        if getattr(self, "record", None) is not None:
            with LOCK:
                self.record["status"] = status

    def handle_any(self, method):
        split = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body_bytes = self.rfile.read(length) if length else b""
        if split.path == "/__report":
            with LOCK:
                data = json.dumps({k: STATE[k] for k in ("violations", "requests", "pulls", "comments", "statuses")})
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data.encode())
            return
        if split.path == "/__control":
            self.control(json.loads(body_bytes or b"{}"))
            self.send_response(204)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        query = parse_qsl(split.query, keep_blank_values=True)
        self.record = {"method": method, "path": split.path, "query": dict(query),
                       "body": body_bytes.decode("utf-8", "replace"), "status": None}
        with LOCK:
            STATE["requests"].append(self.record)
        if not split.path.startswith(BASE + "/"):
            violation(f"{method} {split.path}: outside the API base {BASE or '/'}")
            return self.send(404, error_json(404, "Not Found"))
        path = split.path[len(BASE):]
        checked = check_request(method, path, query, self.headers, body_bytes)
        auth = self.headers.get("Authorization", "")
        if auth.split(" ", 1)[-1] != args.token:  # right form, wrong token: what the forges answer
            return self.send(401, error_json(401, "Bad credentials"))
        injected = self.take_injection(method, path)
        if injected:
            if injected.get("hang"):
                time.sleep(float(injected["hang"]))
                return
            return self.send(injected.get("status", 200), value=injected.get("json"), raw=injected.get("raw"),
                             headers=injected.get("headers"))
        if checked is None:
            return self.send(404, error_json(404, "Not Found"))
        template, params, op, body = checked
        label = f"{method} {template}"
        try:
            self.route(method, template, params, dict(query), body or {}, op, label)
        except Exception as error:  # a bug here must not look like a forge answer
            violation(f"{label}: server error {error!r}")
            self.send(500, error_json(500, "test server bug"))

    def take_injection(self, method, path):
        with LOCK:
            for rule in STATE["inject"]:
                if rule["method"] == method and rule["path"] in (path, "*") and rule.get("times", 1) > 0:
                    rule["times"] = rule.get("times", 1) - 1
                    return rule
        return None

    def control(self, settings):
        with LOCK:
            STATE["inject"] += settings.get("inject", [])
            if "merge_after_polls" in settings:
                STATE["merge_after"] = settings["merge_after_polls"]
            if "close_after_polls" in settings:
                STATE["close_after"] = settings["close_after_polls"]
            if "created_at" in settings:
                STATE["created_at"] = settings["created_at"]
            if "seed" in settings:
                s = settings["seed"]
                pull = new_pull(s["owner"], s["repo"], s["head"], s.get("base", "main"), s.get("title", "seeded"),
                                "", s.get("state", "open"))
                if s.get("merged"):
                    merge(pull)

    def route(self, method, template, params, query, body, op, label):
        owner, repo = params.get("owner"), params.get("repo")
        number = int(params.get("pull_number") or params.get("index") or params.get("issue_number") or 0)
        if template == "/repos/{owner}/{repo}/pulls" and method == "POST":
            head, base = body.get("head", ""), body.get("base", "")
            if ":" in head:
                head = head.split(":", 1)[1]
            if bare(repo) is not None and branch_sha(repo, head) is None:
                return self.send(422 if GITHUB else 404, error_json(422, f"head branch {head} does not exist"))
            with LOCK:
                if any(p["repo"] == repo and p["head"] == head and p["base"] == base and p["state"] == "open"
                       for p in STATE["pulls"]):
                    return self.send(422 if GITHUB else 409,
                                     error_json(422, f"A pull request already exists for {owner}:{head}."))
                pull = new_pull(owner, repo, head, base, body.get("title", ""), body.get("body", ""))
                value = github_pull_json(pull) if GITHUB else gitea_pull_json(pull)
            return self.send(201, value, op=op, label=label,
                             headers={"Location": f"https://forge.invalid/{owner}/{repo}/pulls/{pull['number']}"})
        if template == "/repos/{owner}/{repo}/pulls" and method == "GET":
            state = query.get("state", "open")
            head = query.get("head")
            with LOCK:
                pulls = [p for p in STATE["pulls"] if p["owner"] == owner and p["repo"] == repo
                         and (state == "all" or p["state"] == state)]
                if GITHUB and head:
                    pulls = [p for p in pulls if f"{p['owner']}:{p['head']}" == head]
                if GITHUB and query.get("base"):
                    pulls = [p for p in pulls if p["base"] == query["base"]]
                pulls.sort(key=lambda p: -p["number"])
                if not GITHUB:
                    page, limit = int(query.get("page", 1)), int(query.get("limit", 30))
                    pulls = pulls[(page - 1) * limit: page * limit]
                value = [github_pull_json(p, "pull-request-simple") if GITHUB else gitea_pull_json(p) for p in pulls]
            return self.send(200, value, op=op, label=label)
        if template in ("/repos/{owner}/{repo}/pulls/{pull_number}", "/repos/{owner}/{repo}/pulls/{index}"):
            with LOCK:
                pull = find_pull(owner, repo, number)
                if pull is None:
                    return self.send(404, error_json(404, "Not Found"))
                poll(pull)
                value = github_pull_json(pull) if GITHUB else gitea_pull_json(pull)
            return self.send(200, value, op=op, label=label)
        if template == "/repos/{owner}/{repo}/statuses/{sha}":
            with LOCK:
                STATE["statuses"].append({"sha": params["sha"], **body})
            if GITHUB:
                value = overlay(instance({"$ref": "#/components/schemas/status"}),
                                {"state": body.get("state"), "context": body.get("context", "default"),
                                 "description": body.get("description"), "target_url": body.get("target_url")})
            else:
                value = {"id": len(STATE["statuses"]), "status": body.get("state"), "context": body.get("context", ""),
                         "description": body.get("description", ""), "target_url": body.get("target_url", "")}
            return self.send(201, value, op=op, label=label)
        if template in ("/repos/{owner}/{repo}/issues/{issue_number}/comments", "/repos/{owner}/{repo}/issues/{index}/comments"):
            with LOCK:
                if find_pull(owner, repo, number) is None:
                    return self.send(404, error_json(404, "Not Found"))
                STATE["comments"].append({"number": number, "body": body.get("body")})
            if GITHUB:
                value = overlay(instance({"$ref": "#/components/schemas/issue-comment"}), {"body": body.get("body"),
                                                                                              "id": len(STATE["comments"])})
            else:
                value = {"id": len(STATE["comments"]), "body": body.get("body")}
            return self.send(201, value, op=op, label=label)
        return self.send(501, error_json(501, f"{label} is described but not implemented by the test server"))


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
sys.stdout.write(f"{server.server_address[1]}\n")
sys.stdout.flush()
server.serve_forever()
