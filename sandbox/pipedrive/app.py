"""HTTP layer: one request -> faults -> auth -> rate limit -> endpoint -> response bytes and headers.

Data flow: socket -> Handler (sandbox.common.handler: dispatch, send) -> api_reply(sim, ...) -> Reply -> sent
with the slow/truncate faults; paths under /_sim/ go to control.handle() instead (the test/demo control
plane, not part of the API).
Run standalone: python -m sandbox.pipedrive --port 8765   (this module only defines the handler)

Order of checks mirrors the real service: injected faults stand in for the proxy in front of the API, so
they fire before auth; then 401 for a missing/wrong token; then burst and daily limits (429); then 404/405
and validation (400). Every API response carries the x-ratelimit-* headers. Access logging never
prints the query string, because it can carry `api_token`.
"""
from __future__ import annotations

from sandbox.common.handler import Reply, SimHandler, finish
from sandbox.pipedrive import control
from sandbox.pipedrive.endpoints import ROUTES, serve
from sandbox.pipedrive.wire import ApiError, dumps, error_envelope

OVER_LIMIT = "Request over limit"
HTML_5XX = "<html><head><title>{0}</title></head><body><center><h1>{0}</h1></center><hr><center>cloudflare</center></body></html>"
REASONS = {502: "502 Bad Gateway", 503: "503 Service Temporarily Unavailable", 504: "504 Gateway Time-out"}


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
    return finish(sim, method, path, params, actions, reply)  # body faults + request log


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


class Handler(SimHandler):
    log_prefix = "pipedrive-sim"
    control = staticmethod(control.handle)
    answer = staticmethod(api_reply)

    def do_PATCH(self):  # Pipedrive answers PATCH (405); an API without it leaves http.server's 501
        self._dispatch("PATCH")
