"""Field catalogs (v1 `*Fields` objects) and custom-field values in their v2 representation.

Data flow: random.Random -> build_catalogs() -> {entity: [v1 field object]} served by /api/v1/{entity}Fields;
catalog + rng -> custom_values() -> record["custom_fields"] ({40-hex key: v2 value}).
Run standalone: python -c "import random, itertools; from sandbox.pipedrive.catalog import *; c = itertools.count(1); print(build_catalogs(random.Random(1), [1], '2026-11-01T00:00:00Z', lambda kind: next(c))['deal'][-1])"

v2 value shapes (doc §4.1): varchar/text -> str, double -> number, monetary -> {"value", "currency"},
enum -> int option id, set -> [int ids], date -> "YYYY-MM-DD", user -> user id. Activities carry no
custom fields in v2 (doc §4.1), so their catalog holds built-ins only. Renames change `name` or an
option `label`, never `key` or option `id` (doc §4.1) and bump the field's `update_time`.
"""
from __future__ import annotations

import random
from typing import Callable

from sandbox.pipedrive import names
from sandbox.pipedrive.wire import to_v1_time

CURRENCIES = ("EUR", "USD", "GBP")
ENTITIES = ("deal", "person", "organization", "activity")
ACTIVITY_TYPES = (("call", "Call"), ("meeting", "Meeting"), ("task", "Task"), ("deadline", "Deadline"),
                  ("email", "Email"), ("lunch", "Lunch"))

# (key, name, field_type, options) -- built-in fields keep readable snake_case keys and edit_flag false.
_BUILTIN = {
    "deal": (("id", "ID", "int", None), ("title", "Title", "varchar", None),
             ("creator_user_id", "Creator", "user", None), ("user_id", "Owner", "user", None),
             ("value", "Value", "monetary", None), ("currency", "Currency", "varchar", None),
             ("org_id", "Organization", "org", None), ("person_id", "Contact person", "people", None),
             ("pipeline_id", "Pipeline", "int", None), ("stage_id", "Stage", "stage", None),
             ("status", "Status", "status", None), ("probability", "Probability", "double", None),
             ("label", "Label", "set", ("Hot", "Warm", "Cold")), ("add_time", "Deal created", "date", None),
             ("update_time", "Update time", "date", None), ("won_time", "Won time", "date", None),
             ("lost_time", "Lost time", "date", None), ("lost_reason", "Lost reason", "varchar", None),
             ("expected_close_date", "Expected close date", "date", None),
             ("visible_to", "Visible to", "visible_to", None)),
    "person": (("id", "ID", "int", None), ("name", "Name", "varchar", None),
               ("first_name", "First name", "varchar", None), ("last_name", "Last name", "varchar", None),
               ("org_id", "Organization", "org", None), ("owner_id", "Owner", "user", None),
               ("email", "Email", "varchar", None), ("phone", "Phone", "phone", None),
               ("label", "Label", "set", ("Customer", "Lead", "Partner")),
               ("add_time", "Person created", "date", None), ("update_time", "Update time", "date", None),
               ("visible_to", "Visible to", "visible_to", None)),
    "organization": (("id", "ID", "int", None), ("name", "Name", "varchar", None),
                     ("owner_id", "Owner", "user", None), ("address", "Address", "address", None),
                     ("label", "Label", "set", ("Customer", "Prospect", "Vendor")),
                     ("people_count", "People", "int", None),
                     ("add_time", "Organization created", "date", None),
                     ("update_time", "Update time", "date", None), ("visible_to", "Visible to", "visible_to", None)),
    "activity": (("id", "ID", "int", None), ("subject", "Subject", "varchar", None),
                 ("type", "Type", "enum", ACTIVITY_TYPES), ("due_date", "Due date", "date", None),
                 ("due_time", "Due time", "time", None), ("duration", "Duration", "time", None),
                 ("done", "Done", "enum", None), ("user_id", "Assigned to user", "user", None),
                 ("deal_id", "Deal", "deal", None), ("person_id", "Contact person", "people", None),
                 ("org_id", "Organization", "org", None), ("note", "Note", "text", None),
                 ("busy_flag", "Free/busy", "enum", None), ("add_time", "Add time", "date", None),
                 ("update_time", "Update time", "date", None)),
}
# (name, field_type, option labels, active) -- the custom fields every simulated company has.
_CUSTOM = {
    "deal": (("Contract type", "enum", ("Annual", "Monthly", "Pilot", "Übernahme"), True),
             ("Modules", "set", ("CRM", "Billing", "Analytics", "Support", "API 連携"), True),
             ("Partner margin", "double", None, True), ("Budget", "monetary", None, True),
             ("Next review", "date", None, True), ("Account manager", "user", None, True),
             ("Internal notes", "text", None, True), ("PO number", "varchar", None, True),
             ("Legacy score", "double", None, False)),
    "person": (("Segment", "enum", ("SMB", "Mid-market", "Enterprise"), True),
               ("Interests", "set", ("Webinars", "Newsletter", "Événements", "Beta"), True),
               ("Birthday", "date", None, True), ("LinkedIn", "varchar", None, True),
               ("Lead score", "double", None, True)),
    "organization": (("Industry", "enum", ("Retail", "Manufacturing", "SaaS", "Logistik", "金融"), True),
                     ("Employees", "double", None, True), ("Regions", "set", ("EMEA", "APAC", "AMER"), True),
                     ("VAT number", "varchar", None, True), ("Annual revenue", "monetary", None, True)),
    "activity": (),
}
_RENAME_SUFFIXES = ("(old)", "– updated", "2", "(FY27)", "✱", "(Neu)")
_NEW_FIELD_TYPES = ("varchar", "double", "enum", "date")


