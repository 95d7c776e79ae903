"""Control plane under /_sim/: lets another process (a demo run, a shell) drive a running simulator.

Data flow: HTTP request to /_sim/... -> handle(sim, method, path, params, body) -> sandbox.common.control (the
routes both simulators have) + the Pipedrive-only routes below -> (status, JSON-able dict); the same
PipedriveSimulator methods a test calls in-process do the work.
Run standalone: curl -s -X POST localhost:8765/_sim/faults -d '{"kind": "storm", "n": 3}'

Routes (no auth, no rate limit, not in the request log: this is not part of the Pipedrive API):
  GET    /_sim/state                    now, record counts, daily budget left, request count, pending faults
  POST   /_sim/faults                   {"kind": "storm"|"fail_5xx"|"slow"|"truncate", "n": 1, ...options}
                                        or a list of such objects; options: after, path, status, seconds,
                                        mode ("length"|"json"), reset
  DELETE /_sim/faults                   clear pending faults
  POST   /_sim/advance                  {"days": 0, "hours": 0, "minutes": 0, "seconds": 0, "changes": 20}
  POST   /_sim/reset_daily_budget
  GET    /_sim/requests                 the request log; DELETE clears it
  GET    /_sim/truth/{entity}           sim.truth(entity);  GET /_sim/fields/{entity}: sim.field_catalog(entity)
"""
from __future__ import annotations

from sandbox.common import control

# The order the 400 for an unknown kind lists them in (sorted, as it always has been).
FAULT_KINDS = ("fail_5xx", "slow", "storm", "truncate")


def _pipedrive_routes(sim, method: str, route: str, head: str, rest: str) -> tuple[int, dict] | None:
    """The routes only Pipedrive has: its daily budget and its v1 field catalogs."""
    if (method, route) == ("POST", "reset_daily_budget"):
        sim.reset_daily_budget()
        return 200, {"daily_budget_left": sim.daily_budget_left}
    if method == "GET" and head == "fields" and rest:
        return 200, {"data": sim.field_catalog(rest)}
    return None


def handle(sim, method: str, path: str, params: dict[str, str], raw: bytes) -> tuple[int, dict]:
    return control.handle(sim, method, path, raw, FAULT_KINDS, _pipedrive_routes)
