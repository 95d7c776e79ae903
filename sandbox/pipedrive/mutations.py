"""Time passing: advance the sim clock and apply a deterministic batch of changes inside the window.

Data flow: advance(world, delta, changes) -> timestamps in (old now, new now] -> one weighted operation per
timestamp (create / update / stage move / won / lost / soft-delete / field or option rename / ...) ->
world.now = new now -> purge of records deleted > 30 days ago -> list of change dicts (what happened).
Run standalone: python -c "from sandbox.pipedrive.generate import build_world; from sandbox.pipedrive.mutations import advance; from datetime import timedelta; w = build_world(1); print(advance(w, timedelta(hours=6), 8))"

Determinism: every choice draws from world.rng in a fixed order, so the same seed and the same sequence
of advance() calls give the same data. About a third of the changes reuse the previous change's second
(and the second change always does), so records sharing an update_time second keep appearing at the
inclusive `updated_since` boundary.
"""
from __future__ import annotations

from datetime import date, timedelta

from sandbox.pipedrive import catalog, records
from sandbox.pipedrive.generate import mark_deleted
from sandbox.pipedrive.wire import rfc3339, to_v1_time
from sandbox.pipedrive.world import FIELD_ENTITY, World

SHARED_SECOND_SHARE = 0.35


def advance(world: World, delta: timedelta, changes: int) -> list[dict]:
    """Move world.now forward by `delta` and apply `changes` operations stamped inside the window."""
    span = int(delta.total_seconds())
    if span < 1:
        raise ValueError("advance() needs at least one second of sim time")
    if changes < 0:
        raise ValueError("changes must be >= 0")
    rng, start = world.rng, world.now
    offsets: list[int] = []
    for index in range(changes):
        shared = index == 1 or (offsets and rng.random() < SHARED_SECOND_SHARE)
        offsets.append(offsets[-1] if shared else rng.randint(1, span))
    names, weights = zip(*((name, weight) for name, (weight, _) in OPERATIONS.items()))
    log = []
    for offset in sorted(offsets):
        at = rfc3339(start + timedelta(seconds=offset))
        op = rng.choices(names, weights)[0]
        entry = OPERATIONS[op][1](world, at)
        if entry is not None:
            log.append({"at": at, "op": op, **entry})
    world.now = start + timedelta(seconds=span)
    log.extend({"at": world.now_str(), "op": "purge", "entity": table, "id": record_id}
               for table, record_id in world.purge())
    return log


def _pick_live(world: World, table: str, where=None) -> dict | None:
    ids = [i for i in world.live_ids(table) if where is None or where(world.tables[table][i])]
    return world.tables[table][world.rng.choice(ids)] if ids else None


def update_record(world: World, table: str, record_id: int, changes: dict, at: str) -> dict:
    record = world.tables[table][record_id]
    if record.get("is_deleted"):
        raise ValueError(f"{table} {record_id} is deleted; deleted records are not edited")
    record.update(changes)
    record["update_time"] = at
    return record


def delete_record(world: World, table: str, record_id: int, at: str) -> dict:
    record = world.tables[table][record_id]
    mark_deleted(record, table, at)
    return record


def _create(table: str, build):
    def op(world: World, at: str) -> dict:
        record = world.add(table, build(world, world.counters.get(table, 1), at, at))
        return {"entity": table, "id": record["id"]}
    return op


def _delete(table: str):
    def op(world: World, at: str) -> dict | None:
        record = _pick_live(world, table)
        if record is None:
            return None
        delete_record(world, table, record["id"], at)
        return {"entity": table, "id": record["id"]}
    return op


def _update_fields(table: str):
    """A plain edit: one custom field value changes (activities: the due date moves)."""
    def op(world: World, at: str) -> dict | None:
        record = _pick_live(world, table)
        if record is None:
            return None
        fields = catalog.value_fields(world.catalogs[FIELD_ENTITY[table]])
        if fields and "custom_fields" in record:
            field = world.rng.choice(fields)
            record["custom_fields"][field["key"]] = catalog.custom_value(world.rng, field, world.user_ids(), record["id"])
        elif table == "activities":  # no custom fields on v2 activities: reschedule instead
            due = date.fromisoformat(record["due_date"]) + timedelta(days=world.rng.randint(1, 7))
            record["due_date"] = due.isoformat()
        if table == "deals":
            record["value"] = float(world.rng.randint(100, 90000))
        update_record(world, table, record["id"], {}, at)
        return {"entity": table, "id": record["id"]}
    return op


