"""The one HTTP session: timeouts, retries with capped backoff, 429 waits, throttling, no secrets in errors.

Data flow: extractor -> ApiSession.get_json(path, params) -> requests -> source API (or its simulator).
Run standalone: python -c "from lake.http import ApiSession; print(ApiSession('http://127.0.0.1:1', RatePolicy()))"

Entity code never sleeps or retries; this module does, with the numbers written here:
- 429: wait Retry-After, else the reset of the exhausted rate window, else 60 s (MeltanoLabs' and
  tap-zendesk's fallback), capped at max_wait; a 429 that the policy classifies as a spent *daily*
  budget raises BudgetExhausted at once, because waiting until the provider's midnight is not a retry.
- 5xx: a Retry-After on it is obeyed exactly (Zendesk sends one on a 503 that is a database timeout);
  without one, and for connection errors, timeouts and truncated/undecodable bodies: exponential backoff
  1, 2, 4 ... capped at 60 s. Up to max_retries attempts in all.
- Throttle ahead: a policy names its rate windows (a remaining/reset header pair, or a bucket header
  'total=10; remaining=9; resets=49'); when any window says 0 (or the floor) is left, sleep until the
  longest of those resets before sending the next request, so a known limit is planned for, not
  discovered by 429s.
- Other 4xx: FatalHttpError immediately (bad token, bad request); retrying them is a storm.
Errors carry method, path and status, never headers or the query string (tokens may live there).
"""
from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass
from typing import Callable, Iterable
from urllib.parse import urlsplit

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


class Unreachable(RetriesExhausted):
    """No attempt got any answer: connection refused, DNS, TLS. Every other request to the host would
    wait just as long, so the caller stops the account instead of trying entity after entity."""


class BudgetExhausted(HttpError):
    """The provider's daily request budget is spent: stop cleanly and resume on the next run."""


# One rate window as a response reports it: (requests remaining, seconds until it resets).
Window = Callable[[requests.Response], Iterable[tuple[float, float]]]
_BUCKET_PART = re.compile(r"\s*(\w+)\s*=\s*([0-9.]+)\s*")


def header_window(remaining: str, reset: str) -> Window:
    """Two plain number headers, e.g. x-ratelimit-remaining + x-ratelimit-reset (Pipedrive)."""
    def read(response: requests.Response) -> Iterable[tuple[float, float]]:
        try:
            return [(float(response.headers[remaining]), float(response.headers[reset]))]
        except (KeyError, ValueError):
            return []
    return read


def bucket_windows(prefix: str) -> Window:
    """Every header starting with prefix whose value reads 'total=10; remaining=9; resets=49'
    (Zendesk's zendesk-ratelimit-<bucket> headers: one per bucket the request counted against)."""
    prefix = prefix.lower()

    def read(response: requests.Response) -> Iterable[tuple[float, float]]:
        found = []
        for name, value in response.headers.items():
            if name.lower().startswith(prefix):
                fields = dict(m.groups() for part in value.split(";") if (m := _BUCKET_PART.fullmatch(part)))
                try:
                    found.append((float(fields["remaining"]), float(fields["resets"])))
                except (KeyError, ValueError):
                    continue
        return found
    return read


@dataclass(frozen=True)
class RatePolicy:
    windows: tuple[Window, ...] = ()      # the rate windows the API reports on its answers
    throttle_floor: int = 0               # sleep before the next request when a window's remaining <= this
    is_daily_budget: Callable[[requests.Response], bool] = lambda response: False
    default_wait: float = 60.0            # a 429 that says neither Retry-After nor a reset


