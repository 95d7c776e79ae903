"""Time passing: advance the sim clock and apply a deterministic batch of changes inside the window.

Data flow: advance(world, delta, changes) -> epochs in (old now, new now - 61 s] -> one weighted operation
per epoch (ticket create / update / retag / custom value / delete / system update, user and organization
changes, field, option and group renames) -> world.now = new now -> list of change dicts.
Run standalone: python -c "from sandbox.zendesk.generate import build_world; from sandbox.zendesk.mutations import advance; from datetime import timedelta; w = build_world(1); print(advance(w, timedelta(hours=6), 8))"

Changes stop 61 s short of the new now so that all of them are visible to the exports right after the
advance (the exports hold back the last minute). Determinism: every choice draws from world.rng in a
fixed order. About a third of the changes reuse the previous change's second, so records sharing a
timestamp keep appearing. A ticket update moves updated_at and generated_timestamp; a system update
moves only generated_timestamp (doc §5.1). Archived and deleted tickets are never edited.
"""
from __future__ import annotations

from datetime import timedelta

from sandbox.zendesk import catalog, names, records
from sandbox.zendesk.edits import delete_record, update_record
from sandbox.zendesk.wire import iso
from sandbox.zendesk.world import HOLD_BACK, World

SHARED_SECOND_SHARE = 0.35
TICKET_EDITS = ("status", "assignee_id", "group_id", "priority", "subject")
STATUS_NEXT = {"new": ("open",), "open": ("pending", "hold", "solved"), "pending": ("open", "solved"),
               "hold": ("open", "solved"), "solved": ("open", "closed")}


def advance(world: World, delta: timedelta, changes: int) -> list[dict]:
    span = int(delta.total_seconds())
    if span < 1 or changes < 0:
        raise ValueError("advance() needs at least one second of sim time and changes >= 0")
    if changes and span <= HOLD_BACK + 1:
        raise ValueError(f"advance() with changes needs more than {HOLD_BACK + 1} s so they are visible at once")
    rng, start = world.rng, world.now_epoch
    offsets: list[int] = []
    for index in range(changes):
        shared = index == 1 or (offsets and rng.random() < SHARED_SECOND_SHARE)
        offsets.append(offsets[-1] if shared else rng.randint(1, span - HOLD_BACK - 1))
    names_, weights = zip(*((name, weight) for name, (weight, _) in OPERATIONS.items()))
    log = []
    for offset in sorted(offsets):
        at = start + offset
        op = rng.choices(names_, weights)[0]
        entry = OPERATIONS[op][1](world, at)
        if entry is not None:
            log.append({"at": iso(at), "op": op, **entry})
    world.now += timedelta(seconds=span)
    return log


def _ticket(world: World, include_closed: bool = False) -> dict | None:
    ids = world.editable_ticket_ids(include_closed)
    return world.tables["tickets"][world.rng.choice(ids)] if ids else None


def _create(table: str, build):
    def op(world: World, at: int) -> dict:
        record = world.add(table, build(world, len(world.tables[table]), iso(at)))
        return {"entity": table, "id": record["id"]}
    return op


def _new_ticket(world: World, nth: int, at: str) -> dict:
    status = world.rng.choice(("new", "new", "open"))
    return records.make_ticket(world, nth, at, at, status, world.rng.random() < 0.03)


def _update_ticket(world: World, at: int) -> dict | None:
    ticket = _ticket(world)
    if ticket is None:
        return None
    what = world.rng.choice(TICKET_EDITS)
    value = {"status": lambda: world.rng.choice(STATUS_NEXT[ticket["status"]]),
             "assignee_id": lambda: world.rng.choice(world.agent_ids()),
             "group_id": lambda: world.rng.choice(world.live_ids("groups")),
             "priority": lambda: world.rng.choice(("low", "normal", "high", "urgent")),
             "subject": lambda: names.subject(world.rng, ticket["id"] % 997) + " (updated)"}[what]()
    update_record(world, "tickets", ticket["id"], {what: value}, at)
    return {"entity": "tickets", "id": ticket["id"], what: value}