def _hash_key(rng: random.Random) -> str:
    return "%040x" % rng.getrandbits(160)


def _field(fid: int, key: str, name: str, field_type: str, custom: bool, at: str, user_id: int,
           order_nr: int, active: bool = True) -> dict:
    return {"id": fid, "key": key, "name": name, "order_nr": order_nr, "field_type": field_type,
            "json_column_flag": False, "add_time": to_v1_time(at), "update_time": to_v1_time(at),
            "last_updated_by_user_id": user_id, "edit_flag": custom, "details_visible_flag": True,
            "add_visible_flag": custom, "important_flag": False, "bulk_edit_allowed": True,
            "filtering_allowed": True, "sortable_flag": True, "searchable_flag": field_type in ("varchar", "text"),
            "index_visible_flag": True, "mandatory_flag": False, "active_flag": active}


def _with_options(field: dict, labels, allocate: Callable[[str], int]) -> dict:
    if labels and isinstance(labels[0], tuple):  # activity `type`: string option ids (doc §4.2)
        field["options"] = [{"id": oid, "label": label} for oid, label in labels]
    else:
        field["options"] = [{"id": allocate("option"), "label": label} for label in labels]
    field["options_deleted"] = []
    return field


def new_custom_field(rng: random.Random, allocate: Callable[[str], int], name: str, field_type: str, labels,
                     at: str, user_id: int, order_nr: int, active: bool = True) -> list[dict]:
    """One custom field -> its catalog rows (monetary adds a `currency` subfield row, doc §4.2).

    allocate(kind) hands out ids: kind "field" for field rows, "option" for enum/set options.
    """
    fid = allocate("field")
    field = _field(fid, _hash_key(rng), name, field_type, True, at, user_id, order_nr, active)
    if field_type in ("enum", "set"):
        _with_options(field, labels, allocate)
    rows = [field]
    if field_type == "monetary":
        sub = _field(allocate("field"), field["key"] + "_currency", f"Currency of {name}", "varchar", True,
                     at, user_id, order_nr, active)
        sub.update({"is_subfield": True, "parent_id": fid, "id_suffix": "currency"})
        rows.append(sub)
    return rows


