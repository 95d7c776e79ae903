"""Single edits of one record, as an agent or admin makes them: update, delete (the time is the caller's).

Data flow: sim.update()/sim.delete() (stamped sim now) and mutations.advance() (stamped inside the window)
-> update_record()/delete_record() -> the record in World.tables changes in place.
Run standalone: python -c "from sandbox.zendesk.generate import build_world; from sandbox.zendesk.edits import update_record; w = build_world(1); t = w.editable_ticket_ids()[0]; print(update_record(w, 'tickets', t, {'priority': 'urgent'}, w.now_epoch)['updated_at'])"

An edit moves updated_at and, on tickets, generated_timestamp (doc §5.1). Deletion is soft everywhere,
as the API shows it (doc §2.7): a ticket gets status "deleted", a user active false, an organization
deleted_at. Deleted and archived tickets are read-only, as on Zendesk.
"""
from __future__ import annotations

from sandbox.zendesk import catalog, records
from sandbox.zendesk.wire import iso
from sandbox.zendesk.world import World


def touch(record: dict, at: int) -> None:
    record["updated_at"] = iso(at)
    if "generated_timestamp" in record:
        record["generated_timestamp"] = at


def update_record(world: World, table: str, record_id: int, changes: dict, at: int) -> dict:
    """A user's edit: set fields (tickets: `custom_fields` as {field_id: value}) and stamp the time."""
    record = world.tables[table][record_id]
    if table == "tickets" and (record["status"] == "deleted" or world.is_archived(record)):
        raise ValueError(f"ticket {record_id} is deleted or archived; Zendesk does not edit those")
    changes = dict(changes)
    if changes.get("status") == "deleted":
        raise ValueError("a ticket is deleted with delete(), not by setting its status")
    for field_id, value in (changes.pop("custom_fields", None) or {}).items():
        catalog.set_custom_value(record, world.tables["ticket_fields"][int(field_id)], value)
    unknown = set(changes) - set(record)
    if unknown:
        raise ValueError(f"{table} records have no {sorted(unknown)}")
    record.update(changes)
    if "subject" in changes:
        record["raw_subject"] = changes["subject"]
    if "status" in changes and table == "tickets":
        record["custom_status_id"] = records.CUSTOM_STATUS.get(changes["status"], record["custom_status_id"])
    touch(record, at)
    return record


def delete_record(world: World, table: str, record_id: int, at: int) -> dict:
    record = world.tables[table][record_id]
    fields = {"tickets": {"status": "deleted"}, "users": {"active": False},
              "organizations": {"deleted_at": iso(at)}}.get(table)
    if fields is None:
        raise ValueError(f"{table} cannot be deleted here; tickets, users and organizations can")
    record.update(fields)
    touch(record, at)
    return record