def _move_stage(world: World, at: str) -> dict | None:
    deal = _pick_live(world, "deals", lambda d: d["status"] == "open")
    if deal is None:
        return None
    stages = [s for s in world.tables["stages"].values()
              if s["pipeline_id"] == deal["pipeline_id"] and s["id"] != deal["stage_id"]]
    if not stages:
        return None
    stage = world.rng.choice(sorted(stages, key=lambda s: s["id"]))
    update_record(world, "deals", deal["id"], {"stage_id": stage["id"], "stage_change_time": at}, at)
    return {"entity": "deals", "id": deal["id"], "stage_id": stage["id"]}


def _close(status: str):
    def op(world: World, at: str) -> dict | None:
        deal = _pick_live(world, "deals", lambda d: d["status"] == "open")
        if deal is None:
            return None
        records.set_deal_status(world, deal, status, at)
        update_record(world, "deals", deal["id"], {}, at)
        return {"entity": "deals", "id": deal["id"], "status": status}
    return op


def _toggle_done(world: World, at: str) -> dict | None:
    activity = _pick_live(world, "activities")
    if activity is None:
        return None
    done = not activity["done"]
    update_record(world, "activities", activity["id"], {"done": done, "marked_as_done_time": at if done else None}, at)
    return {"entity": "activities", "id": activity["id"], "done": done}


def _field_change(kind: str):
    def op(world: World, at: str) -> dict | None:
        entity = world.rng.choice(("deal", "person", "organization"))
        rows = world.catalogs[entity]
        if kind == "add_field":
            new_rows = catalog.random_new_field(world.rng, world.allocate, at, world.user_ids()[0], len(rows))
            rows.extend(new_rows)
            table = next(t for t, e in FIELD_ENTITY.items() if e == entity)
            for record in world.tables[table].values():
                record["custom_fields"][new_rows[0]["key"]] = None  # a new field shows as null everywhere
            return {"entity": entity + "Fields", "key": new_rows[0]["key"], "name": new_rows[0]["name"]}
        candidates = [f for f in catalog.value_fields(rows) if kind == "rename_field" or f.get("options")]
        if not candidates:
            return None
        change = (catalog.rename_field if kind == "rename_field" else catalog.rename_option)(
            world.rng, world.rng.choice(candidates), at)
        return {"entity": entity + "Fields", **change}
    return op


def _rename_stage(world: World, at: str) -> dict:
    stage = world.tables["stages"][world.rng.choice(sorted(world.tables["stages"]))]
    stage["name"] = stage["name"].split(" ·")[0] + f" · {at[:10]}"
    stage["update_time"] = at
    return {"entity": "stages", "id": stage["id"], "name": stage["name"]}


def _user_login(world: World, at: str) -> dict:
    user = world.tables["users"][world.rng.choice(world.user_ids())]
    user["modified"] = user["last_login"] = to_v1_time(at)
    return {"entity": "users", "id": user["id"]}


# name -> (relative weight, operation(world, at) -> change dict or None when nothing fits)
OPERATIONS = {
    "create_deal": (3.0, _create("deals", lambda w, n, a, u: records.make_deal(w, n, a, u, "open"))),
    "update_deal": (4.0, _update_fields("deals")),
    "move_deal_stage": (3.0, _move_stage),
    "win_deal": (1.5, _close("won")),
    "lose_deal": (1.5, _close("lost")),
    "delete_deal": (1.0, _delete("deals")),
    "create_person": (2.0, _create("persons", records.make_person)),
    "update_person": (2.0, _update_fields("persons")),
    "delete_person": (0.6, _delete("persons")),
    "create_organization": (1.0, _create("organizations", records.make_organization)),
    "update_organization": (1.0, _update_fields("organizations")),
    "delete_organization": (0.4, _delete("organizations")),
    "create_activity": (3.0, _create("activities", records.make_activity)),
    "update_activity": (1.0, _update_fields("activities")),
    "toggle_activity_done": (2.0, _toggle_done),
    "delete_activity": (1.0, _delete("activities")),
    "rename_field": (0.5, _field_change("rename_field")),
    "rename_option": (0.5, _field_change("rename_option")),
    "add_field": (0.15, _field_change("add_field")),
    "rename_stage": (0.2, _rename_stage),
    "user_login": (0.2, _user_login),
}
