"""Control plane under /_sim/: lets another process (a demo run, a shell) drive a running simulator.

Data flow: HTTP request to /_sim/... -> handle(sim, method, path, params, body) -> (status, JSON-able dict);
the same ZendeskSimulator methods a test calls in-process do the work.
Run standalone: curl -s -X POST localhost:8766/_sim/faults -d '{"kind": "storm", "n": 3, "bucket": "incremental"}'

Routes (no auth, no rate limit, not in the request log: this is not part of the Zendesk API):
  GET    /_sim/state                    now, record counts, limits, request count, pending faults
  POST   /_sim/faults                   {"kind": "storm"|"fail_503"|"slow"|"truncate"|"empty_pages", "n": 1, ...}
                                        or a list of such objects; options: after, path, bucket, retry_after,
                                        seconds, mode ("length"|"json")
  DELETE /_sim/faults                   clear pending faults
  POST   /_sim/advance                  {"days": 0, "hours": 0, "minutes": 0, "seconds": 0, "changes": 20}
  GET    /_sim/requests                 the request log; DELETE clears it
  GET    /_sim/truth/{entity}           sim.truth(entity)
"""
from __future__ import annotations

import json

PREFIX = "/_sim/"
_ADVANCE_KEYS = ("days", "hours", "minutes", "seconds", "changes")
_FAULT_METHODS = ("storm", "fail_503", "slow", "truncate", "empty_pages")


def _json_body(raw: bytes):
    if not raw.strip():
        return {}
    return json.loads(raw.decode("utf-8"))


def _add_faults(sim, spec) -> dict:
    for one in spec if isinstance(spec, list) else [spec]:
        options = dict(one)
        kind = options.pop("kind", None)
        if kind not in _FAULT_METHODS:
            raise ValueError(f"fault kind must be one of {list(_FAULT_METHODS)}")
        getattr(sim, kind)(options.pop("n", 1), **options)
    return {"pending": sim.faults.pending()}


def handle(sim, method: str, path: str, params: dict[str, str], raw: bytes) -> tuple[int, dict]:
    route = path[len(PREFIX):].strip("/")
    head, _, rest = route.partition("/")
    try:
        body = _json_body(raw)
        if (method, route) == ("GET", "state"):
            return 200, sim.state()
        if (method, route) == ("POST", "faults"):
            return 200, _add_faults(sim, body)
        if (method, route) == ("DELETE", "faults"):
            sim.clear_faults()
            return 200, {"pending": []}
        if (method, route) == ("POST", "advance"):
            unknown = set(body) - set(_ADVANCE_KEYS)
            if unknown:
                raise ValueError(f"unknown advance options {sorted(unknown)}")
            changes = sim.advance(**body)
            return 200, {"now": sim.now_iso, "changes": changes}
        if route == "requests" and method in ("GET", "DELETE"):
            if method == "DELETE":
                sim.clear_requests()
            return 200, {"requests": sim.requests}
        if method == "GET" and head == "truth" and rest:
            return 200, {"data": sim.truth(rest)}
    except (ValueError, TypeError, KeyError) as exc:  # bad control input: say what was refused
        return 400, {"error": f"{type(exc).__name__}: {exc}"}
    return 404, {"error": f"no control route {method} {path}"}
