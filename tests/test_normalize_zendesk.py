"""Normalize (stg_zendesk -> core.zd_*) against a real PostgreSQL, one behaviour per test.

Data flow: load() below writes stg rows the way load/engine.py does (one load = one meta.load_id_seq value,
           one bronze part path, source_updated_at from the entity's version fields: a ticket's
           generated_timestamp) -> normalize_zendesk.normalize() -> core.zd_*, core.dim_date,
           meta.rejected_rows checked.
Run standalone: python -m pytest tests/test_normalize_zendesk.py -q

The database is never mocked. All tests share this module's database; the `pg` fixture empties stg, core and
the normalize bookkeeping before each one. Record shapes follow api/zendesk.md §5; expected values are
computed from the records a test loads, never copied from a previous output.
"""
from __future__ import annotations

import copy
import datetime as dt
import json
from decimal import Decimal

import pytest
from psycopg2 import sql

from lake.entities import select
from lake.sources.zendesk import ENTITIES, SOURCE
from normalize import normalize_zendesk
from tests.fixtures.stg import Load, empty_tables, load_docs, one, query, snapshot

ENTITY = {e.name: e for e in ENTITIES}
CORE_TABLES = sorted({t for e in ENTITIES for t in e.core_table_names})
SCOPE = "acme"
UTC = dt.timezone.utc
T0 = 1_714_557_600  # 2024-05-01T10:00:00Z, a generated_timestamp

# ticket field ids
DROPDOWN, MULTI, CHECK, INTEGER, DECIMAL, TEXT, DATE, LATE, UNKNOWN = range(360_001, 360_010)

# api/zendesk.md §5.1, as the incremental export sends it
REALISTIC_TICKET = {
    "id": 35436, "url": "https://company.zendesk.com/api/v2/tickets/35436.json",
    "external_id": "ahg35h3jh",
    "created_at": "2009-07-20T22:55:29Z", "updated_at": "2011-05-05T10:38:52Z",
    "generated_timestamp": 1304553600,
    "type": "incident", "subject": "Help, my printer is on fire!", "raw_subject": "{{dc.printer_on_fire}}",
    "description": "The fire is very colorful.",
    "priority": "high", "status": "open", "custom_status_id": 123,
    "recipient": "support@company.com",
    "requester_id": 20978392, "submitter_id": 76872, "assignee_id": 235323,
    "organization_id": 509974, "group_id": 98738, "brand_id": 1, "ticket_form_id": 1,
    "collaborator_ids": [35334, 234], "follower_ids": [35334, 234], "email_cc_ids": [],
    "followup_ids": [], "sharing_agreement_ids": [84432],
    "problem_id": 9873764, "has_incidents": False, "is_public": True, "due_at": "2011-05-24T12:00:00Z",
    "tags": ["enterprise", "other_tag"],
    "custom_fields": [{"id": 27642, "value": "745"}, {"id": 27648, "value": "yes"}],
    "fields": [{"id": 27642, "value": "745"}, {"id": 27648, "value": "yes"}],
    "satisfaction_rating": {"id": 1234, "score": "good", "comment": "Great support!"},
    "via": {"channel": "web", "source": {"from": {}, "to": {}, "rel": None}},
    "allow_channelback": False, "allow_attachments": True, "from_messaging_channel": False,
}


# -- fixtures and helpers ---------------------------------------------------------------------------------

@pytest.fixture
def pg(db):
    """This module's migrated connection, with every stg and core table and the normalize bookkeeping empty."""
    empty_tables(db, SOURCE, ENTITIES)
    yield db
    db.rollback()


def load(conn, entity: str, docs: list[dict], *, scope: str = SCOPE) -> Load:
    """One loader run for one entity (tests/fixtures/stg.py)."""
    return load_docs(conn, SOURCE, ENTITY[entity], docs, scope=scope)


def normalize(conn, *entities: str, full: bool = False) -> dict:
    """normalize_zendesk.normalize() for the named entities (all when none) -> {entity: EntityResult}."""
    results = {r.entity: r for r in normalize_zendesk.normalize(conn, list(entities) or None, full=full)}
    assert all(r.status == "success" for r in results.values()), {e: r.error for e, r in results.items()}
    return results






def row(conn, table: str, where: str = "true", params=None) -> dict:
    """The one received row (not an inferred member) of core.<table> matching where, as {column: value}."""
    with conn.cursor() as cur:
        cur.execute(sql.SQL("SELECT * FROM {} WHERE ").format(sql.Identifier("core", table)) + sql.SQL(where),
                    params)
        names = [d.name for d in cur.description]
        rows = [r for r in cur.fetchall() if not dict(zip(names, r)).get("is_inferred")]
    conn.commit()
    assert len(rows) == 1, rows
    return {n: v for n, v in zip(names, rows[0]) if n not in MODEL_COLUMNS and not n.endswith("_key")}


