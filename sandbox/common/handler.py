"""HTTP layer shared by the simulators: dispatch one request, send its Reply (with slow/truncate faults).

Data flow: socket -> SimHandler._dispatch() -> /_sim/... to the subclass's `control`, anything else to its
`answer` (the API: faults -> auth -> rate limit -> endpoint) -> Reply -> _send() sleeps for `slow`, cuts the
body for `truncate`, writes status, headers and body.
Run standalone: python -m sandbox.zendesk --port 8766   (this module only defines the base handler)

A subclass (sandbox.<api>.app.Handler) sets `control` and `answer` (staticmethods), `log_prefix`, and
`json_type` when its API names a charset; it adds do_<METHOD> for any method beyond GET/POST/PUT/DELETE
it answers (others get http.server's own 501). The access log never prints the query string, because
it can carry a credential (`api_token`, `access_token`); it logs on the subclass's module logger.
"""
from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qsl, urlsplit

from sandbox.common.control import PREFIX


@dataclass
class Reply:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str | None = None  # None: the handler's json_type
    delay: float = 0.0
    truncate: str | None = None


def finish(sim, method: str, path: str, params: dict[str, str], actions, reply: Reply) -> Reply:
    """Attach the body faults (slow, truncate) to an API reply and log the request with its faults."""
    reply.delay, reply.truncate = actions.delay, actions.truncate
    sim.faults.record(method, path, params, reply.status, actions.names)
    return reply


class SimHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like the real APIs behind their edge
    server_version = "cloudflare"  # don't advertise BaseHTTP/Python: the client must not be able to tell
    json_type = "application/json"
    log_prefix = "sim"
    control = None  # staticmethod (sim, method, path, params, raw body) -> (status, JSON-able dict)
    answer = None   # staticmethod (sim, method, path, params, headers) -> Reply

    def version_string(self) -> str:
        return self.server_version

    def do_GET(self):
        self._dispatch("GET")

    def do_POST(self):
        self._dispatch("POST")

    def do_PUT(self):
        self._dispatch("PUT")

    def do_DELETE(self):
        self._dispatch("DELETE")

    def _dispatch(self, method: str) -> None:
        url = urlsplit(self.path)
        params = dict(parse_qsl(url.query, keep_blank_values=True))  # repeated params: the last one wins
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        sim = self.server.sim
        if url.path.startswith(PREFIX):
            status, body = self.control(sim, method, url.path, params, raw)
            self._send(Reply(status, json.dumps(body, ensure_ascii=False).encode("utf-8")))
            return
        self._send(self.answer(sim, method, url.path, params, self.headers))

    def _send(self, reply: Reply) -> None:
        if reply.delay:
            time.sleep(reply.delay)  # a slow upstream: lets client read timeouts fire
        body, declared = reply.body, len(reply.body)
        if reply.truncate == "json":
            body = body[: max(1, len(body) // 2)]  # well-formed HTTP, broken JSON
            declared = len(body)
        elif reply.truncate == "length":
            body = body[: len(body) // 2]  # promise more bytes than are sent, then hang up
            self.close_connection = True
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type or self.json_type)
        self.send_header("Content-Length", str(declared))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        if reply.truncate == "length":
            self.send_header("Connection", "close")
        self.end_headers()
        try:
            self.wfile.write(body)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (e.g. its timeout fired during `slow`)

    def log_message(self, format, *args):  # noqa: A002 - signature fixed by BaseHTTPRequestHandler
        # The default writes the request line (with its query string) to stderr; log the path only.
        logging.getLogger(type(self).__module__).debug("%s %s %s", self.log_prefix, self.command,
                                                       urlsplit(self.path).path)

    def log_request(self, code="-", size="-"):
        logging.getLogger(type(self).__module__).debug("%s %s %s -> %s", self.log_prefix, self.command,
                                                       urlsplit(self.path).path, code)