class ApiSession:
    def __init__(self, base_url: str, policy: RatePolicy, *, headers: dict | None = None,
                 auth=None, timeout: tuple[float, float] = (10, 60), max_retries: int = 8,
                 backoff_cap: float = 60.0, max_wait: float = 300.0, sleep: Callable[[float], None] = time.sleep):
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            # retrying a URL that can never work would hold the daily run for minutes: a configuration error
            raise ValueError(f"base URL {base_url!r} is not an http(s)://host[:port] address")
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
        answered = False
        for attempt in range(1, self.max_retries + 1):
            self._throttle()
            self.requests_sent += 1
            try:
                response = self.session.get(url, params=params, timeout=self.timeout)
            except requests.ConnectionError as exc:  # refused, DNS, TLS, connect timeout: no answer at all
                failure = type(exc).__name__
                self._backoff(attempt, shown, failure)
                continue
            except requests.RequestException as exc:
                answered = True
                self._backoff(attempt, shown, type(exc).__name__)
                continue
            answered = True
            self._note_window(response)
            if response.status_code == 429:
                if self.policy.is_daily_budget(response):
                    raise BudgetExhausted(f"daily API budget exhausted at GET {shown}")
                wait = min(self._retry_after(response), self.max_wait)
                log.warning("429 on GET %s, waiting %.1fs (attempt %d/%d)", shown, wait, attempt, self.max_retries)
                self.sleep(wait)
                continue
            if response.status_code >= 500:
                told = _seconds(response.headers.get("Retry-After"))
                if told is not None and attempt < self.max_retries:
                    wait = min(told, self.max_wait)
                    log.warning("HTTP %d on GET %s, Retry-After %.1fs (attempt %d/%d)", response.status_code,
                                shown, wait, attempt, self.max_retries)
                    self.sleep(wait)
                else:
                    self._backoff(attempt, shown, f"HTTP {response.status_code}")
                continue
            if response.status_code >= 400:
                raise FatalHttpError(response.status_code, shown, _error_text(response))
            try:
                return response.json()
            except ValueError:  # truncated or non-JSON body: the server or a proxy cut it
                self._backoff(attempt, shown, "undecodable body")
        if not answered:
            raise Unreachable(f"GET {shown}: {urlsplit(self.base_url).hostname} did not answer in {self.max_retries} "
                              f"attempts ({failure}); giving up")
        raise RetriesExhausted(f"GET {shown} failed {self.max_retries} times; giving up")

    def _backoff(self, attempt: int, path: str, why: str) -> None:
        if attempt >= self.max_retries:
            return
        wait = min(2 ** (attempt - 1), self.backoff_cap)
        log.warning("%s on GET %s, retry in %.0fs (attempt %d/%d)", why, path, wait, attempt, self.max_retries)
        self.sleep(wait)

    def _retry_after(self, response: requests.Response) -> float:
        told = _seconds(response.headers.get("Retry-After"))
        if told is not None:
            return max(told, 0.5)
        spent = [reset for remaining, reset in self._windows(response) if remaining <= 0]
        return max(max(spent), 0.5) if spent else self.policy.default_wait

    def _windows(self, response: requests.Response) -> list[tuple[float, float]]:
        return [w for read in self.policy.windows for w in read(response)]

    def _note_window(self, response: requests.Response) -> None:
        if response.status_code == 429:  # the 429 branch waits itself
            return
        spent = [reset for remaining, reset in self._windows(response) if remaining <= self.policy.throttle_floor]
        if spent:
            self._wait_until = time.monotonic() + min(max(spent), self.max_wait)

    def _throttle(self) -> None:
        delay = self._wait_until - time.monotonic()
        if delay > 0:
            log.info("throttling %.2fs ahead of the rate limit", delay)
            self.sleep(delay)
        self._wait_until = 0.0


def _seconds(value: str | None) -> float | None:
    """Retry-After as seconds (the delta-seconds form; an HTTP-date is not used by these APIs)."""
    try:
        return max(float(value), 0.0) if value else None
    except ValueError:
        return None


def _error_text(response: requests.Response) -> str:
    try:
        body = response.json()
        return str(body.get("error") or body.get("description") or body)[:300]
    except ValueError:
        return response.text[:200].replace("\n", " ")
