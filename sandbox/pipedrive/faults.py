"""Pipedrive's faults (429 storms, 5xx, slow and truncated responses) on the shared queue and request log.

Data flow: sim.storm()/fail_5xx()/slow()/truncate() or POST /_sim/faults -> Faults.add() -> queue;
each API request -> Faults.take(path) -> Actions (delay, forced response, truncation) -> the handler applies them;
after the response Faults.record() appends {method, path, params, status} to the log.
Run standalone: python -c "from sandbox.pipedrive.faults import Faults; f = Faults(); f.add('storm', 2); print(f.take('/api/v2/deals'))"

The queue rules (n, after, path, one forced response per request, slow on top) and the log are
sandbox.common.faults. What is Pipedrive's own: a storm is a 429 whose x-ratelimit-reset alternates 1 and 2
seconds (both occur on the real API) unless fixed; fail_5xx answers 500, 502, 503 or 504. The log drops
`api_token` from params (the token may travel there) and keeps no header.
"""
from __future__ import annotations

from dataclasses import dataclass

from sandbox.common import faults


@dataclass
class Fault(faults.Fault):  # these follow kind, remaining, after, path, in /_sim/state order
    status: int = 500
    seconds: float = 0.0
    mode: str = "length"
    reset: int | None = None
    fired: int = 0


@dataclass
class Actions(faults.Actions):
    storm_reset: int | None = None   # set: answer 429 with x-ratelimit-reset = this
    status_5xx: int | None = None    # set: answer this 5xx status


class Faults(faults.FaultQueue):
    fault_type = Fault
    KINDS = ("storm", "fail_5xx", "slow", "truncate")
    FORCED = ("storm", "fail_5xx")
    SECRET_PARAMS = ("api_token",)

    def check(self, fault: Fault) -> None:
        if fault.kind == "fail_5xx" and fault.status not in (500, 502, 503, 504):
            raise ValueError("fail_5xx status must be 500, 502, 503 or 504")
        if fault.kind == "storm" and fault.reset is not None and fault.reset < 1:
            raise ValueError("storm reset must be >= 1 second")

    def _fire(self, fault: Fault) -> bool:
        acts = super()._fire(fault)
        fault.fired += acts  # storms alternate their reset by this count; /_sim/state shows it
        return acts

    def force(self, fault: Fault, actions: Actions) -> None:
        if fault.kind == "storm":
            # Alternate 1 and 2 seconds unless fixed: both values occur on the real API.
            actions.storm_reset = fault.reset or (1 if fault.fired % 2 else 2)
        else:
            actions.status_5xx = fault.status

    def take(self, path: str) -> Actions:
        return self._take(path, Actions())
