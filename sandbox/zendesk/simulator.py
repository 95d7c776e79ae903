"""ZendeskSimulator: the object tests and the demo hold; owns the world, the limiter, the faults, the server.

Data flow: ZendeskSimulator(seed, email, token, counts...) -> build_world() -> start() (sandbox.common.server) ->
ThreadingHTTPServer on 127.0.0.1:<port> in a daemon thread -> app.Handler answers /api/v2/... and /_sim/...
Run standalone: python -m sandbox.zendesk --port 8766 --seed 1

    with ZendeskSimulator(seed=1) as sim:
        requests.get(sim.base_url + "/api/v2/incremental/tickets/cursor.json", params={"start_time": 0},
                     auth=(f"{DEFAULT_EMAIL}/token", DEFAULT_TOKEN))
        sim.advance(hours=24, changes=30)        # time passes, records change
        sim.truth("tickets")                     # what the API would show now (deleted, archived, AI-agent too)

One simulator is one Zendesk account (subdomain): a second account (scope) is a second instance with its
own seed and credentials. The sim clock (`now`) only moves with advance(); rate limits use the wall clock.
Record `url` fields name the account's canonical https://{subdomain}.zendesk.com, so a seed gives the
same records whatever port the server got; paging links (after_url, next_page, links) name the host the
client called, so they can be followed.
Lifecycle (start, stop, serve_forever, with, port, base_url) and the request-log accessors are inherited
from sandbox.common.server.LoopbackSimulator; the fault knobs stay here, one per kind, because
POST /_sim/faults calls them with the caller's options and a bad option's 400 names the knob.
"""
from __future__ import annotations

import copy
from datetime import timedelta

from sandbox.common.server import LoopbackSimulator
from sandbox.zendesk import edits, mutations
from sandbox.zendesk.app import Handler
from sandbox.zendesk.faults import Faults
from sandbox.zendesk.generate import DEFAULT_START, DEFAULT_SUBDOMAIN, build_world
from sandbox.zendesk.ratelimit import RateLimiter
from sandbox.zendesk.world import table_name

DEFAULT_EMAIL = "sim-admin@simco.example"
DEFAULT_TOKEN = "sim-zendesk-token"


class ZendeskSimulator(LoopbackSimulator):
    _handler = Handler
    _thread_name = "zendesk-sim"

    def __init__(self, seed: int = 1, email: str = DEFAULT_EMAIL, token: str = DEFAULT_TOKEN,
                 oauth_token: str | None = None, *, tickets: int | None = None, users: int | None = None,
                 organizations: int | None = None, groups: int | None = None, incremental_limit: int = 10,
                 account_limit: int = 700, window_seconds: float = 60.0, forms_on_plan: bool = True,
                 start: str = DEFAULT_START, subdomain: str = DEFAULT_SUBDOMAIN, host: str = "127.0.0.1",
                 port: int = 0):
        counts = {"tickets": tickets, "users": users, "organizations": organizations, "groups": groups}
        self.seed, self.email, self.token, self.oauth_token = seed, email, token, oauth_token
        self.world = build_world(seed, counts, start, subdomain, forms_on_plan)
        self.limiter = RateLimiter(account_limit, incremental_limit, window_seconds)
        self.faults = Faults()
        self._init_server(host, port)

    # -- sim clock and data ----------------------------------------------------------------------
    @property
    def now(self):
        return self.world.now

    @property
    def now_iso(self) -> str:
        return self.world.now_str()

    @property
    def now_epoch(self) -> int:
        return self.world.now_epoch

    def advance(self, hours: float = 0, *, days: float = 0, minutes: float = 0, seconds: float = 0,
                changes: int = 20) -> list[dict]:
        """Move the sim clock; apply `changes` deterministic mutations in (old now, new now - 61 s]."""
        delta = timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)
        with self.world.lock:
            return mutations.advance(self.world, delta, int(changes))

    def update(self, entity: str, record_id: int, **fields) -> dict:
        """Edit one record at sim now, e.g. update("tickets", id, status="solved", custom_fields={fid: v}).
        Stamped `now`, so the exports hold it back until the clock moves on by a minute."""
        with self.world.lock:
            record = edits.update_record(self.world, table_name(entity), record_id, fields, self.now_epoch)
            return copy.deepcopy(record)

    def system_update(self, entity: str, record_id: int) -> dict:
        """A change without a ticket event: generated_timestamp moves to now, updated_at stays."""
        if table_name(entity) != "tickets":
            raise ValueError("only tickets have a generated_timestamp")
        with self.world.lock:
            ticket = self.world.tables["tickets"][record_id]
            ticket["generated_timestamp"] = self.now_epoch
            return copy.deepcopy(ticket)

    def delete(self, entity: str, record_id: int) -> dict:
        """Ticket -> status "deleted"; organization -> deleted_at; user -> active false. Stamped now."""
        with self.world.lock:
            return copy.deepcopy(edits.delete_record(self.world, table_name(entity), record_id, self.now_epoch))

    def truth(self, entity: str) -> list[dict]:
        """Every record as the API shows it now, by id: deleted, archived and AI-agent tickets included."""
        return self.world.truth(entity)

    # -- faults (clear_faults, requests, request_count, clear_requests: LoopbackSimulator) -----------
    def storm(self, n: int = 1, bucket: str = "incremental", *, retry_after: int = 1, after: int = 0,
              path: str | None = None) -> None:
        """Next n matching requests get that bucket's 429 (incremental: JSON, account: plain text)."""
        self.faults.add("storm", n, bucket=bucket, retry_after=retry_after, after=after, path=path)

    def fail_503(self, n: int = 1, retry_after: int | None = None, *, after: int = 0, path: str | None = None) -> None:
        """Next n requests answer 503: with Retry-After (JSON body) or without it (HTML maintenance page)."""
        self.faults.add("fail_503", n, retry_after=retry_after, after=after, path=path)

    def slow(self, n: int = 1, seconds: float = 2.0, *, after: int = 0, path: str | None = None) -> None:
        self.faults.add("slow", n, seconds=float(seconds), after=after, path=path)

    def truncate(self, n: int = 1, mode: str = "length", *, after: int = 0, path: str | None = None) -> None:
        """mode 'length': Content-Length larger than the body, then close; 'json': valid HTTP, JSON cut mid-way."""
        self.faults.add("truncate", n, mode=mode, after=after, path=path)

    def empty_pages(self, n: int = 1, *, after: int = 0, path: str | None = None) -> None:
        """Next n cursor-export pages come back empty with end_of_stream false and a new after_cursor."""
        self.faults.add("empty_page", n, after=after, path=path)

    def state(self) -> dict:
        with self.world.lock:
            counts = {table: len(rows) for table, rows in self.world.tables.items()}
        return {"now": self.now_iso, "seed": self.seed, "counts": counts, "request_count": self.request_count,
                "limits": {"account": self.limiter.account.limit, "incremental": self.limiter.incremental.limit,
                           "window_seconds": self.limiter.account.window},
                "forms_on_plan": self.world.forms_on_plan, "pending_faults": self.faults.pending()}
