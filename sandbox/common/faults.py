"""The generic fault queue (n, after, path; slow and truncate) and the request log, for both simulators.

Data flow: sim.<knob>() or POST /_sim/faults -> FaultQueue.add() -> validated -> queue; each API request ->
the subclass's take() -> _take(path, actions) -> Actions (delay, truncation, at most one forced answer)
-> the handler applies them; after the answer record() appends {seq, method, path, params, status, faults}.
Run standalone: python -c "from sandbox.pipedrive.faults import Faults; f = Faults(); f.add('slow', 1, seconds=2); print(f.take('/api/v2/deals'))"

Faults apply to the next matching requests in the order they were added: `after` lets k matching requests
pass first (to break page 3 of a pagination), `path` limits a fault to paths containing it. A request gets
at most one forced answer (a kind in FORCED: the subclass's force() fills it in); a forced fault that
finds the request already taken waits for the next one. `slow` adds its delay on top of whatever happens.
A subclass declares its Fault subclass (it adds `seconds` and `mode` where its field order wants them:
/_sim/state shows the fields in declaration order), KINDS, FORCED, SECRET_PARAMS (dropped from the logged
params), check() for its own options and force() for its forced answers.
The log keeps no header, so no credential travels into it.
"""
from __future__ import annotations

import collections
import threading
from dataclasses import dataclass, field
from typing import Callable

TRUNCATE_MODES = ("length", "json")  # length: Content-Length > bytes sent, then close; json: JSON cut mid-way
LOG_LIMIT = 50_000  # a long demo run keeps only the latest entries; `count` stays the total


@dataclass
class Fault:
    """The fields every fault has; a simulator's subclass appends its own, in the order /_sim/state shows them."""
    kind: str
    remaining: int
    after: int = 0
    path: str | None = None


@dataclass
class Actions:
    """What the faults ask of one request; subclasses add the fields of their forced answers."""
    delay: float = 0.0
    truncate: str | None = None      # set: truncate the body in this mode
    names: list[str] = field(default_factory=list)


class FaultQueue:
    fault_type: type = Fault         # the simulator's Fault subclass (it adds seconds, mode and its own options)
    KINDS: tuple[str, ...] = ()
    FORCED: tuple[str, ...] = ()
    SECRET_PARAMS: tuple[str, ...] = ()

    def __init__(self):
        self._queue: list = []
        self._log: collections.deque = collections.deque(maxlen=LOG_LIMIT)
        self._count = 0
        self._lock = threading.Lock()

    # -- the queue ---------------------------------------------------------------------------------
    def check(self, fault) -> None:
        """Refuse the subclass's own bad options (raise ValueError); runs after kind, n and after."""

    def _validated(self, fault):
        if fault.kind not in self.KINDS:
            raise ValueError(f"unknown fault kind {fault.kind!r}; known: {', '.join(self.KINDS)}")
        if fault.remaining < 1 or fault.after < 0:
            raise ValueError("a fault needs n >= 1 and after >= 0")
        self.check(fault)
        if fault.kind == "truncate" and fault.mode not in TRUNCATE_MODES:
            raise ValueError(f"truncate mode must be one of {TRUNCATE_MODES}")
        return fault

    def add(self, kind: str, n: int = 1, **options) -> None:
        fault = self._validated(self.fault_type(kind=kind, remaining=int(n), **options))
        with self._lock:
            self._queue.append(fault)

    def clear(self) -> None:
        with self._lock:
            self._queue.clear()

    def pending(self) -> list[dict]:
        with self._lock:
            return [dict(vars(f)) for f in self._queue]

    def _fire(self, fault) -> bool:
        """Count one matching request against `fault`; True when the fault acts on it."""
        if fault.after:
            fault.after -= 1
            return False
        fault.remaining -= 1
        return True

    def _prune(self) -> None:
        self._queue = [f for f in self._queue if f.remaining > 0]

    def force(self, fault, actions) -> None:
        """Fill in `actions` for a fired fault of a FORCED kind (the API-specific answer)."""
        raise NotImplementedError

    def _take(self, path: str, actions: Actions, skip: Callable[[object], bool] = lambda fault: False) -> Actions:
        forced = False
        with self._lock:
            for fault in self._queue:
                if (fault.path and fault.path not in path) or skip(fault):
                    continue
                if fault.kind in self.FORCED and forced:
                    continue  # one forced answer per request; this fault waits for the next one
                if not self._fire(fault):
                    continue
                actions.names.append(fault.kind)
                if fault.kind == "slow":
                    actions.delay += fault.seconds
                elif fault.kind == "truncate":
                    actions.truncate = fault.mode
                else:
                    forced = True
                    self.force(fault, actions)
            self._prune()
        return actions

    # -- the request log ---------------------------------------------------------------------------
    def record(self, method: str, path: str, params: dict, status: int, faults: list[str]) -> None:
        entry = {"method": method, "path": path,
                 "params": {k: v for k, v in params.items() if k not in self.SECRET_PARAMS},
                 "status": status, "faults": list(faults)}
        with self._lock:
            self._count += 1
            entry["seq"] = self._count
            self._log.append(entry)

    @property
    def log(self) -> list[dict]:
        with self._lock:
            return [dict(e, params=dict(e["params"]), faults=list(e["faults"])) for e in self._log]

    @property
    def count(self) -> int:
        with self._lock:
            return self._count

    def clear_log(self) -> None:
        with self._lock:
            self._log.clear()
            self._count = 0
