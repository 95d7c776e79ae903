"""The simulated company's state: tables of records, field catalogs, id counters and the sim clock.

Data flow: generate.build_world() fills a World -> endpoints read it (under `lock`) -> mutations change it;
truth()/catalog() hand deep copies to tests.
Run standalone: python -c "from sandbox.pipedrive.generate import build_world; w = build_world(1); print(w.now_str(), {k: len(v) for k, v in w.tables.items()})"

Records are stored exactly as API v2 shows them (users as v1 shows them), so the "truth" and the
response can never drift apart. Soft-deleted records are purged PURGE_AFTER after deletion (doc §2.4);
for a deleted record `update_time` is the delete time (doc §2.4), which is what the purge compares.
"""
from __future__ import annotations

import copy
import random
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sandbox.pipedrive.wire import rfc3339

TABLES = ("deals", "persons", "organizations", "activities", "pipelines", "stages", "users")
SOFT_DELETING = ("deals", "persons", "organizations", "activities")
FIELD_ENTITY = {"deals": "deal", "persons": "person", "organizations": "organization", "activities": "activity"}
PURGE_AFTER = timedelta(days=30)
# First ids handed out per kind: users and fields get large ids like the real API does.
ID_START = {"users": 11884360, "field": 12450, "option": 31}


def table_name(entity: str) -> str:
    """Accept 'deals', 'deal', 'dealFields', 'organization', ... -> the table name ('deals')."""
    base = entity[:-len("Fields")] if entity.endswith("Fields") else entity
    for table in TABLES:
        if base in (table, table[:-1], table.rstrip("s")) or (table == "activities" and base == "activity"):
            return table
    raise KeyError(f"unknown Pipedrive entity {entity!r}; known: {', '.join(TABLES)}")


@dataclass
class World:
    seed: int
    now: datetime
    rng: random.Random
    tables: dict[str, dict[int, dict]] = field(default_factory=lambda: {t: {} for t in TABLES})
    catalogs: dict[str, list[dict]] = field(default_factory=dict)
    counters: dict[str, int] = field(default_factory=dict)
    lock: threading.RLock = field(default_factory=threading.RLock)

    def allocate(self, kind: str) -> int:
        value = self.counters.get(kind, ID_START.get(kind, 1))
        self.counters[kind] = value + 1
        return value

    def now_str(self) -> str:
        return rfc3339(self.now)

    def add(self, table: str, record: dict) -> dict:
        self.tables[table][record["id"]] = record
        return record

    def live_ids(self, table: str) -> list[int]:
        """Ids of records not soft-deleted, in id order (deterministic choices need a stable order)."""
        return sorted(i for i, r in self.tables[table].items() if not r.get("is_deleted"))

    def user_ids(self, active_only: bool = True) -> list[int]:
        return sorted(i for i, u in self.tables["users"].items() if u["active_flag"] or not active_only)

    def purge(self) -> list[tuple[str, int]]:
        """Drop soft-deleted records whose delete time is more than PURGE_AFTER before `now`."""
        cutoff = rfc3339(self.now - PURGE_AFTER)
        purged = []
        for table in SOFT_DELETING:
            rows = self.tables[table]
            for record_id in [i for i, r in rows.items() if r["is_deleted"] and r["update_time"] < cutoff]:
                del rows[record_id]
                purged.append((table, record_id))
        return purged

    def truth(self, entity: str) -> list[dict]:
        with self.lock:
            rows = self.tables[table_name(entity)]
            return [copy.deepcopy(rows[i]) for i in sorted(rows)]

    def catalog(self, entity: str) -> list[dict]:
        with self.lock:
            return copy.deepcopy(self.catalogs[FIELD_ENTITY[table_name(entity)]])