def _retag_ticket(world: World, at: int) -> dict | None:
    ticket = _ticket(world)
    if ticket is None:
        return None
    free = [t for t in ticket["tags"] if t in names.TAGS]
    removed = world.rng.choice(free) if free else None
    added = world.rng.choice([t for t in names.TAGS if t not in ticket["tags"]])
    update_record(world, "tickets", ticket["id"], {"tags": sorted({*ticket["tags"], added} - {removed})}, at)
    return {"entity": "tickets", "id": ticket["id"], "added": added, "removed": removed}


def _custom_value(world: World, at: int) -> dict | None:
    ticket = _ticket(world)
    if ticket is None:
        return None
    field = world.rng.choice(catalog.value_fields(world.tables["ticket_fields"].values()))
    value = None if world.rng.random() < 0.3 else catalog.custom_value(world.rng, field, ticket["id"] % 997)
    update_record(world, "tickets", ticket["id"], {"custom_fields": {field["id"]: value}}, at)
    return {"entity": "tickets", "id": ticket["id"], "field_id": field["id"], "value": value}


def _system_update(world: World, at: int) -> dict | None:
    ticket = _ticket(world, include_closed=True)
    if ticket is None:
        return None
    ticket["generated_timestamp"] = at  # e.g. an SLA or metric recalculation: no ticket event, no updated_at
    return {"entity": "tickets", "id": ticket["id"]}


def _delete(table: str):
    def op(world: World, at: int) -> dict | None:
        if table == "tickets":
            ids = world.editable_ticket_ids(include_closed=True)
        elif table == "users":
            ids = world.user_ids()
        else:
            ids = world.live_ids(table)
        if not ids:
            return None
        record_id = world.rng.choice(ids)
        delete_record(world, table, record_id, at)
        return {"entity": table, "id": record_id}
    return op


def _update_user(world: World, at: int) -> dict | None:
    ids = world.user_ids(("end-user", "agent"))
    user = world.tables["users"][world.rng.choice(ids)]
    phone = names.phone(world.rng)
    update_record(world, "users", user["id"], {"phone": phone, "user_fields": {
        **user["user_fields"], "customer_tier": world.rng.choice(("tier_gold", "tier_silver", None))}}, at)
    return {"entity": "users", "id": user["id"], "phone": phone}


def _rename(table: str, key: str):
    def op(world: World, at: int) -> dict | None:
        ids = world.live_ids(table)
        if not ids:
            return None
        record = world.tables[table][world.rng.choice(ids)]
        new = record[key].split(" ·")[0] + f" · {iso(at)[:10]}"
        update_record(world, table, record["id"], {key: new}, at)
        return {"entity": table, "id": record["id"], key: new}
    return op


def _field_change(kind: str):
    def op(world: World, at: int) -> dict:
        fields = catalog.value_fields(world.tables["ticket_fields"].values())
        if kind == "rename_option":
            fields = [f for f in fields if f.get("custom_field_options")]
        rename = catalog.rename_field if kind == "rename_field" else catalog.rename_option
        return {"entity": "ticket_fields", **rename(world.rng, world.rng.choice(fields), iso(at))}
    return op


# name -> (relative weight, operation(world, at epoch) -> change dict, or None when nothing fits)
OPERATIONS = {
    "create_ticket": (3.0, _create("tickets", _new_ticket)),
    "update_ticket": (4.0, _update_ticket),
    "retag_ticket": (1.5, _retag_ticket),
    "change_custom_value": (2.5, _custom_value),
    "delete_ticket": (0.6, _delete("tickets")),
    "system_update_ticket": (1.2, _system_update),
    "create_user": (1.2, _create("users", lambda w, n, at: records.make_user(w, n, at, at, "end-user"))),
    "update_user": (1.0, _update_user),
    "deactivate_user": (0.4, _delete("users")),
    "create_organization": (0.5, _create("organizations", lambda w, n, at: records.make_organization(w, n, at, at))),
    "rename_organization": (0.5, _rename("organizations", "name")),
    "delete_organization": (0.25, _delete("organizations")),
    "rename_field": (0.3, _field_change("rename_field")),
    "rename_option": (0.3, _field_change("rename_option")),
    "rename_group": (0.2, _rename("groups", "name")),
}
