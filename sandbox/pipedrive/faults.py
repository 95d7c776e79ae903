"""Fault injection (429 storms, 5xx, slow and truncated responses) and the request log.

Data flow: sim.storm()/fail_5xx()/slow()/truncate() or POST /_sim/faults -> Faults.add() -> queue;
each API request -> Faults.take(path) -> Actions (delay, forced response, truncation) -> the handler applies them;
after the response Faults.record() appends {method, path, params, status} to the log.
Run standalone: python -c "from sandbox.pipedrive.faults import Faults; f = Faults(); f.add('storm', 2); print(f.take('/api/v2/deals'))"

Faults apply to the next matching API requests in the order they were added: `after` lets k matching
requests pass first (to break page 3 of a pagination), `path` limits a fault to paths containing it.
A request gets at most one forced response (storm or 5xx); `slow` adds its delay on top of whatever
happens. The log never holds a token: `api_token` is dropped from params and headers are not kept.
"""
from __future__ import annotations

import collections
import threading
from dataclasses import dataclass, field

KINDS = ("storm", "fail_5xx", "slow", "truncate")
TRUNCATE_MODES = ("length", "json")  # length: Content-Length > bytes sent, then close; json: JSON cut mid-way
SECRET_PARAMS = ("api_token",)
LOG_LIMIT = 50_000  # a long demo run keeps only the latest entries; `count` stays the total


@dataclass
class Fault:
    kind: str
    remaining: int
    after: int = 0
    path: str | None = None
    status: int = 500
    seconds: float = 0.0
    mode: str = "length"
    reset: int | None = None
    fired: int = 0


@dataclass
class Actions:
    delay: float = 0.0
    storm_reset: int | None = None   # set: answer 429 with x-ratelimit-reset = this
    status_5xx: int | None = None    # set: answer this 5xx status
    truncate: str | None = None      # set: truncate the body in this mode
    names: list[str] = field(default_factory=list)


def _validated(fault: Fault) -> Fault:
    if fault.kind not in KINDS:
        raise ValueError(f"unknown fault kind {fault.kind!r}; known: {', '.join(KINDS)}")
    if fault.remaining < 1 or fault.after < 0:
        raise ValueError("a fault needs n >= 1 and after >= 0")
    if fault.kind == "fail_5xx" and fault.status not in (500, 502, 503, 504):
        raise ValueError("fail_5xx status must be 500, 502, 503 or 504")
    if fault.kind == "truncate" and fault.mode not in TRUNCATE_MODES:
        raise ValueError(f"truncate mode must be one of {TRUNCATE_MODES}")
    if fault.kind == "storm" and fault.reset is not None and fault.reset < 1:
        raise ValueError("storm reset must be >= 1 second")
    return fault


class Faults:
    def __init__(self):
        self._queue: list[Fault] = []
        self._log: collections.deque = collections.deque(maxlen=LOG_LIMIT)
        self._count = 0
        self._lock = threading.Lock()

    def add(self, kind: str, n: int = 1, **options) -> None:
        fault = _validated(Fault(kind=kind, remaining=int(n), **options))
        with self._lock:
            self._queue.append(fault)

    def clear(self) -> None:
        with self._lock:
            self._queue.clear()

    def pending(self) -> list[dict]:
        with self._lock:
            return [dict(vars(f)) for f in self._queue]

    def take(self, path: str) -> Actions:
        actions = Actions()
        with self._lock:
            for fault in self._queue:
                if fault.path and fault.path not in path:
                    continue
                forced = fault.kind in ("storm", "fail_5xx")
                if forced and (actions.storm_reset or actions.status_5xx):
                    continue  # one forced response per request; this fault waits for the next one
                if fault.after:
                    fault.after -= 1
                    continue
                fault.remaining -= 1
                fault.fired += 1
                actions.names.append(fault.kind)
                if fault.kind == "storm":
                    # Alternate 1 and 2 seconds unless fixed: both values occur on the real API.
                    actions.storm_reset = fault.reset or (1 if fault.fired % 2 else 2)
                elif fault.kind == "fail_5xx":
                    actions.status_5xx = fault.status
                elif fault.kind == "slow":
                    actions.delay += fault.seconds
                else:
                    actions.truncate = fault.mode
            self._queue = [f for f in self._queue if f.remaining > 0]
        return actions

    def record(self, method: str, path: str, params: dict, status: int, faults: list[str]) -> None:
        entry = {"method": method, "path": path,
                 "params": {k: v for k, v in params.items() if k not in SECRET_PARAMS},
                 "status": status, "faults": list(faults)}
        with self._lock:
            self._count += 1
            entry["seq"] = self._count
            self._log.append(entry)

    @property
    def log(self) -> list[dict]:
        with self._lock:
            return [dict(e, params=dict(e["params"])) for e in self._log]

    @property
    def count(self) -> int:
        with self._lock:
            return self._count

    def clear_log(self) -> None:
        with self._lock:
            self._log.clear()
            self._count = 0
