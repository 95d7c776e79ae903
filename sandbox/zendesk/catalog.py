"""The ticket field catalog (system + custom fields), custom field values, ticket forms, and their renames.

Data flow: allocate ids -> build_fields() -> /api/v2/ticket_fields records; a field + rng -> custom_value()
-> set_custom_value() writes it into a ticket's `custom_fields` AND `fields` and keeps its tags in step;
build_forms() -> /api/v2/ticket_forms records.
Run standalone: python -c "import itertools; from sandbox.zendesk.catalog import *; c = itertools.count(1); print(build_fields(lambda k: next(c), 'https://x.zendesk.com', '2024-01-01T00:00:00Z')[-4])"

Value representation (doc §5.1, pitfall 10): text/textarea/regexp -> str, checkbox -> JSON bool,
date -> "YYYY-MM-DD", integer and decimal -> numbers as STRINGS ("42", "12.50"), tagger -> the option's
tag `value` (never its label), multiselect -> list of option values; null when unset. The API reports
drop-down fields with type "tagger" (what it answers even for fields created as "dropdown").
As on Zendesk, choosing a drop-down/multiselect option or ticking a checkbox that has a `tag` adds that
tag to the ticket's `tags`, and clearing it removes the tag. Renames change a field's title or an option's
name; ids and option values (tags) never change, so stored ticket values stay valid.
"""
from __future__ import annotations

import random
from typing import Callable

SYSTEM = (("subject", "Subject"), ("description", "Description"), ("status", "Status"),
          ("tickettype", "Type"), ("priority", "Priority"), ("group", "Group"), ("assignee", "Assignee"))
SYSTEM_OPTIONS = {
    "status": (("New", "new"), ("Open", "open"), ("Pending", "pending"), ("On-hold", "hold"),
               ("Solved", "solved"), ("Closed", "closed")),
    "tickettype": (("Question", "question"), ("Incident", "incident"), ("Problem", "problem"), ("Task", "task")),
    "priority": (("Low", "low"), ("Normal", "normal"), ("High", "high"), ("Urgent", "urgent")),
}
CUSTOM = (
    ("text", "Order number", {}), ("text", "Customer reference 🎫", {}), ("textarea", "Internal notes", {}),
    ("checkbox", "VIP customer", {"tag": "vip_customer"}),
    ("checkbox", "Escalated to engineering", {"tag": "escalated"}),
    ("date", "Requested delivery date", {}), ("date", "Contract end", {}),
    ("integer", "Seats", {}), ("integer", "Reopen count", {}),
    ("decimal", "Refund amount", {}), ("decimal", "Hours spent", {}),
    ("tagger", "Product", {"options": (("Widget", "product_widget"), ("Gadget Pro", "product_gadget_pro"),
                                       ("Zubehör", "product_zubehor"), ("サービス契約", "product_service"))}),
    ("tagger", "Region", {"options": (("EMEA", "region_emea"), ("Amérique du Nord", "region_na"),
                                      ("APAC 亚太", "region_apac"), ("الشرق الأوسط", "region_mena"))}),
    ("multiselect", "Affected features", {"options": (("Login", "feat_login"), ("Billing 💶", "feat_billing"),
                                                      ("Mobile app", "feat_mobile"), ("API", "feat_api"),
                                                      ("Reports", "feat_reports"))}),
    ("regexp", "Serial number", {"regexp": r"\A(SN-\d{4}-[A-Z]{2})?\z"}),
    ("text", "Legacy code", {"active": False}),  # retired field: in the catalog, in no ticket
)
SYSTEM_TYPES = frozenset(kind for kind, _ in SYSTEM)
TEXTS = ("ORD-{n}", "Réf. 東京-{n} 🎫", "Kunde ruft zurück", "עדיפות גבוהה", "call back after 5pm")
RENAME_SUFFIXES = ("(old)", "(v2)", "– neu", "(旧)")


def _field(fid: int, kind: str, title: str, position: int, base: str, at: str, *, active: bool = True,
           tag: str | None = None, regexp: str | None = None) -> dict:
    system = kind in SYSTEM_TYPES
    return {"url": f"{base}/api/v2/ticket_fields/{fid}.json", "id": fid, "type": kind, "title": title,
            "raw_title": title, "description": "" if system else f"{title} (set by agents)",
            "raw_description": "" if system else f"{title} (set by agents)", "position": position,
            "active": active, "required": False, "collapsed_for_agents": False, "regexp_for_validation": regexp,
            "title_in_portal": title, "raw_title_in_portal": title, "visible_in_portal": system,
            "editable_in_portal": kind in ("subject", "description"), "required_in_portal": kind == "subject",
            "agent_can_edit": not system or kind not in ("subject", "description"), "tag": tag,
            "created_at": at, "updated_at": at, "removable": not system, "key": None,
            "agent_description": None}


def build_fields(allocate: Callable[[str], int], base: str, at: str) -> list[dict]:
    rows = []
    for position, (kind, title) in enumerate(SYSTEM):
        row = _field(allocate("field"), kind, title, position, base, at)
        if kind in SYSTEM_OPTIONS:
            row["system_field_options"] = [{"name": n, "value": v} for n, v in SYSTEM_OPTIONS[kind]]
            row["sub_type_id"] = 0
        rows.append(row)
    for position, (kind, title, extra) in enumerate(CUSTOM, start=len(SYSTEM) + 10):
        row = _field(allocate("field"), kind, title, position, base, at, active=extra.get("active", True),
                     tag=extra.get("tag"), regexp=extra.get("regexp"))
        if "options" in extra:
            row["custom_field_options"] = [{"id": allocate("option"), "name": name, "raw_name": name,
                                            "value": value, "default": False} for name, value in extra["options"]]
        rows.append(row)
    return rows