# Power BI's member keys and inferred-member flag: derived columns, checked in tests/test_powerbi_model.py.
MODEL_COLUMNS = ("scope_key", "is_inferred")




def xmins(conn, table: str, key: str) -> dict:
    """{key: xmin}: a row whose xmin did not move was not written."""
    return dict(query(conn, sql.SQL("SELECT {}, xmin::text FROM {}").format(
        sql.SQL(key), sql.Identifier("core", table))))


def ts(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).astimezone(UTC)


def epoch(value: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(value, UTC)


def ticket(ticket_id, generated: int, **fields) -> dict:
    """A ticket of the §5.1 shape; updated_at follows generated_timestamp unless given."""
    doc = copy.deepcopy(REALISTIC_TICKET)
    doc.update(id=ticket_id, url=f"https://company.zendesk.com/api/v2/tickets/{ticket_id}.json",
               subject=f"Ticket {ticket_id}", generated_timestamp=generated,
               updated_at=epoch(generated).strftime("%Y-%m-%dT%H:%M:%SZ"), tags=[], custom_fields=[], fields=[])
    doc.update(fields)
    if "custom_fields" in fields:
        doc["fields"] = copy.deepcopy(fields["custom_fields"])  # Zendesk duplicates them; ignored
    return doc


def custom(values: dict) -> list[dict]:
    return [{"id": field_id, "value": value} for field_id, value in values.items()]


def ticket_field(field_id: int, title: str, field_type: str, options=None, *,
                 updated: str = "2024-01-01T08:00:00Z", **extra) -> dict:
    """A ticket field of the §5.5 shape; options: [(tag value, name)]."""
    doc = {"id": field_id, "url": f"https://company.zendesk.com/api/v2/ticket_fields/{field_id}.json",
           "type": field_type, "title": title, "raw_title": title, "description": f"{title} help",
           "position": field_id % 100, "active": True, "required": False, "tag": None, "removable": True,
           "created_at": "2024-01-01T08:00:00Z", "updated_at": updated}
    if options is not None:
        doc["custom_field_options"] = [{"id": field_id * 10 + i, "name": name, "value": value, "default": False}
                                       for i, (value, name) in enumerate(options)]
    doc.update(extra)
    return doc


def catalog(updated: str = "2024-01-01T08:00:00Z", premium: str = "Premium") -> list[dict]:
    return [
        ticket_field(1, "Subject", "subject", removable=False),
        ticket_field(DROPDOWN, "Plan", "tagger", [("plan_basic", "Basic"), ("plan_premium", premium)],
                     updated=updated),
        ticket_field(MULTI, "Products", "multiselect", [("p_alpha", "Alpha"), ("p_beta", "Beta"),
                                                        ("p_gamma", "Gamma")]),
        ticket_field(CHECK, "Escalated", "checkbox", tag="escalated"),
        ticket_field(INTEGER, "Seats", "integer"),
        ticket_field(DECIMAL, "Refund", "decimal"),
        ticket_field(TEXT, "Order number", "text"),
        ticket_field(DATE, "Renewal", "date"),
    ]


def rendered(field: dict | None, value) -> str:
    """The oracle for value_text (sql/20_util/zd_custom_values.sql): option tags -> names (a multiselect's
    in the order sent), unknown tags as sent, booleans as JSON, everything else as sent."""
    names = {o["value"]: o["name"] for o in (field or {}).get("custom_field_options", [])}
    if isinstance(value, list):
        return ", ".join(names.get(v, v) for v in value)
    if isinstance(value, bool):
        return json.dumps(value)
    return names.get(value, str(value))


def values(conn) -> dict:
    """{(ticket_id, ticket_field_id): value_text} of core.zd_ticket_custom_field_values."""
    return {(t, f): v for t, f, v in query(conn, "SELECT ticket_id, ticket_field_id, value_text FROM "
                                                 "core.zd_ticket_custom_field_values WHERE scope = %s", (SCOPE,))}


def tags(conn) -> dict:
    """{ticket_id: set of tags} of core.zd_ticket_tags."""
    out: dict = {}
    for ticket_id, tag in query(conn, "SELECT ticket_id, tag FROM core.zd_ticket_tags WHERE scope = %s", (SCOPE,)):
        out.setdefault(ticket_id, set()).add(tag)
    return out


# -- 1. typed columns ------------------------------------------------------------------------------------

def test_a_realistic_ticket_lands_in_typed_columns(pg):
    doc = copy.deepcopy(REALISTIC_TICKET)
    part = load(pg, "tickets", [doc])
    normalize(pg, "tickets")

    created, updated, due = ts(doc["created_at"]), ts(doc["updated_at"]), ts(doc["due_at"])
    expected = {
        "scope": SCOPE, "ticket_id": doc["id"], "requester_id": doc["requester_id"],
        "submitter_id": doc["submitter_id"], "assignee_id": doc["assignee_id"],
        "organization_id": doc["organization_id"], "group_id": doc["group_id"], "brand_id": doc["brand_id"],
        "ticket_form_id": doc["ticket_form_id"], "problem_id": doc["problem_id"],
        "custom_status_id": doc["custom_status_id"], "external_id": doc["external_id"],
        "subject": doc["subject"], "description": doc["description"], "status": doc["status"],
        "priority": doc["priority"], "type": doc["type"], "via_channel": doc["via"]["channel"],
        "satisfaction_score": doc["satisfaction_rating"]["score"], "is_public": doc["is_public"],
        "has_incidents": doc["has_incidents"], "is_deleted": False,
        "created_at": created, "updated_at": updated, "due_at": due,
        "generated_at": epoch(doc["generated_timestamp"]), "deleted_at": None,
        "created_date": created.date(), "updated_date": updated.date(), "due_date": due.date(),
        "_source_updated_at": epoch(doc["generated_timestamp"]), "_blob_path": part.path, "_line_no": 1,
    }
    got = row(pg, "zd_tickets")
    assert got.pop("_updated_at") is not None
    assert got == expected
    assert tags(pg) == {doc["id"]: set(doc["tags"])}
    # no catalog yet: the raw values, as sent (the duplicate `fields` array adds nothing)
    assert values(pg) == {(doc["id"], f["id"]): f["value"] for f in doc["custom_fields"]}


def test_a_satisfaction_rating_sent_as_a_bare_state_and_a_missing_one_are_read(pg):
    offered = ticket(1, T0, satisfaction_rating="offered", due_at=None)
    unrated = ticket(2, T0, satisfaction_rating=None, via=None)
    load(pg, "tickets", [offered, unrated])
    normalize(pg, "tickets")
    assert {t: rest for t, *rest in query(pg, "SELECT ticket_id, satisfaction_score, via_channel, due_date "
                                              "FROM core.zd_tickets")} == {
        1: [offered["satisfaction_rating"], offered["via"]["channel"], None],
        2: [None, None, ts(unrated["due_at"]).date()]}


def test_dimensions_land_in_typed_columns(pg):
    user = {"id": 35436, "name": "Johnny Agent", "email": "johnny@example.com", "role": "agent",
            "created_at": "2009-07-20T22:55:29Z", "updated_at": "2011-05-05T10:38:52Z",
            "last_login_at": "2011-05-05T10:38:52Z", "active": True, "verified": True, "suspended": False,
            "custom_role_id": 9373643, "organization_id": 57542, "default_group_id": 98738,
            "external_id": "sai989sur98w9", "locale": "en-US", "time_zone": "Copenhagen",
            "iana_time_zone": "Europe/Copenhagen", "tags": ["enterprise"], "user_fields": {"user_decimal": 5.1}}
    org = {"id": 4112492, "name": "Groablet Enterprises", "external_id": "ABC198", "group_id": 1835962,
           "created_at": "2018-11-14T00:14:52Z", "updated_at": "2018-11-14T00:54:22Z",
           "domain_names": ["remain.com"], "shared_tickets": False, "shared_comments": True,
           "tags": ["smiley", "teapot_kettle"], "deleted_at": None}
    group = {"id": 3432, "name": "Remote Employees", "description": "Employed", "default": True,
             "deleted": False, "is_public": True, "created_at": "2024-11-20T00:00:00Z",
             "updated_at": "2024-11-20T00:00:00Z"}
    form = {"id": 47, "name": "Snowboard Problem", "display_name": "Snowboard Damage", "position": 9999,
            "active": True, "default": True, "end_user_visible": True, "in_all_brands": False,
            "restricted_brand_ids": [47, 33, 22], "ticket_field_ids": [2, 4, 5, 10, 100, 101, 102, 200],
            "created_at": "2012-04-02T22:55:29Z", "updated_at": "2012-04-02T22:55:29Z", "deleted_at": None}
    field = ticket_field(DROPDOWN, "Plan", "tagger", [("plan_basic", "Basic")], required=True)
    parts = {e: load(pg, e, [d]) for e, d in (("users", user), ("organizations", org), ("groups", group),
                                               ("ticket_forms", form), ("ticket_fields", field))}
    normalize(pg)

    def lineage(entity, doc):
        return {"scope": SCOPE, "_source_updated_at": ts(doc["updated_at"]), "_blob_path": parts[entity].path,
                "_line_no": 1}

    def got(table):
        r = row(pg, table)
        assert r.pop("_updated_at") is not None
        return r

    assert got("zd_users") == {
        "user_id": user["id"], "organization_id": user["organization_id"],
        "default_group_id": user["default_group_id"], "custom_role_id": user["custom_role_id"],
        "external_id": user["external_id"], "name": user["name"], "email": user["email"], "role": user["role"],
        "time_zone": user["time_zone"], "iana_time_zone": user["iana_time_zone"], "locale": user["locale"],
        "is_active": True, "is_suspended": False, "is_verified": True, "is_deleted": False,
        "created_at": ts(user["created_at"]), "updated_at": ts(user["updated_at"]),
        "last_login_at": ts(user["last_login_at"]), "deleted_at": None, **lineage("users", user)}
    assert got("zd_organizations") == {
        "organization_id": org["id"], "group_id": org["group_id"], "external_id": org["external_id"],
        "name": org["name"], "domain_names": org["domain_names"], "tags": org["tags"],
        "is_shared_tickets": False, "is_shared_comments": True, "is_deleted": False,
        "created_at": ts(org["created_at"]), "updated_at": ts(org["updated_at"]), "deleted_at": None,
        **lineage("organizations", org)}
    assert got("zd_groups") == {
        "group_id": group["id"], "name": group["name"], "description": group["description"],
        "is_default": True, "is_public": True, "is_deleted": False, "created_at": ts(group["created_at"]),
        "updated_at": ts(group["updated_at"]), "deleted_at": None, **lineage("groups", group)}
    assert got("zd_ticket_forms") == {
        "ticket_form_id": form["id"], "name": form["name"], "display_name": form["display_name"],
        "position": form["position"], "ticket_field_ids": form["ticket_field_ids"],
        "restricted_brand_ids": form["restricted_brand_ids"], "is_active": True, "is_default": True,
        "is_end_user_visible": True, "is_in_all_brands": False, "is_deleted": False,
        "created_at": ts(form["created_at"]), "updated_at": ts(form["updated_at"]), "deleted_at": None,
        **lineage("ticket_forms", form)}
    assert got("zd_ticket_fields") == {
        "ticket_field_id": field["id"], "title": field["title"], "current_title": field["title"],
        "type": field["type"], "tag": None, "description": field["description"], "position": field["position"],
        "options": field["custom_field_options"],
        "option_labels": {o["value"]: o["name"] for o in field["custom_field_options"]},
        "is_custom": True, "is_active": True, "is_required": True, "created_at": ts(field["created_at"]),
        "updated_at": ts(field["updated_at"]), **lineage("ticket_fields", field)}


def test_system_fields_are_not_custom(pg):
    fields = [ticket_field(i, t.title(), t, removable=False) for i, t in enumerate(
        ("subject", "description", "status", "tickettype", "priority", "group", "assignee", "custom_status"), 1)]
    fields += [ticket_field(20, "Brand", "brand"),  # a system type even where removable is left out
               ticket_field(21, "Notes", "textarea"), ticket_field(22, "Plan", "tagger", [("a", "A")])]
    load(pg, "ticket_fields", fields)
    normalize(pg, "ticket_fields")
    assert dict(query(pg, "SELECT ticket_field_id, is_custom FROM core.zd_ticket_fields")) == {
        f["id"]: f["type"] in ("textarea", "tagger") for f in fields}


# -- 2. versions: generated_timestamp decides --------------------------------------------------------------

def test_a_system_update_with_the_same_updated_at_lands(pg):
    first = ticket(1, T0, tags=["vip"])
    load(pg, "tickets", [first])
    normalize(pg, "tickets")
    # an automation changes the priority and a tag: updated_at stays, generated_timestamp moves
    system = ticket(1, T0 + 3600, updated_at=first["updated_at"], priority="urgent", tags=["vip", "sla_breach"])
    part = load(pg, "tickets", [system])
    result = normalize(pg, "tickets")["tickets"]
    got = row(pg, "zd_tickets")
    assert (got["priority"], got["updated_at"], got["generated_at"], got["_source_updated_at"], got["_blob_path"]) == (
        system["priority"], ts(first["updated_at"]), epoch(system["generated_timestamp"]),
        epoch(system["generated_timestamp"]), part.path)
    assert tags(pg) == {1: set(system["tags"])}
    assert result.rows_out == 1 + 2  # the ticket, its kept tag (lineage moved) and its new tag


def test_an_older_version_replayed_later_never_regresses_a_row(pg):
    newer = ticket(1, T0 + 7200, subject="newer", tags=["b"], custom_fields=custom({TEXT: "new"}))
    first = load(pg, "tickets", [newer])
    normalize(pg, "tickets")
    stored = {t: snapshot(pg, t) for t in CORE_TABLES}
    before = xmins(pg, "zd_tickets", "ticket_id")

    older = ticket(1, T0, subject="older", tags=["a"], custom_fields=custom({TEXT: "old"}))
    undated = ticket(1, T0 + 60, subject="undated")
    undated.pop("generated_timestamp"), undated.pop("updated_at")  # no version at all: counts as oldest
    load(pg, "tickets", [older])
    load(pg, "tickets", [undated])
    result = normalize(pg, "tickets")["tickets"]
    assert (result.rows_in, result.rows_out) == (2, 0)
    assert {t: snapshot(pg, t) for t in CORE_TABLES} == stored
    assert xmins(pg, "zd_tickets", "ticket_id") == before
    assert (row(pg, "zd_tickets")["subject"], tags(pg), values(pg)) == ("newer", {1: {"b"}}, {(1, TEXT): "new"})

    assert normalize(pg, "tickets", full=True)["tickets"].rows_out == 0
    assert row(pg, "zd_tickets")["_blob_path"] == first.path


# -- 3. deletions -----------------------------------------------------------------------------------------

def test_a_deleted_ticket_is_flagged_and_kept(pg):
    load(pg, "tickets", [ticket(1, T0, tags=["a"]), ticket(2, T0)])
    normalize(pg, "tickets")
    deleted = ticket(1, T0 + 86_400, status="deleted", tags=["a"])
    load(pg, "tickets", [deleted])
    normalize(pg, "tickets")
    got = {t: rest for t, *rest in query(pg, "SELECT ticket_id, is_deleted, deleted_at, status FROM core.zd_tickets")}
    assert got == {1: [True, epoch(deleted["generated_timestamp"]), "deleted"], 2: [False, None, "open"]}

    # a replay brings an older, live version: the ticket stays deleted
    load(pg, "tickets", [ticket(1, T0 + 3600, subject="stale live version")])
    normalize(pg, "tickets")
    normalize(pg, "tickets", full=True)
    assert one(pg, "SELECT count(*) FROM core.zd_tickets")[0] == 2
    assert one(pg, "SELECT is_deleted, subject FROM core.zd_tickets WHERE ticket_id = 1") == (True, deleted["subject"])


def test_a_deleted_organization_an_inactive_user_and_a_deleted_group_are_flagged(pg):
    def org(i, updated, deleted_at=None):
        return {"id": i, "name": f"Org {i}", "created_at": "2024-01-01T00:00:00Z", "updated_at": updated,
                "domain_names": [], "deleted_at": deleted_at}

    def user(i, updated, active=True):
        return {"id": i, "name": f"User {i}", "email": f"u{i}@example.com", "role": "end-user", "active": active,
                "created_at": "2024-01-01T00:00:00Z", "updated_at": updated}

    def group(i, updated, deleted=False):
        return {"id": i, "name": f"Group {i}", "deleted": deleted, "created_at": "2024-01-01T00:00:00Z",
                "updated_at": updated}

    load(pg, "organizations", [org(1, "2024-05-01T10:00:00Z"), org(2, "2024-05-01T10:00:00Z")])
    load(pg, "users", [user(1, "2024-05-01T10:00:00Z"), user(2, "2024-05-01T10:00:00Z")])
    load(pg, "groups", [group(1, "2024-05-01T10:00:00Z"), group(2, "2024-05-01T10:00:00Z")])
    normalize(pg)
    gone_org = org(1, "2024-06-01T10:00:05Z", deleted_at="2024-06-01T10:00:00Z")
    gone_user = user(1, "2024-06-02T10:00:00Z", active=False)
    gone_group = group(1, "2024-06-03T10:00:00Z", deleted=True)
    load(pg, "organizations", [gone_org])
    load(pg, "users", [gone_user])
    load(pg, "groups", [gone_group])
    normalize(pg)

    def flags(table, key, *columns):
        selected = ", ".join((key, "is_deleted", "deleted_at", *columns))
        return {r[0]: list(r[1:]) for r in query(pg, f"SELECT {selected} FROM core.{table} WHERE NOT is_inferred")}
    assert flags("zd_organizations", "organization_id") == {1: [True, ts(gone_org["deleted_at"])], 2: [False, None]}
    assert flags("zd_users", "user_id", "is_active") == {1: [True, ts(gone_user["updated_at"]), False],
                                                        2: [False, None, True]}
    assert flags("zd_groups", "group_id") == {1: [True, ts(gone_group["updated_at"])], 2: [False, None]}


# -- 4. tags ----------------------------------------------------------------------------------------------

def test_a_removed_tag_disappears_and_an_unchanged_run_writes_nothing(pg):
    one_v1, two = ticket(1, T0, tags=["billing", "vip", "vip", "urgent"]), ticket(2, T0, tags=["other"])
    load(pg, "tickets", [one_v1, two])
    first = normalize(pg, "tickets")["tickets"]
    assert tags(pg) == {1: set(one_v1["tags"]), 2: set(two["tags"])}
    assert first.rows_out == 2 + len(set(one_v1["tags"])) + len(two["tags"])
    untouched = {k: v for k, v in xmins(pg, "zd_ticket_tags", "(ticket_id, tag)::text").items() if "2," in k}

    one_v2 = ticket(1, T0 + 60, tags=["billing", "refund"])  # vip and urgent removed, refund added
    load(pg, "tickets", [one_v2])
    changed = normalize(pg, "tickets")["tickets"]
    assert tags(pg) == {1: set(one_v2["tags"]), 2: set(two["tags"])}
    assert changed.rows_out == 1 + 2 + 2  # the ticket, two tags removed, billing re-pointed, refund added
    assert {k: v for k, v in xmins(pg, "zd_ticket_tags", "(ticket_id, tag)::text").items() if "2," in k} == untouched

    before = {"tickets": xmins(pg, "zd_tickets", "ticket_id"),
              "tags": xmins(pg, "zd_ticket_tags", "(ticket_id, tag)::text")}
    quiet = normalize(pg, "tickets")["tickets"]
    full = normalize(pg, "tickets", full=True)["tickets"]
    assert (quiet.rows_in, quiet.rows_out, full.rows_out) == (0, 0, 0)
    assert {"tickets": xmins(pg, "zd_tickets", "ticket_id"),
            "tags": xmins(pg, "zd_ticket_tags", "(ticket_id, tag)::text")} == before

    # all tags removed (and a version without the member at all): none left
    load(pg, "tickets", [ticket(1, T0 + 120, tags=[])])
    no_member = ticket(2, T0 + 120)
    no_member.pop("tags")
    load(pg, "tickets", [no_member])
    normalize(pg, "tickets")
    assert tags(pg) == {}


# -- 5. custom field values ---------------------------------------------------------------------------------

def test_custom_values_of_every_json_type_are_rendered_against_the_catalog(pg):
    fields = {f["id"]: f for f in catalog()}
    load(pg, "ticket_fields", list(fields.values()))
    sent = {1: {DROPDOWN: "plan_premium", MULTI: ["p_gamma", "p_alpha", "p_unknown"], CHECK: True,
                INTEGER: "42", DECIMAL: "3.50", TEXT: "PO-1", DATE: "2024-05-01", UNKNOWN: "raw"},
            2: {DROPDOWN: "plan_gone", CHECK: False, DECIMAL: 2.5, TEXT: None, MULTI: [], DATE: ""}}
    load(pg, "tickets", [ticket(t, T0, custom_fields=custom(v)) for t, v in sent.items()])
    normalize(pg, "ticket_fields", "tickets")

    has_value = {(t, f): v for t, vs in sent.items() for f, v in vs.items() if v not in (None, "", [])}
    assert values(pg) == {k: rendered(fields.get(k[1]), v) for k, v in has_value.items()}
    got = {(t, f): (n, r) for t, f, n, r in query(pg, "SELECT ticket_id, ticket_field_id, value_numeric, value_raw "
                                                      "FROM core.zd_ticket_custom_field_values")}
    numeric = {k: Decimal(str(v)) for k, v in has_value.items() if k[1] in (INTEGER, DECIMAL)}
    assert got == {k: (numeric.get(k), v) for k, v in has_value.items()}

    # the next version: a value that became null, one that left the array, one that changed
    load(pg, "tickets", [ticket(1, T0 + 60, custom_fields=custom({DROPDOWN: None, CHECK: False, INTEGER: "42"}))])
    normalize(pg, "tickets")
    assert {k: v for k, v in values(pg).items() if k[0] == 1} == {
        (1, CHECK): rendered(fields[CHECK], False), (1, INTEGER): "42"}


def test_an_option_renamed_in_the_catalog_re_renders_stored_values(pg):
    load(pg, "ticket_fields", catalog())
    load(pg, "tickets", [ticket(1, T0, custom_fields=custom({DROPDOWN: "plan_premium", TEXT: "PO-1"})),
                         ticket(2, T0, custom_fields=custom({DROPDOWN: "plan_basic"}))])
    normalize(pg, "ticket_fields", "tickets")
    before = xmins(pg, "zd_ticket_custom_field_values", "(ticket_id, ticket_field_id)::text")

    renamed = {f["id"]: f for f in catalog("2024-02-01T08:00:00Z", premium="Premium Plus")}
    load(pg, "ticket_fields", list(renamed.values()))
    result = normalize(pg, "ticket_fields")["ticket_fields"]
    assert result.rows_out == 1 + 1  # the catalog row, and the one stored value that shows the renamed option
    assert values(pg) == {(1, DROPDOWN): rendered(renamed[DROPDOWN], "plan_premium"), (1, TEXT): "PO-1",
                          (2, DROPDOWN): rendered(renamed[DROPDOWN], "plan_basic")}
    after = xmins(pg, "zd_ticket_custom_field_values", "(ticket_id, ticket_field_id)::text")
    assert {k: v for k, v in after.items() if k != f"({1},{DROPDOWN})"} == {
        k: v for k, v in before.items() if k != f"({1},{DROPDOWN})"}


def test_a_value_of_a_field_not_in_the_catalog_yet_is_rendered_when_the_field_arrives(pg):
    load(pg, "ticket_fields", catalog())
    load(pg, "tickets", [ticket(1, T0, custom_fields=custom({LATE: "tier_gold"})),
                         ticket(2, T0, custom_fields=custom({LATE: ["tier_silver", "tier_gold"]}))])
    normalize(pg, "ticket_fields", "tickets")
    assert values(pg) == {(1, LATE): "tier_gold", (2, LATE): "tier_silver, tier_gold"}  # raw tags, value order
    late = ticket_field(LATE, "Tier", "multiselect", [("tier_gold", "Gold"), ("tier_silver", "Silver")])
    load(pg, "ticket_fields", [late])
    normalize(pg, "ticket_fields", "tickets")
    assert values(pg) == {(1, LATE): rendered(late, "tier_gold"),
                          (2, LATE): rendered(late, ["tier_silver", "tier_gold"])}


def test_a_renamed_ticket_field_keeps_its_first_title(pg):
    load(pg, "ticket_fields", [ticket_field(TEXT, "Order number", "text")])
    normalize(pg, "ticket_fields")
    load(pg, "ticket_fields", [ticket_field(TEXT, "Order reference", "text", updated="2024-03-01T08:00:00Z")])
    normalize(pg, "ticket_fields")
    assert one(pg, "SELECT title, current_title FROM core.zd_ticket_fields") == ("Order number", "Order reference")

    # rebuilt from stg alone, the first title is still the oldest catalog version's
    with pg.cursor() as cur:
        cur.execute("TRUNCATE core.zd_ticket_fields")
    pg.commit()
    normalize(pg, "ticket_fields", full=True)
    assert one(pg, "SELECT title, current_title FROM core.zd_ticket_fields") == ("Order number", "Order reference")

    # and once stg no longer holds the first version (rebuilt from a pruned bronze), core keeps the title
    with pg.cursor() as cur:
        cur.execute("DELETE FROM stg_zendesk.ticket_fields_raw WHERE doc->>'title' = 'Order number'")
    pg.commit()
    normalize(pg, "ticket_fields", full=True)
    assert one(pg, "SELECT title, current_title FROM core.zd_ticket_fields") == ("Order number", "Order reference")


# -- 6. text survives -------------------------------------------------------------------------------------

def test_unicode_and_a_200_kb_description_survive_intact(pg):
    unicode = "Drucker brennt 🔥 日本語のチケット مرحبا שלום e\u0301 · 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 \u202eRTL\u202c tab\there \"q\" \\"
    description = (unicode + "\n") * (200 * 1024 // len((unicode + "\n").encode()) + 1)
    assert len(description.encode()) >= 200 * 1024
    load(pg, "ticket_fields", catalog())
    load(pg, "tickets", [ticket(1, T0, subject=unicode, description=description, tags=["größe", "日本"],
                                custom_fields=custom({TEXT: unicode}))])
    normalize(pg, "ticket_fields", "tickets")
    assert one(pg, "SELECT subject, description, length(description) FROM core.zd_tickets") == (
        unicode, description, len(description))
    assert tags(pg) == {1: {"größe", "日本"}}
    assert values(pg) == {(1, TEXT): unicode}


# -- 7. values that do not cast ---------------------------------------------------------------------------

def test_a_value_that_does_not_cast_is_rejected_and_the_run_goes_on(pg):
    bad = ticket(1, T0, assignee_id="abc", created_at="yesterday", is_public="maybe", tags=["kept"])
    good = ticket(2, T0)
    undated = ticket(3, T0, generated_timestamp="soon")  # not epoch seconds: the loader leaves the version null
    no_key = ticket("T-9", T0)                             # a key that is not a number cannot land at all
    part = load(pg, "tickets", [bad, good, undated, no_key])
    result = normalize(pg, "tickets")["tickets"]

    assert (result.status, result.rows_rejected) == ("success", 3)
    got = row(pg, "zd_tickets", "ticket_id = 1")
    assert (got["subject"], got["assignee_id"], got["created_at"], got["created_date"], got["is_public"]) == (
        bad["subject"], None, None, None, None)
    assert row(pg, "zd_tickets", "ticket_id = 3")["generated_at"] is None
    assert dict(query(pg, "SELECT ticket_id, assignee_id FROM core.zd_tickets")) == {
        1: None, 2: good["assignee_id"], 3: undated["assignee_id"]}
    assert tags(pg) == {1: {"kept"}}

    rejected = {n: rest for n, *rest in query(pg, "SELECT _line_no, reason_code, is_repaired, load_id, scope, "
                                                  "_blob_path, entity, detail FROM meta.rejected_rows")}
    assert set(rejected) == {1, 3, 4}
    # line 4's key did not cast: it was not loaded at all, so it is no repair
    assert all(r[:6] == ["bad_type", n != 4, part.load_id, SCOPE, part.path, "tickets"] for n, r in rejected.items())
    assert set(rejected[1][6].split("; ")) == {"assignee_id: abc", "created_at: yesterday", "is_public: maybe"}
    assert rejected[3][6] == "generated_at: soon"
    assert rejected[4][6] == "ticket_id: T-9"
    normalize(pg, "tickets", full=True)
    assert one(pg, "SELECT count(*) FROM meta.rejected_rows")[0] == len(rejected), "a rerun records nothing twice"


# -- 8. --full and the incremental path agree ---------------------------------------------------------------

def test_full_gives_the_same_core_rows_as_the_incremental_path(pg):
    loads = [
        ("ticket_fields", catalog()),
        ("groups", [{"id": 5, "name": "Support", "deleted": False, "updated_at": "2024-01-01T00:00:00Z"}]),
        ("tickets", [ticket(1, T0, tags=["a", "b"], custom_fields=custom({DROPDOWN: "plan_basic", LATE: "x"})),
                     ticket(2, T0, tags=["c"], custom_fields=custom({MULTI: ["p_beta", "p_alpha"]}))]),
        ("ticket_fields", catalog("2024-02-01T08:00:00Z", premium="Premium Plus")
         + [ticket_field(LATE, "Late", "tagger", [("x", "Ex")])]),
        ("tickets", [ticket(1, T0 + 60, tags=["b", "d"], custom_fields=custom({DROPDOWN: "plan_premium"})),
                     ticket(3, T0 + 60, status="deleted", custom_fields=custom({CHECK: True})),
                     ticket(2, T0 - 60, tags=["stale"])]),                     # older: loses
        ("users", [{"id": 9, "name": "Agent", "active": False, "updated_at": "2024-05-02T00:00:00Z"}]),
        ("ticket_fields", [ticket_field(TEXT, "Renamed order number", "text", updated="2024-03-01T08:00:00Z")]),
    ]
    for entity, docs in loads:
        load(pg, entity, docs)
        normalize(pg, entity)
    incremental = {t: snapshot(pg, t) for t in CORE_TABLES}
    assert tags(pg) == {1: {"b", "d"}, 2: {"c"}}
    assert sum(map(len, incremental.values())) > len(incremental)

    assert all(r.rows_out == 0 for r in normalize(pg, full=True).values()), "a full rerun changes nothing"
    with pg.cursor() as cur:
        cur.execute(sql.SQL("TRUNCATE {}").format(sql.SQL(", ").join(sql.Identifier("core", t) for t in CORE_TABLES)))
    pg.commit()
    normalize(pg, full=True)
    assert {t: snapshot(pg, t) for t in CORE_TABLES} == incremental


# -- 9. dim_date --------------------------------------------------------------------------------------------

def test_dim_date_covers_the_tickets_dates(pg):
    # created 2020-12-31 23:30 at -02:00, i.e. 2021-01-01 in UTC; due three weeks on
    doc = ticket(1, T0, created_at="2020-12-31T23:30:00-02:00", updated_at="2021-01-05T10:00:00Z",
                 due_at="2021-01-22T12:00:00Z")
    load(pg, "tickets", [doc])
    normalize(pg, "tickets")
    got = row(pg, "zd_tickets")
    assert (got["created_date"], got["updated_date"], got["due_date"]) == (
        ts(doc["created_at"]).date(), ts(doc["updated_at"]).date(), ts(doc["due_at"]).date())
    days = [d for (d,) in query(pg, "SELECT date_day FROM core.dim_date ORDER BY 1")]
    first, last = ts(doc["created_at"]).date(), epoch(doc["generated_timestamp"]).date()
    assert days == [first + dt.timedelta(n) for n in range((last - first).days + 1)], "gap-free, every date covered"
    assert one(pg, "SELECT count(*) FROM core.zd_tickets t JOIN core.dim_date c ON c.date_day = t.created_date "
                   "JOIN core.dim_date u ON u.date_day = t.updated_date JOIN core.dim_date d ON d.date_day = t.due_date"
               )[0] == 1


# -- 10. the entry point ------------------------------------------------------------------------------------

def test_entities_run_catalog_first_and_an_unknown_entity_is_bad_usage():
    names = [e.name for e in ENTITIES]
    assert names.index("ticket_fields") < names.index("tickets") and names[-1] == "tickets"
    assert [e.name for e in select(ENTITIES, ["tickets", "ticket_fields"])] == ["ticket_fields", "tickets"]
    assert normalize_zendesk.main(["--entity", "nope"]) == 2
