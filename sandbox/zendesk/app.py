"""HTTP layer: one request -> faults -> auth -> rate limits -> endpoint -> response bytes and headers.

Data flow: socket -> Handler (sandbox.common.handler: dispatch, send) -> api_reply(sim, ...) -> Reply -> sent
with the slow/truncate faults; paths under /_sim/ go to control.handle() instead (the test/demo control
plane, not part of the API).
Run standalone: python -m sandbox.zendesk --port 8766   (this module only defines the handler)

Order of checks: injected faults stand in for the edge in front of the API, so they fire before auth;
then 401 for missing or wrong credentials; then the account and incremental buckets (429); then 404 and
validation (400/403/422). Every answer carries the rate-limit headers. Bodies (doc §1, §4): 401
{"error":"Couldn't authenticate you"}; incremental 429 JSON APIRateLimitExceeded; account 429 PLAIN TEXT
(it breaks clients that parse every body as JSON); 503 with Retry-After has a JSON body, 503 without it
an HTML maintenance page. The access log never holds headers (credentials travel there). JSON answers,
control plane included, say "application/json; charset=utf-8"; PATCH is left to http.server (501).
"""
from __future__ import annotations

import base64
import binascii
import hmac

from sandbox.common.handler import Reply, SimHandler, finish
from sandbox.zendesk import control
from sandbox.zendesk.endpoints import is_incremental, route_for, serve
from sandbox.zendesk.wire import ApiError, dumps

JSON, TEXT, HTML = "application/json; charset=utf-8", "text/plain; charset=utf-8", "text/html; charset=utf-8"
UNAUTHORIZED = {"error": "Couldn't authenticate you"}
NOT_FOUND = {"error": "InvalidEndpoint", "description": "Not found"}
INCREMENTAL_429 = {"error": "APIRateLimitExceeded",
                   "description": "Number of allowed incremental export API requests per minute exceeded"}
ACCOUNT_429 = "Number of allowed API requests per minute exceeded"
DB_503 = {"error": "DatabaseTimeout", "description": "The request timed out. Retry after the number of "
                                                    "seconds in the Retry-After header."}
MAINTENANCE = ("<!DOCTYPE html><html><head><title>Zendesk is down for maintenance</title></head><body>"
               "<h1>We&rsquo;ll be back shortly</h1><p>Zendesk Support is undergoing scheduled maintenance."
               "</p></body></html>")


def authenticated(sim, headers) -> bool:
    """Basic base64("{email}/token:{token}") or Bearer {oauth_token} (doc §1); nothing else."""
    scheme, _, value = (headers.get("Authorization") or "").strip().partition(" ")
    if scheme.lower() == "basic":
        try:
            presented = base64.b64decode(value.strip(), validate=True)
        except (binascii.Error, ValueError):
            return False
        user, _, secret = presented.partition(b":")
        return (user.lower() == f"{sim.email}/token".lower().encode()
                and hmac.compare_digest(secret, sim.token.encode()))
    if scheme.lower() == "bearer" and sim.oauth_token:
        return hmac.compare_digest(value.strip().encode(), sim.oauth_token.encode())
    return False


def _too_many(bucket: str, retry_after: int, headers: dict[str, str]) -> Reply:
    headers = {**headers, "Retry-After": str(retry_after)}
    if bucket == "incremental":
        return Reply(429, dumps(INCREMENTAL_429), headers)
    return Reply(429, ACCOUNT_429.encode(), headers, content_type=TEXT)


def api_reply(sim, method: str, path: str, params: dict[str, str], headers) -> Reply:
    incremental = is_incremental(path)
    actions = sim.faults.take(path, incremental)
    reply = _api_reply(sim, method, path, params, headers, incremental, actions)
    return finish(sim, method, path, params, actions, reply)  # body faults + request log


def _api_reply(sim, method, path, params, headers, incremental, actions) -> Reply:
    if actions.storm:
        bucket, wait = actions.storm
        return _too_many(bucket, wait, sim.limiter.storm_headers(bucket, incremental, wait))
    if actions.fail_503:
        limits = sim.limiter.peek(incremental)
        if actions.retry_after is None:
            return Reply(503, MAINTENANCE.encode(), limits, content_type=HTML)
        return Reply(503, dumps(DB_503), {**limits, "Retry-After": str(actions.retry_after)})
    if not authenticated(sim, headers):
        return Reply(401, dumps(UNAUTHORIZED), sim.limiter.peek(incremental))
    verdict = sim.limiter.admit(incremental)
    if not verdict.allowed:
        return _too_many(verdict.bucket, verdict.retry_after, verdict.headers)
    route = route_for(path)
    if route is None or method != "GET":
        return Reply(404, dumps(NOT_FOUND), verdict.headers)
    host = headers.get("Host")
    base = f"http://{host}" if host else sim.base_url  # links point where the client called

    def take_empty() -> bool:
        if sim.faults.take_empty(path):
            actions.names.append("empty_page")
            return True
        return False

    try:
        with sim.world.lock:
            body = serve(sim.world, route, params, base, take_empty)
    except ApiError as exc:
        return Reply(exc.status, dumps(exc.body()), verdict.headers)
    return Reply(200, dumps(body), verdict.headers)


class Handler(SimHandler):
    json_type = JSON  # Zendesk names the charset, on the control plane too
    log_prefix = "zendesk-sim"
    control = staticmethod(control.handle)
    answer = staticmethod(api_reply)