def value_fields(fields) -> list[dict]:
    """Custom fields that carry a value on tickets (active, not system), in id order."""
    return sorted((f for f in fields if f["type"] not in SYSTEM_TYPES and f["active"]), key=lambda f: f["id"])


def custom_value(rng: random.Random, field: dict, nth: int):
    kind = field["type"]
    if rng.random() < (0.1 if kind == "checkbox" else 0.3):
        return None
    if kind == "text":
        return rng.choice(TEXTS).format(n=10000 + nth)
    if kind == "textarea":
        return f"Line 1: {rng.choice(TEXTS).format(n=nth)}\nLine 2: متابعة ✓"
    if kind == "checkbox":
        return rng.random() < 0.3
    if kind == "date":
        return f"{rng.randint(2024, 2027)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    if kind == "integer":
        return str(rng.choice((0, rng.randint(1, 500), rng.randint(-3, 3))))
    if kind == "decimal":
        return rng.choice((f"{rng.uniform(0, 9999):.2f}", str(rng.randint(0, 100)), f"{rng.uniform(0, 10):.1f}"))
    if kind == "tagger":
        return rng.choice(field["custom_field_options"])["value"]
    if kind == "multiselect":
        options = field["custom_field_options"]
        return sorted(o["value"] for o in rng.sample(options, rng.randint(1, 3)))
    if kind == "regexp":
        return f"SN-{rng.randint(1000, 9999)}-{rng.choice('ABCXYZ')}{rng.choice('KLMN')}"
    raise ValueError(f"no generator for custom field type {kind!r}")


def _option_tags(field: dict, value) -> set[str]:
    if value in (None, False, "", []):
        return set()
    if field["type"] == "tagger":
        return {value}
    if field["type"] == "multiselect":
        return set(value)
    return {field["tag"]} if field["type"] == "checkbox" and field.get("tag") else set()


def set_custom_value(ticket: dict, field: dict, value) -> None:
    """Write one value into custom_fields and its duplicate `fields`, and move the option tags with it."""
    entry = next((e for e in ticket["custom_fields"] if e["id"] == field["id"]), None)
    old = entry["value"] if entry else None
    tags = [t for t in ticket["tags"] if t not in _option_tags(field, old)]
    ticket["tags"] = sorted(set(tags) | _option_tags(field, value))
    for key in ("custom_fields", "fields"):
        entries = ticket[key]
        slot = next((e for e in entries if e["id"] == field["id"]), None)
        copied = list(value) if isinstance(value, list) else value
        if slot is None:
            entries.append({"id": field["id"], "value": copied})
            if len(entries) > 1 and entries[-2]["id"] > field["id"]:  # keep id order (fields come in order)
                entries.sort(key=lambda e: e["id"])
        else:
            slot["value"] = copied


def build_forms(allocate: Callable[[str], int], base: str, at: str, fields: list[dict]) -> list[dict]:
    system = [f["id"] for f in fields if f["type"] in SYSTEM_TYPES]
    custom = [f["id"] for f in value_fields(fields)]
    specs = (("Default Ticket Form", custom[:6], True, True), ("Hardware problem 🔧", custom[5:12], False, True),
             ("Facturation / Billing", custom[9:], False, True), ("Legacy form", custom[:2], False, False))
    forms = []
    for position, (name, field_ids, default, active) in enumerate(specs, start=1):
        fid = allocate("form")
        forms.append({"url": f"{base}/api/v2/ticket_forms/{fid}.json", "id": fid, "name": name, "raw_name": name,
                      "display_name": name, "raw_display_name": name, "end_user_visible": active,
                      "position": position, "ticket_field_ids": system + field_ids, "active": active,
                      "default": default, "in_all_brands": True, "restricted_brand_ids": [],
                      "end_user_conditions": [], "agent_conditions": [], "created_at": at, "updated_at": at,
                      "deleted_at": None})
    return forms


def _renamed(rng: random.Random, text: str) -> str:
    """'Seats' -> 'Seats (v2)' -> 'Seats (old)': one suffix at a time, so names never grow."""
    base = next((text[:-len(s) - 1] for s in RENAME_SUFFIXES if text.endswith(" " + s)), text)
    return f"{base} {rng.choice([s for s in RENAME_SUFFIXES if text != f'{base} {s}'])}"


def rename_field(rng: random.Random, field: dict, at: str) -> dict:
    old = field["title"]
    field["title"] = field["raw_title"] = field["title_in_portal"] = field["raw_title_in_portal"] = _renamed(rng, old)
    field["updated_at"] = at
    return {"id": field["id"], "old_title": old, "new_title": field["title"]}


def rename_option(rng: random.Random, field: dict, at: str) -> dict:
    option = rng.choice(field["custom_field_options"])
    old = option["name"]
    option["name"] = option["raw_name"] = _renamed(rng, old)
    field["updated_at"] = at
    return {"id": field["id"], "option_id": option["id"], "value": option["value"], "old_name": old,
            "new_name": option["name"]}
