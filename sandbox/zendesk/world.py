"""The simulated Zendesk account's state: tables of records, id counters, the sim clock, and the rules
that derive from the clock (the 60 s hold-back, archiving).

Data flow: generate.build_world() fills a World -> endpoints read it (under `lock`) -> mutations change it;
truth() hands deep copies to tests.
Run standalone: python -c "from sandbox.zendesk.generate import build_world; w = build_world(1); print(w.now_str(), {k: len(v) for k, v in w.tables.items()})"

Records are stored exactly as the API shows them, so the truth and the responses cannot drift apart.
Nothing is ever removed: deleted tickets keep `status: "deleted"`, deleted organizations `deleted_at`,
deleted users `active: false`, deleted groups `deleted: true` (doc §2.7).
Derived, never stored: a ticket is *archived* when it is closed and its last update is more than
ARCHIVE_AFTER before now (Zendesk archives closed tickets after 120 days; archived tickets leave
/api/v2/tickets but stay in the exports); a ticket is an *AI-agent ticket* when via.channel is
"ai_agent" (what support_type_scope filters on); a record is *held back* by the exports while its
timestamp is within HOLD_BACK seconds of now.
"""
from __future__ import annotations

import copy
import random
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sandbox.zendesk.wire import epoch, iso_of

TABLES = ("tickets", "users", "organizations", "groups", "ticket_fields", "ticket_forms")
HOLD_BACK = 60
ARCHIVE_AFTER = timedelta(days=120)
AI_AGENT_CHANNEL = "ai_agent"
# Large ids like a real account's (they overflow int32: a loader must use bigint). Tickets count up by
# one, like Zendesk's per-account ticket numbers; other kinds leave gaps.
ID_START = {"tickets": 2_147_490_001, "users": 360_002_783_572, "organizations": 6_128_164_851_599,
            "groups": 360_000_112_345, "field": 360_011_170_001, "option": 360_031_640_001,
            "form": 360_000_431_001, "brand": 360_000_020_001, "rating": 360_190_000_001}


def table_name(entity: str) -> str:
    """Accept 'tickets', 'ticket', 'ticket_field', ... -> the table name."""
    for table in TABLES:
        if entity in (table, table[:-1]):
            return table
    raise KeyError(f"unknown Zendesk entity {entity!r}; known: {', '.join(TABLES)}")


@dataclass
class World:
    seed: int
    now: datetime
    rng: random.Random
    base: str                        # the account's canonical https://{subdomain}.zendesk.com (record urls)
    forms_on_plan: bool = True
    tables: dict[str, dict[int, dict]] = field(default_factory=lambda: {t: {} for t in TABLES})
    brand_ids: list[int] = field(default_factory=list)
    counters: dict[str, int] = field(default_factory=dict)
    lock: threading.RLock = field(default_factory=threading.RLock)

    def allocate(self, kind: str) -> int:
        value = self.counters.get(kind, ID_START[kind])
        step = 1 if kind == "tickets" else 1 + (value * 7919) % 977  # deterministic gaps, no rng draw
        self.counters[kind] = value + step
        return value

    @property
    def now_epoch(self) -> int:
        return int(self.now.timestamp())

    def now_str(self) -> str:
        return iso_of(self.now)

    def add(self, table: str, record: dict) -> dict:
        self.tables[table][record["id"]] = record
        return record

    def visible_until(self) -> int:
        """Newest timestamp an export may return now (the last minute is held back, doc §2.2)."""
        return self.now_epoch - HOLD_BACK

    def is_archived(self, ticket: dict) -> bool:
        cutoff = self.now_epoch - int(ARCHIVE_AFTER.total_seconds())
        return ticket["status"] == "closed" and epoch(ticket["updated_at"]) <= cutoff

    @staticmethod
    def is_ai_agent(ticket: dict) -> bool:
        return ticket["via"]["channel"] == AI_AGENT_CHANNEL

    def editable_ticket_ids(self, include_closed: bool = False) -> list[int]:
        """Tickets an agent can still change: not deleted, not archived (closed ones only if asked)."""
        return sorted(i for i, t in self.tables["tickets"].items()
                      if t["status"] != "deleted" and not self.is_archived(t)
                      and (include_closed or t["status"] != "closed"))

    def user_ids(self, roles: tuple[str, ...] = ("end-user",), active_only: bool = True) -> list[int]:
        return sorted(i for i, u in self.tables["users"].items()
                      if u["role"] in roles and (u["active"] or not active_only))

    def agent_ids(self) -> list[int]:
        return self.user_ids(("agent", "admin"))

    def live_ids(self, table: str) -> list[int]:
        rows = self.tables[table]
        return sorted(i for i, r in rows.items() if not r.get("deleted") and not r.get("deleted_at"))

    def fields(self) -> list[dict]:
        rows = self.tables["ticket_fields"]
        return [rows[i] for i in sorted(rows)]

    def truth(self, entity: str) -> list[dict]:
        with self.lock:
            rows = self.tables[table_name(entity)]
            return [copy.deepcopy(rows[i]) for i in sorted(rows)]
