"""PipedriveSimulator: the object tests and the demo hold; owns the world, the limiter, the faults, the server.

Data flow: PipedriveSimulator(seed, token, counts...) -> build_world() -> start() (sandbox.common.server) ->
ThreadingHTTPServer on 127.0.0.1:<port> in a daemon thread -> app.Handler answers /api/v1/..., /v1/...,
/api/v2/... and /_sim/...
Run standalone: python -m sandbox.pipedrive --port 8765 --seed 1

    with PipedriveSimulator(seed=1, token="t") as sim:
        requests.get(sim.base_url + "/api/v2/deals", headers={"x-api-token": "t"})
        sim.advance(hours=24, changes=30)        # time passes, records change
        sim.truth("deals")                       # what the API would return now (incl. deleted deals)

One simulator is one Pipedrive company: a second company (scope) is a second instance with its own seed
and token. The sim clock (`now`) only moves with advance(); the rate limiter uses the wall clock.
Lifecycle (start, stop, serve_forever, with, port, base_url) and the request-log accessors are inherited
from sandbox.common.server.LoopbackSimulator; the fault knobs stay here, one per kind, because
POST /_sim/faults calls them with the caller's options and a bad option's 400 names the knob
(`PipedriveSimulator.slow() got an unexpected keyword argument ...`).
"""
from __future__ import annotations

import copy
from datetime import datetime, timedelta

from sandbox.common.server import LoopbackSimulator
from sandbox.pipedrive import mutations
from sandbox.pipedrive.app import Handler
from sandbox.pipedrive.faults import Faults
from sandbox.pipedrive.generate import DEFAULT_START, build_world
from sandbox.pipedrive.ratelimit import RateLimiter
from sandbox.pipedrive.world import table_name

DEFAULT_TOKEN = "sim-pipedrive-token"


class PipedriveSimulator(LoopbackSimulator):
    _handler = Handler
    _thread_name = "pipedrive-sim"

    def __init__(self, seed: int = 1, token: str = DEFAULT_TOKEN, *, host: str = "127.0.0.1", port: int = 0,
                 burst_limit: int = 20, daily_budget: int | None = None, start: str = DEFAULT_START,
                 extra_tokens: tuple[str, ...] = (), pipelines: int | None = None, stages: int | None = None,
                 users: int | None = None, organizations: int | None = None, persons: int | None = None,
                 deals: int | None = None, activities: int | None = None):
        counts = {"pipelines": pipelines, "stages": stages, "users": users, "organizations": organizations,
                  "persons": persons, "deals": deals, "activities": activities}
        self.seed = seed
        self.tokens = frozenset((token, *extra_tokens))
        self.world = build_world(seed, counts, start)
        self.limiter = RateLimiter(burst_limit, daily_budget)
        self.faults = Faults()
        self._init_server(host, port)

    # -- sim clock and data ----------------------------------------------------------------------
    @property
    def now(self) -> datetime:
        return self.world.now

    @property
    def now_iso(self) -> str:
        return self.world.now_str()

    def advance(self, hours: float = 0, *, days: float = 0, minutes: float = 0, seconds: float = 0,
                changes: int = 20) -> list[dict]:
        """Move the sim clock and apply `changes` deterministic mutations inside the new window."""
        delta = timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)
        with self.world.lock:
            return mutations.advance(self.world, delta, int(changes))

    def update(self, entity: str, record_id: int, **fields) -> dict:
        """Edit one record now (update_time = sim now), e.g. sim.update("deals", 5, title="x")."""
        with self.world.lock:
            return copy.deepcopy(mutations.update_record(self.world, table_name(entity), record_id, fields, self.now_iso))

    def delete(self, entity: str, record_id: int) -> dict:
        """Soft-delete one deal/person/organization/activity now."""
        with self.world.lock:
            return copy.deepcopy(mutations.delete_record(self.world, table_name(entity), record_id, self.now_iso))

    def truth(self, entity: str) -> list[dict]:
        """Current records as the API shows them, by id; deals include deleted ones not yet purged."""
        return self.world.truth(entity)

    def field_catalog(self, entity: str) -> list[dict]:
        """The v1 *Fields objects for 'deal(s)', 'person(s)', 'organization(s)', 'activity/activities'."""
        return self.world.catalog(entity)

    # -- rate limits -----------------------------------------------------------------------------
    @property
    def daily_budget_left(self) -> int | None:
        return self.limiter.daily_budget_left

    def reset_daily_budget(self) -> None:
        self.limiter.reset_daily_budget()

    # -- faults (clear_faults, requests, request_count, clear_requests: LoopbackSimulator) -----------
    def storm(self, n: int = 1, *, reset: int | None = None, after: int = 0, path: str | None = None) -> None:
        """Next n requests get 429 'Request over limit' with x-ratelimit-remaining 0 and reset 1 or 2."""
        self.faults.add("storm", n, reset=reset, after=after, path=path)

    def fail_5xx(self, n: int = 1, status: int = 500, *, after: int = 0, path: str | None = None) -> None:
        """Next n requests fail with `status` (500: JSON envelope; 502/503/504: the CDN's HTML page)."""
        self.faults.add("fail_5xx", n, status=status, after=after, path=path)

    def slow(self, n: int = 1, seconds: float = 2.0, *, after: int = 0, path: str | None = None) -> None:
        self.faults.add("slow", n, seconds=float(seconds), after=after, path=path)

    def truncate(self, n: int = 1, mode: str = "length", *, after: int = 0, path: str | None = None) -> None:
        """mode 'length': Content-Length larger than the body, then close; 'json': valid HTTP, JSON cut mid-way."""
        self.faults.add("truncate", n, mode=mode, after=after, path=path)

    def state(self) -> dict:
        with self.world.lock:
            counts = {table: len(rows) for table, rows in self.world.tables.items()}
        return {"now": self.now_iso, "seed": self.seed, "counts": counts, "daily_budget_left": self.daily_budget_left,
                "burst_limit": self.limiter.burst_limit, "request_count": self.request_count,
                "pending_faults": self.faults.pending()}
