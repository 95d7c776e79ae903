"""Pipedrive rate limits: per-token burst limit on a rolling 2-second window plus a daily token budget.

Data flow: request (token, cost) -> RateLimiter.admit() -> Verdict(allowed, reason, headers);
the headers go on every response, allowed or not.
Run standalone: python -c "from sandbox.pipedrive.ratelimit import RateLimiter; r = RateLimiter(2); print([r.admit('t', 10).headers for _ in range(3)])"

Headers (doc §3.3): x-ratelimit-limit (requests per 2 s), x-ratelimit-remaining (left in the window),
x-ratelimit-reset (relative whole seconds until the window frees a slot; "2" right after a first request,
as in the documented example). Rejected requests are not counted in the window, so a client that waits
`reset` seconds always gets through.
Daily budget (doc §3.1): one budget per company (= per simulator), debited by cost (v2 list 10, v1 list 20)
while anything is left (the last request may overdraw). When spent, every request 429s while the burst
window still has room, so x-ratelimit-remaining > 0 on a 429 is how a client recognises the daily limit.
No header exposes the remaining daily budget, as on the real API.
"""
from __future__ import annotations

import collections
import math
import threading
import time
from dataclasses import dataclass
from typing import Callable

WINDOW_SECONDS = 2.0


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    reason: str | None  # None when allowed, else "burst" or "daily"
    headers: dict[str, str]


class RateLimiter:
    def __init__(self, burst_limit: int = 20, daily_budget: int | None = None,
                 clock: Callable[[], float] = time.monotonic):
        if burst_limit < 1:
            raise ValueError("burst_limit must be >= 1")
        self.burst_limit = burst_limit
        self.daily_budget = daily_budget
        self._spent = 0
        self._clock = clock
        self._hits: dict[str, collections.deque] = collections.defaultdict(collections.deque)
        self._lock = threading.Lock()

    @property
    def daily_budget_left(self) -> int | None:
        return None if self.daily_budget is None else self.daily_budget - self._spent

    def reset_daily_budget(self) -> None:
        """What Pipedrive does at midnight server time."""
        with self._lock:
            self._spent = 0

    def _window(self, key: str, now: float) -> collections.deque:
        hits = self._hits[key]
        while hits and hits[0] <= now - WINDOW_SECONDS:  # bounded by burst_limit entries
            hits.popleft()
        return hits

    def _headers(self, hits: collections.deque, now: float, remaining: int | None = None) -> dict[str, str]:
        reset = max(1, math.ceil(hits[0] + WINDOW_SECONDS - now)) if hits else int(WINDOW_SECONDS)
        left = self.burst_limit - len(hits) if remaining is None else remaining
        return {"x-ratelimit-limit": str(self.burst_limit), "x-ratelimit-remaining": str(max(0, left)),
                "x-ratelimit-reset": str(reset)}

    def peek(self, key: str) -> dict[str, str]:
        """Headers for a response that does not count (401, faults injected before auth)."""
        with self._lock:
            now = self._clock()
            return self._headers(self._window(key, now), now)

    def storm_headers(self, reset: int) -> dict[str, str]:
        return {"x-ratelimit-limit": str(self.burst_limit), "x-ratelimit-remaining": "0",
                "x-ratelimit-reset": str(reset)}

    def admit(self, key: str, cost: int) -> Verdict:
        with self._lock:
            now = self._clock()
            hits = self._window(key, now)
            if len(hits) >= self.burst_limit:
                return Verdict(False, "burst", self._headers(hits, now, remaining=0))
            if self.daily_budget is not None and self._spent >= self.daily_budget:
                return Verdict(False, "daily", self._headers(hits, now))
            hits.append(now)
            self._spent += cost
            return Verdict(True, None, self._headers(hits, now))
