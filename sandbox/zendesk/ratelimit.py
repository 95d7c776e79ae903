"""Zendesk rate limits: an account bucket (every request) and an incremental-export bucket (/api/v2/incremental/*).

Data flow: request (incremental?) -> RateLimiter.admit() -> Verdict(allowed, bucket, retry_after, headers);
the headers go on every response, allowed or not (peek() for answers that do not count).
Run standalone: python -c "from sandbox.zendesk.ratelimit import RateLimiter; r = RateLimiter(2, 5, 60); print([r.admit(True).headers for _ in range(3)])"

Each bucket allows `limit` requests per window (doc §4: 700/min account on Enterprise, 10/min incremental).
A window opens with the first request that finds no open window and lasts window_seconds, so a test that
fires its requests together never straddles a boundary. Headers (doc §4): X-Rate-Limit and
X-Rate-Limit-Remaining (account), ratelimit-limit / -remaining / -reset (account, reset = whole seconds
until its window closes) and, on incremental paths, `zendesk-ratelimit-incremental-exports:
total=10; remaining=9; resets=49`. Retry-After on a 429 is the whole seconds until the full bucket's
window closes (at least 1). A rejected request consumes nothing, so a client that waits Retry-After
always gets through. Uses the wall clock (time.monotonic), not the sim clock.
"""
from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass
from typing import Callable

INCREMENTAL_HEADER = "zendesk-ratelimit-incremental-exports"


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    bucket: str | None          # None when allowed, else "account" or "incremental"
    retry_after: int | None
    headers: dict[str, str]


class Bucket:
    def __init__(self, limit: int, window: float):
        if limit < 1 or window <= 0:
            raise ValueError("a rate-limit bucket needs limit >= 1 and window_seconds > 0")
        self.limit, self.window = limit, window
        self._opened: float | None = None
        self._used = 0

    def _roll(self, now: float) -> None:
        if self._opened is not None and now >= self._opened + self.window:
            self._opened, self._used = None, 0

    def remaining(self, now: float) -> int:
        self._roll(now)
        return self.limit - self._used

    def reset(self, now: float) -> int:
        """Whole seconds until the open window closes (a full window when none is open); at least 1."""
        self._roll(now)
        left = self.window if self._opened is None else self._opened + self.window - now
        return max(1, math.ceil(left))

    def take(self, now: float) -> None:
        self._roll(now)
        if self._opened is None:
            self._opened = now
        self._used += 1


class RateLimiter:
    def __init__(self, account_limit: int = 700, incremental_limit: int = 10, window_seconds: float = 60.0,
                 clock: Callable[[], float] = time.monotonic):
        self.account = Bucket(account_limit, window_seconds)
        self.incremental = Bucket(incremental_limit, window_seconds)
        self._clock = clock
        self._lock = threading.Lock()

    def _headers(self, now: float, incremental: bool, drained: str | None = None, reset: int | None = None) -> dict:
        acc_left = 0 if drained == "account" else self.account.remaining(now)
        acc_reset = reset if drained == "account" and reset else self.account.reset(now)
        headers = {"X-Rate-Limit": str(self.account.limit), "X-Rate-Limit-Remaining": str(acc_left),
                   "ratelimit-limit": str(self.account.limit), "ratelimit-remaining": str(acc_left),
                   "ratelimit-reset": str(acc_reset)}
        if incremental:
            inc_left = 0 if drained == "incremental" else self.incremental.remaining(now)
            inc_reset = reset if drained == "incremental" and reset else self.incremental.reset(now)
            headers[INCREMENTAL_HEADER] = f"total={self.incremental.limit}; remaining={inc_left}; resets={inc_reset}"
        return headers

    def peek(self, incremental: bool) -> dict[str, str]:
        """Headers for an answer that does not count (401, faults injected in front of the API)."""
        with self._lock:
            return self._headers(self._clock(), incremental)

    def storm_headers(self, bucket: str, incremental: bool, retry_after: int) -> dict[str, str]:
        """Headers of a forced 429 (sim.storm): the named bucket shows 0 left, resetting in retry_after."""
        with self._lock:
            return self._headers(self._clock(), incremental, drained=bucket, reset=retry_after)

    def admit(self, incremental: bool) -> Verdict:
        with self._lock:
            now = self._clock()
            for name, bucket in (("account", self.account), ("incremental", self.incremental)):
                if (name == "account" or incremental) and bucket.remaining(now) < 1:
                    wait = bucket.reset(now)
                    return Verdict(False, name, wait, self._headers(now, incremental))
            self.account.take(now)
            if incremental:
                self.incremental.take(now)
            return Verdict(True, None, None, self._headers(now, incremental))
