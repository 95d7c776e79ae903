"""Control plane under /_sim/, the routes both simulators have: lets another process drive a running simulator.

Data flow: HTTP request to /_sim/... -> sandbox.<api>.control.handle() -> handle(sim, method, path, raw, kinds,
extra) -> (status, JSON-able dict); the same simulator methods a test calls in-process do the work.
Run standalone: curl -s -X POST localhost:8765/_sim/faults -d '{"kind": "slow", "n": 1, "seconds": 3}'

Routes here (no auth, no rate limit, not in the request log: not part of any API):
  GET    /_sim/state                    sim.state()
  POST   /_sim/faults                   {"kind": <one of kinds>, "n": 1, ...options} or a list of such objects;
                                        calls sim.<kind>(n, **options), so the knob's signature is the schema
  DELETE /_sim/faults                   clear pending faults
  POST   /_sim/advance                  {"days": 0, "hours": 0, "minutes": 0, "seconds": 0, "changes": 20}
  GET    /_sim/requests                 the request log; DELETE clears it
  GET    /_sim/truth/{entity}           sim.truth(entity)
A simulator adds its own routes through `extra`; each simulator's control.py lists its full set.
"""
from __future__ import annotations

import json
from typing import Callable

PREFIX = "/_sim/"
ADVANCE_KEYS = ("days", "hours", "minutes", "seconds", "changes")
# (sim, method, route, head, rest) -> (status, body), or None when the route is not one of its own
ExtraRoutes = Callable[[object, str, str, str, str], "tuple[int, dict] | None"]


def _json_body(raw: bytes):
    if not raw.strip():
        return {}
    return json.loads(raw.decode("utf-8"))


def _add_faults(sim, spec, kinds: tuple[str, ...]) -> dict:
    for one in spec if isinstance(spec, list) else [spec]:
        options = dict(one)
        kind = options.pop("kind", None)
        if kind not in kinds:
            raise ValueError(f"fault kind must be one of {list(kinds)}")
        getattr(sim, kind)(options.pop("n", 1), **options)
    return {"pending": sim.faults.pending()}


def handle(sim, method: str, path: str, raw: bytes, kinds: tuple[str, ...],
           extra: ExtraRoutes | None = None) -> tuple[int, dict]:
    route = path[len(PREFIX):].strip("/")
    head, _, rest = route.partition("/")
    try:
        body = _json_body(raw)  # parsed for every route: a broken body is a 400 wherever it is sent
        if (method, route) == ("GET", "state"):
            return 200, sim.state()
        if (method, route) == ("POST", "faults"):
            return 200, _add_faults(sim, body, kinds)
        if (method, route) == ("DELETE", "faults"):
            sim.clear_faults()
            return 200, {"pending": []}
        if (method, route) == ("POST", "advance"):
            unknown = set(body) - set(ADVANCE_KEYS)
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
        answer = extra(sim, method, route, head, rest) if extra else None
        if answer is not None:
            return answer
    except (ValueError, TypeError, KeyError) as exc:  # bad control input: say what was refused
        return 400, {"error": f"{type(exc).__name__}: {exc}"}
    return 404, {"error": f"no control route {method} {path}"}
