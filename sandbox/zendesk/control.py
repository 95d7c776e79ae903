"""Control plane under /_sim/: lets another process (a demo run, a shell) drive a running simulator.

Data flow: HTTP request to /_sim/... -> handle(sim, method, path, params, body) -> sandbox.common.control (the
routes both simulators have; Zendesk adds none) -> (status, JSON-able dict); the same ZendeskSimulator
methods a test calls in-process do the work.
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

from sandbox.common import control

# The knobs POST /_sim/faults may call, in the order its 400 lists them.
FAULT_KINDS = ("storm", "fail_503", "slow", "truncate", "empty_pages")


def handle(sim, method: str, path: str, params: dict[str, str], raw: bytes) -> tuple[int, dict]:
    return control.handle(sim, method, path, raw, FAULT_KINDS)  # Zendesk has no route of its own
