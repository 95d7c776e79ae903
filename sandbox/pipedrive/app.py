"""HTTP layer: one request -> faults -> auth -> rate limit -> endpoint -> response bytes and headers.

Data flow: socket -> Handler (http.server) -> api_reply(sim, ...) -> Reply -> _send() (with slow/truncate faults);
paths under /_sim/ go to control.handle() instead (the test/demo control plane, not part of the API).
Run standalone: python -m sandbox.pipedrive --port 8765   (this module only defines the handler)

Order of checks mirrors the real service: injected faults stand in for the proxy in front of the API, so
they fire before auth; then 401 for a missing/wrong token; then burst and daily limits (429); then 404/405
and validation (400). Every API response carries the x-ratelimit-* headers. Access logging never
prints the query string, because it can carry `api_token`.
"""
from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qsl, urlsplit

from sandbox.pipedrive import control
from sandbox.pipedrive.endpoints import ROUTES, serve
from sandbox.pipedrive.wire import ApiError, dumps, error_envelope

log = logging.getLogger(__name__)
OVER_LIMIT = "Request over limit"
HTML_5XX = "<html><head><title>{0}</title></head><body><center><h1>{0}</h1></center><hr><center>cloudflare</center></body></html>"
REASONS = {502: "502 Bad Gateway", 503: "503 Service Temporarily Unavailable", 504: "504 Gateway Time-out"}


@dataclass
class Reply:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json"
    delay: float = 0.0
    truncate: str | None = None


def _json_reply(status: int, body: dict, headers: dict[str, str]) -> Reply:
    return Reply(status, dumps(body), dict(headers))


def presented_token(headers, params: dict[str, str]) -> str | None:
    """x-api-token header, then Authorization: Bearer, then ?api_token= (doc §1.1: all three work)."""
    if headers.get("x-api-token"):
        return headers["x-api-token"]
    auth = headers.get("Authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip()
    return params.get("api_token") or None


def api_reply(sim, method: str, path: str, params: dict[str, str], headers) -> Reply:
    actions = sim.faults.take(path)
    token = presented_token(headers, params)
    key = token or ""
    reply = _api_reply(sim, method, path, params, token, key, actions)
    reply.delay, reply.truncate = actions.delay, actions.truncate
    sim.faults.record(method, path, params, reply.status, actions.names)
    return reply


def _api_reply(sim, method, path, params, token, key, actions) -> Reply:
    if actions.storm_reset:
        return _json_reply(429, error_envelope(OVER_LIMIT), sim.limiter.storm_headers(actions.storm_reset))
    if actions.status_5xx:
        limits = sim.limiter.peek(key)
        if actions.status_5xx == 500:
            return _json_reply(500, error_envelope("Internal server error"), limits)
        html = HTML_5XX.format(REASONS[actions.status_5xx]).encode()
        return Reply(actions.status_5xx, html, limits, content_type="text/html")
    if token is None or token not in sim.tokens:
        return _json_reply(401, error_envelope("unauthorized access"), sim.limiter.peek(key))
    endpoint = ROUTES.get(path)
    verdict = sim.limiter.admit(key, endpoint.cost if endpoint and method == "GET" else 0)
    if not verdict.allowed:
        return _json_reply(429, error_envelope(OVER_LIMIT), verdict.headers)
    if endpoint is None:
        return _json_reply(404, error_envelope("Unknown method ."), verdict.headers)
    if method != "GET":
        return _json_reply(405, error_envelope("Method not allowed"), verdict.headers)
    try:
        with sim.world.lock:
            body = serve(sim.world, endpoint, params)
    except ApiError as exc:
        return _json_reply(exc.status, error_envelope(exc.message), verdict.headers)
    return _json_reply(200, body, verdict.headers)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like the real API behind its CDN
    server_version = "cloudflare"  # don't advertise BaseHTTP/Python: the extractor must not be able to tell

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

    def do_PATCH(self):
        self._dispatch("PATCH")

    def _dispatch(self, method: str) -> None:
        url = urlsplit(self.path)
        params = dict(parse_qsl(url.query, keep_blank_values=True))  # repeated params: the last one wins
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        sim = self.server.sim
        if url.path.startswith(control.PREFIX):
            status, body = control.handle(sim, method, url.path, params, raw)
            self._send(Reply(status, json.dumps(body, ensure_ascii=False).encode("utf-8")))
            return
        self._send(api_reply(sim, method, url.path, params, self.headers))

    def _send(self, reply: Reply) -> None:
        if reply.delay:
            time.sleep(reply.delay)  # a slow upstream: lets client read timeouts fire
        body = reply.body
        declared = len(body)
        if reply.truncate == "json":
            body = body[: max(1, len(body) // 2)]  # well-formed HTTP, broken JSON
            declared = len(body)
        elif reply.truncate == "length":
            body = body[: len(body) // 2]  # promise more bytes than are sent, then hang up
            self.close_connection = True
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
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
        # The default writes the request line (with ?api_token=...) to stderr; log the path only.
        log.debug("pipedrive-sim %s %s", self.command, urlsplit(self.path).path)

    def log_request(self, code="-", size="-"):
        log.debug("pipedrive-sim %s %s -> %s", self.command, urlsplit(self.path).path, code)
