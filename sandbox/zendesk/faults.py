"""Fault injection (429 storms, 503s, slow and truncated answers, empty export pages) and the request log.

Data flow: sim.storm()/fail_503()/slow()/truncate()/empty_pages() or POST /_sim/faults -> Faults.add() -> queue;
each API request -> Faults.take(path, incremental) -> Actions the handler applies; a cursor export about to
answer 200 -> Faults.take_empty(path); after the answer Faults.record() appends to the log.
Run standalone: python -c "from sandbox.zendesk.faults import Faults; f = Faults(); f.add('storm', 2); print(f.take('/api/v2/incremental/tickets/cursor', True))"

Faults apply to the next matching requests in the order they were added: `after` lets k matching requests
pass first (to break page 3 of an export), `path` limits a fault to paths containing it. An incremental
storm only matches /api/v2/incremental/* requests (that bucket covers nothing else). A request gets at
most one forced answer (429 or 503); `slow` adds its delay on top of whatever happens. Empty pages only
act on a cursor export that is about to succeed. The log keeps no header, so no credential.
"""
from __future__ import annotations

import collections
import threading
from dataclasses import dataclass, field

KINDS = ("storm", "fail_503", "slow", "truncate", "empty_page")
BUCKETS = ("incremental", "account")
TRUNCATE_MODES = ("length", "json")  # length: Content-Length > bytes sent, then close; json: JSON cut mid-way
SECRET_PARAMS = ("access_token",)
LOG_LIMIT = 50_000  # a long demo run keeps only the latest entries; `count` stays the total


@dataclass
class Fault:
    kind: str
    remaining: int
    after: int = 0
    path: str | None = None
    bucket: str = "incremental"
    retry_after: int | None = None
    seconds: float = 0.0
    mode: str = "length"


@dataclass
class Actions:
    delay: float = 0.0
    storm: tuple[str, int] | None = None   # (bucket, Retry-After): answer that bucket's 429
    fail_503: bool = False
    retry_after: int | None = None         # with fail_503: the Retry-After header, None = none sent
    truncate: str | None = None
    names: list[str] = field(default_factory=list)


def _validated(fault: Fault) -> Fault:
    if fault.kind not in KINDS:
        raise ValueError(f"unknown fault kind {fault.kind!r}; known: {', '.join(KINDS)}")
    if fault.remaining < 1 or fault.after < 0:
        raise ValueError("a fault needs n >= 1 and after >= 0")
    if fault.kind == "storm" and fault.bucket not in BUCKETS:
        raise ValueError(f"storm bucket must be one of {BUCKETS}")
    if fault.retry_after is not None and int(fault.retry_after) < 0:
        raise ValueError("retry_after must be >= 0 seconds")
    if fault.kind == "truncate" and fault.mode not in TRUNCATE_MODES:
        raise ValueError(f"truncate mode must be one of {TRUNCATE_MODES}")
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

    def _fire(self, fault: Fault) -> bool:
        """Count one matching request against `fault`; True when the fault acts on it."""
        if fault.after:
            fault.after -= 1
            return False
        fault.remaining -= 1
        return True

    def take(self, path: str, incremental: bool) -> Actions:
        actions = Actions()
        with self._lock:
            for fault in self._queue:
                if fault.kind == "empty_page" or (fault.path and fault.path not in path):
                    continue
                if fault.kind == "storm" and fault.bucket == "incremental" and not incremental:
                    continue
                forced = fault.kind in ("storm", "fail_503")
                if forced and (actions.storm or actions.fail_503):
                    continue  # one forced answer per request; this fault waits for the next one
                if not self._fire(fault):
                    continue
                actions.names.append(fault.kind)
                if fault.kind == "storm":
                    actions.storm = (fault.bucket, 1 if fault.retry_after is None else int(fault.retry_after))
                elif fault.kind == "fail_503":
                    actions.fail_503, actions.retry_after = True, fault.retry_after
                elif fault.kind == "slow":
                    actions.delay += fault.seconds
                else:
                    actions.truncate = fault.mode
            self._queue = [f for f in self._queue if f.remaining > 0]
        return actions

    def take_empty(self, path: str) -> bool:
        with self._lock:
            for fault in self._queue:
                if fault.kind == "empty_page" and (not fault.path or fault.path in path) and self._fire(fault):
                    self._queue = [f for f in self._queue if f.remaining > 0]
                    return True
        return False

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
            return [dict(e, params=dict(e["params"]), faults=list(e["faults"])) for e in self._log]

    @property
    def count(self) -> int:
        with self._lock:
            return self._count

    def clear_log(self) -> None:
        with self._lock:
            self._log.clear()
            self._count = 0