def build_catalogs(rng: random.Random, user_ids: list[int], created: str,
                   allocate: Callable[[str], int]) -> dict[str, list[dict]]:
    catalogs: dict[str, list[dict]] = {}
    for entity in ENTITIES:
        rows = []
        for order, (key, name, field_type, labels) in enumerate(_BUILTIN[entity]):
            field = _field(allocate("field"), key, name, field_type, False, created, user_ids[0], order)
            rows.append(_with_options(field, labels, allocate) if labels else field)
        for order, (name, field_type, labels, active) in enumerate(_CUSTOM[entity], start=len(rows)):
            rows.extend(new_custom_field(rng, allocate, name, field_type, labels, created, user_ids[0],
                                         order, active))
        catalogs[entity] = rows
    return catalogs


def value_fields(catalog: list[dict]) -> list[dict]:
    """Custom fields whose values appear in v2 `custom_fields` (active, not subfield rows)."""
    return [f for f in catalog if f["edit_flag"] and f["active_flag"] and not f.get("is_subfield")]


def custom_value(rng: random.Random, field: dict, user_ids: list[int], nth: int):
    kind = field["field_type"]
    if rng.random() < 0.25:
        return None  # unset fields come back as null, not absent
    if kind in ("varchar", "text"):
        return names.note(rng, nth) if kind == "text" else f"PO-{rng.randint(1000, 99999)}"
    if kind == "double":
        return rng.choice((rng.randint(0, 500), round(rng.uniform(0, 100), 2)))
    if kind == "monetary":
        return {"value": round(rng.uniform(100, 50000), 2), "currency": rng.choice(CURRENCIES)}
    if kind == "enum":
        return rng.choice(field["options"])["id"]
    if kind == "set":
        picked = rng.sample(field["options"], rng.randint(1, min(3, len(field["options"]))))
        return sorted(option["id"] for option in picked)
    if kind == "date":
        return f"{rng.randint(2024, 2027)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    if kind == "user":
        return rng.choice(user_ids)
    raise ValueError(f"no generator for custom field type {kind!r}")


def custom_values(rng: random.Random, catalog: list[dict], user_ids: list[int], nth: int) -> dict:
    return {f["key"]: custom_value(rng, f, user_ids, nth) for f in value_fields(catalog)}


def _renamed(rng: random.Random, text: str) -> str:
    """'Budget' -> 'Budget (FY27)' -> 'Budget (old)': one suffix at a time, so names never grow."""
    base = next((text[:-len(s) - 1] for s in _RENAME_SUFFIXES if text.endswith(" " + s)), text)
    suffix = rng.choice([s for s in _RENAME_SUFFIXES if text != f"{base} {s}"])
    return f"{base} {suffix}"


def rename_field(rng: random.Random, field: dict, at: str) -> dict:
    old = field["name"]
    field["name"] = _renamed(rng, old)
    field["update_time"] = to_v1_time(at)
    return {"key": field["key"], "old_name": old, "new_name": field["name"]}


def rename_option(rng: random.Random, field: dict, at: str) -> dict:
    option = rng.choice(field["options"])
    old = option["label"]
    option["label"] = _renamed(rng, old)
    field["update_time"] = to_v1_time(at)
    return {"key": field["key"], "option_id": option["id"], "old_label": old, "new_label": option["label"]}


def random_new_field(rng: random.Random, allocate: Callable[[str], int], at: str, user_id: int,
                     order_nr: int) -> list[dict]:
    field_type = rng.choice(_NEW_FIELD_TYPES)
    labels = ("Option A", "Option B", "Opción C") if field_type == "enum" else None
    name = f"New field {rng.randint(100, 999)}"
    return new_custom_field(rng, allocate, name, field_type, labels, at, user_id, order_nr)
