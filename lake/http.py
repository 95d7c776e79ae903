"""The one HTTP session: timeouts, retries with capped backoff, 429 waits, throttling, no secrets in errors.

Data flow: extractor -> ApiSession.get_json(path, params) -> requests -> source API (or its simulator).
Run standalone: python -c "from lake.http import ApiSession; print(ApiSession('http://127.0.0.1:1', RatePolicy()))"

Entity code never sleeps or retries; this module does, with the numbers written here:
- 429: wait Retry-After, else the reset header, else 60 s (MeltanoLabs' fallback), capped at
  max_wait; a 429 that the policy classifies as a spent *daily* budget raises BudgetExhausted at once,
  because waiting until the provider's midnight is not a retry.
- 5xx, connection errors, timeouts and truncated/undecodable bodies: exponential backoff
  1, 2, 4 ... capped at 60 s, up to max_retries attempts in all.
- Throttle ahead: when the remaining-count header says 0 (or the budget floor) is left in the
  window, sleep until the window resets before sending the next request, so we rarely see a 429.
- Other 4xx: FatalHttpError immediately (bad token, bad request); retrying them is a storm.
Errors carry method, path and status, never headers or the query string (tokens may live there).
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Callable

import requests

log = logging.getLogger(__name__)


class HttpError(Exception):
    """Base of the errors this module raises."""


class FatalHttpError(HttpError):
    """A response that retrying cannot fix (4xx other than 429)."""

    def __init__(self, status: int, path: str, message: str):
        super().__init__(f"HTTP {status} on GET {path}: {message}")
        self.status = status


class RetriesExhausted(HttpError):
    """Transient failures (429/5xx/network) outlasted max_retries."""


class BudgetExhausted(HttpError):
    """The provider's daily request budget is spent: stop cleanly and resume on the next run."""


@dataclass(frozen=True)
class RatePolicy:
    remaining_header: str | None = None   # requests left in the current window
    reset_header: str | None = None       # seconds until the window resets (relative)
    throttle_floor: int = 0               # sleep before the next request when remaining <= this
    is_daily_budget: Callable[[requests.Response], bool] = lambda response: False
    default_wait: float = 60.0


class ApiSession:
    def __init__(self, base_url: str, policy: RatePolicy, *, headers: dict | None = None,
                 auth=None, timeout: tuple[float, float] = (10, 60), max_retries: int = 8,
                 backoff_cap: float = 60.0, max_wait: float = 300.0, sleep: Callable[[float], None] = time.sleep):
        self.base_url = base_url.rstrip("/")
        self.policy, self.timeout, self.max_retries = policy, timeout, max_retries
        self.backoff_cap, self.max_wait, self.sleep = backoff_cap, max_wait, sleep
        self.session = requests.Session()
        self.session.headers.update(headers or {})
        self.session.auth = auth
        self.requests_sent = 0
        self._wait_until = 0.0

    def get_json(self, path: str, params: dict | None = None) -> dict:
        url = path if path.startswith("http") else self.base_url + path
        shown = path.split("?")[0]
        for attempt in range(1, self.max_retries + 1):
            self._throttle()
            self.requests_sent += 1
            try:
                response = self.session.get(url, params=params, timeout=self.timeout)
            except requests.RequestException as exc:
                self._backoff(attempt, shown, type(exc).__name__)
                continue
            self._note_window(response)
            if response.status_code == 429:
                if self.policy.is_daily_budget(response):
                    raise BudgetExhausted(f"daily API budget exhausted at GET {shown}")
                wait = min(self._retry_after(response), self.max_wait)
                log.warning("429 on GET %s, waiting %.1fs (attempt %d/%d)", shown, wait, attempt, self.max_retries)
                self.sleep(wait)
                continue
            if response.status_code >= 500:
                self._backoff(attempt, shown, f"HTTP {response.status_code}")
                continue
            if response.status_code >= 400:
                raise FatalHttpError(response.status_code, shown, _error_text(response))
            try:
                return response.json()
            except ValueError:  # truncated or non-JSON body: the server or a proxy cut it
                self._backoff(attempt, shown, "undecodable body")
        raise RetriesExhausted(f"GET {shown} failed {self.max_retries} times; giving up")

    def _backoff(self, attempt: int, path: str, why: str) -> None:
        if attempt >= self.max_retries:
            return
        wait = min(2 ** (attempt - 1), self.backoff_cap)
        log.warning("%s on GET %s, retry in %.0fs (attempt %d/%d)", why, path, wait, attempt, self.max_retries)
        self.sleep(wait)

    def _retry_after(self, response: requests.Response) -> float:
        for name in ("Retry-After", self.policy.reset_header):
            value = response.headers.get(name) if name else None
            if value:
                try:
                    return max(float(value), 0.5)
                except ValueError:
                    pass
        return self.policy.default_wait

    def _note_window(self, response: requests.Response) -> None:
        p = self.policy
        if not (p.remaining_header and p.reset_header):
            return
        try:
            remaining = int(response.headers[p.remaining_header])
            reset = float(response.headers[p.reset_header])
        except (KeyError, ValueError):
            return
        if remaining <= p.throttle_floor and response.status_code != 429:
            self._wait_until = time.monotonic() + min(reset, self.max_wait)

    def _throttle(self) -> None:
        delay = self._wait_until - time.monotonic()
        if delay > 0:
            log.info("throttling %.2fs ahead of the rate limit", delay)
            self.sleep(delay)
        self._wait_until = 0.0


def _error_text(response: requests.Response) -> str:
    try:
        body = response.json()
        return str(body.get("error") or body.get("description") or body)[:300]
    except ValueError:
        return response.text[:200].replace("\n", " ")
