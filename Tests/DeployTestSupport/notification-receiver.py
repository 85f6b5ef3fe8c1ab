"""A notification endpoint for tests: records every POST body as one JSON line in the file given, and answers 500
to the first FAILURES requests (to see the sender retry), then 204. Prints its port on the first line of stdout."""
import http.server
import json
import sys
import threading

record_file, failures = sys.argv[1], int(sys.argv[2])
lock = threading.Lock()
state = {"seen": 0}


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length).decode("utf-8", "replace")
        with lock:
            state["seen"] += 1
            failing = state["seen"] <= failures
            with open(record_file, "a") as out:
                out.write(json.dumps({"path": self.path, "status": 500 if failing else 204,
                                      "contentType": self.headers.get("Content-Type"),
                                      "authorization": self.headers.get("Authorization"), "body": body}) + "\n")
        self.send_response(500 if failing else 204)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
