"""Initial data set of a simulated company, deterministic from the seed.

Data flow: (seed, counts, start) -> random.Random(seed) -> users, catalogs, pipelines, stages,
organizations, persons, deals, activities -> soft-deletes -> shared-second bursts -> purge -> World.
Run standalone: python -c "from sandbox.pipedrive.generate import build_world; w = build_world(7); print({t: len(r) for t, r in w.tables.items()})"

All times lie before `start` (the sim clock's "now"): nothing has update_time > now. Ids follow
creation order (add_time ascending), like a real account. A few "bulk edit" instants are given to
several records at once so the same update_time second is shared (exercises the inclusive
`updated_since` boundary). Some records are soft-deleted 0-45 days ago; those older than 30 days are
purged before the first request, leaving id gaps exactly as a real account has.
"""
from __future__ import annotations

import random
from datetime import timedelta

from sandbox.pipedrive import catalog, records
from sandbox.pipedrive.wire import parse_rfc3339, rfc3339
from sandbox.pipedrive.world import SOFT_DELETING, World

DEFAULT_START = "2026-11-01T00:00:00Z"
DEFAULT_COUNTS = {"pipelines": 3, "stages": 12, "users": 8, "organizations": 60, "persons": 150,
                  "deals": 300, "activities": 400}
HISTORY_DAYS = 3 * 365
DELETED_SHARE = 0.05
BULK_INSTANTS = 3        # bulk edits that stamp many records with one second
BULK_SHARE = 0.05        # chance a record takes part in each bulk edit
DEAL_STATUS_WEIGHTS = (("open", 0.6), ("won", 0.25), ("lost", 0.15))


def _sorted_times(world: World, count: int, low: str, high: str) -> list[str]:
    return sorted(records.between(world, low, high) for _ in range(count))


def _check_counts(counts: dict) -> None:
    unknown = set(counts) - set(DEFAULT_COUNTS)
    if unknown:
        raise ValueError(f"unknown record counts {sorted(unknown)}; known: {sorted(DEFAULT_COUNTS)}")
    if counts["users"] < 1 or counts["pipelines"] < 1 or counts["stages"] < counts["pipelines"]:
        raise ValueError("need at least 1 user, 1 pipeline and one stage per pipeline")


def build_world(seed: int = 1, counts: dict | None = None, start: str = DEFAULT_START) -> World:
    counts = {**DEFAULT_COUNTS, **{k: v for k, v in (counts or {}).items() if v is not None}}
    _check_counts(counts)
    now = parse_rfc3339(start)
    world = World(seed=seed, now=now, rng=random.Random(seed))
    founded = rfc3339(now - timedelta(days=HISTORY_DAYS))
    yesterday, last_second = rfc3339(now - timedelta(days=1)), rfc3339(now - timedelta(seconds=1))

    for nth, created in enumerate(_sorted_times(world, counts["users"], founded, yesterday)):
        world.add("users", records.make_user(world, nth, created, records.between(world, created, last_second)))
    world.catalogs = catalog.build_catalogs(world.rng, world.user_ids(False), founded, world.allocate)
    _build_pipelines(world, counts, founded, last_second)

    builders = (("organizations", records.make_organization), ("persons", records.make_person),
                ("deals", _make_deal), ("activities", records.make_activity))
    for table, build in builders:
        for nth, added in enumerate(_sorted_times(world, counts[table], founded, yesterday)):
            world.add(table, build(world, nth, added, records.between(world, added, last_second)))

    _soft_delete_some(world, last_second)
    _bulk_edits(world)
    world.purge()
    return world


def _build_pipelines(world: World, counts: dict, founded: str, last_second: str) -> None:
    pipeline_ids = []
    for nth in range(counts["pipelines"]):
        added = records.between(world, founded, founded[:4] + "-12-31T23:59:59Z")
        pipeline_ids.append(world.add("pipelines", records.make_pipeline(
            world, nth, added, records.between(world, added, last_second)))["id"])
    for index in range(counts["stages"]):
        pipeline_id = pipeline_ids[index % len(pipeline_ids)]
        order_nr = index // len(pipeline_ids) + 1
        added = world.tables["pipelines"][pipeline_id]["add_time"]
        # Stages never edited since creation have update_time null (doc §5.8).
        updated = None if world.rng.random() < 0.4 else records.between(world, added, last_second)
        world.add("stages", records.make_stage(world, pipeline_id, order_nr, added, updated))


def _make_deal(world: World, nth: int, added: str, updated: str) -> dict:
    labels, weights = zip(*DEAL_STATUS_WEIGHTS)
    return records.make_deal(world, nth, added, updated, world.rng.choices(labels, weights)[0])


def _soft_delete_some(world: World, last_second: str) -> None:
    window_start = rfc3339(world.now - timedelta(days=45))
    for table in SOFT_DELETING:
        for record_id in sorted(world.tables[table]):
            if world.rng.random() >= DELETED_SHARE:
                continue
            record = world.tables[table][record_id]
            deleted_at = records.between(world, max(record["update_time"], window_start), last_second)
            mark_deleted(record, table, deleted_at)


def mark_deleted(record: dict, table: str, at: str) -> None:
    record["is_deleted"] = True
    record["update_time"] = at  # v2: update_time doubles as the delete time (doc §2.4)
    if table == "deals":
        record["status"] = "deleted"


def _bulk_edits(world: World) -> None:
    for _ in range(BULK_INSTANTS):
        instant = rfc3339(world.now - timedelta(days=world.rng.randint(1, 60), seconds=world.rng.randint(0, 86399)))
        for table in SOFT_DELETING:
            for record_id in sorted(world.tables[table]):
                record = world.tables[table][record_id]
                # Only move times forward, so won/lost/done times stay <= update_time.
                if (not record["is_deleted"] and record["update_time"] < instant
                        and world.rng.random() < BULK_SHARE):
                    record["update_time"] = instant
