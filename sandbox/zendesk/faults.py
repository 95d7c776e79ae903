"""Zendesk's faults (429 storms per bucket, 503s, slow and truncated answers, empty export pages) on the shared queue.

Data flow: sim.storm()/fail_503()/slow()/truncate()/empty_pages() or POST /_sim/faults -> Faults.add() -> queue;
each API request -> Faults.take(path, incremental) -> Actions the handler applies; a cursor export about to
answer 200 -> Faults.take_empty(path); after the answer Faults.record() appends to the log.
Run standalone: python -c "from sandbox.zendesk.faults import Faults; f = Faults(); f.add('storm', 2); print(f.take('/api/v2/incremental/tickets/cursor', True))"

The queue rules (n, after, path, one forced answer per request, slow on top) and the log are
sandbox.common.faults. What is Zendesk's own: a storm names its bucket (incremental: JSON 429, account:
plain-text 429) and its Retry-After; an incremental storm only matches /api/v2/incremental/* requests (that
bucket covers nothing else). fail_503 answers 503 with or without Retry-After. Empty pages are not part of
take(): they only act on a cursor export that is about to succeed (take_empty). The log drops
`access_token` from params and keeps no header, so no credential.
"""
from __future__ import annotations

from dataclasses import dataclass

from sandbox.common import faults

BUCKETS = ("incremental", "account")


@dataclass
class Fault(faults.Fault):  # these follow kind, remaining, after, path, in /_sim/state order
    bucket: str = "incremental"
    retry_after: int | None = None
    seconds: float = 0.0
    mode: str = "length"


@dataclass
class Actions(faults.Actions):
    storm: tuple[str, int] | None = None   # (bucket, Retry-After): answer that bucket's 429
    fail_503: bool = False
    retry_after: int | None = None         # with fail_503: the Retry-After header, None = none sent


class Faults(faults.FaultQueue):
    fault_type = Fault
    KINDS = ("storm", "fail_503", "slow", "truncate", "empty_page")
    FORCED = ("storm", "fail_503")
    SECRET_PARAMS = ("access_token",)

    def check(self, fault: Fault) -> None:
        if fault.kind == "storm" and fault.bucket not in BUCKETS:
            raise ValueError(f"storm bucket must be one of {BUCKETS}")
        if fault.retry_after is not None and int(fault.retry_after) < 0:
            raise ValueError("retry_after must be >= 0 seconds")

    def force(self, fault: Fault, actions: Actions) -> None:
        if fault.kind == "storm":
            actions.storm = (fault.bucket, 1 if fault.retry_after is None else int(fault.retry_after))
        else:
            actions.fail_503, actions.retry_after = True, fault.retry_after

    def take(self, path: str, incremental: bool) -> Actions:
        def skip(fault: Fault) -> bool:
            return fault.kind == "empty_page" or (fault.kind == "storm" and fault.bucket == "incremental"
                                                  and not incremental)
        return self._take(path, Actions(), skip)

    def take_empty(self, path: str) -> bool:
        with self._lock:
            for fault in self._queue:
                if fault.kind == "empty_page" and (not fault.path or fault.path in path) and self._fire(fault):
                    self._prune()
                    return True
        return False
