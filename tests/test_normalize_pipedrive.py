"""Normalize (stg_pipedrive -> core.pd_*) against a real PostgreSQL, one behaviour per test.

Data flow: load() below writes stg rows the way load/engine.py does (one load = one meta.load_id_seq value,
           one bronze part path, source_updated_at from the record's update field) -> normalize_pipedrive.normalize()
           -> core.pd_*, core.dim_date, meta.rejected_rows, meta.normalize_state, meta.pipeline_runs checked.
Run standalone: python -m pytest tests/test_normalize_pipedrive.py -q

The database is never mocked. All tests share this module's database; the `pg` fixture empties stg, core and
the normalize bookkeeping before each one, so each starts from a fresh lake. Expected values are computed
from the records a test loads, never copied from a previous output.
"""
from __future__ import annotations

import datetime as dt
import shutil
import zlib
from decimal import Decimal

import pytest

from lake.entities import select
from lake.sources.pipedrive import ENTITIES, SOURCE
from normalize import normalize_pipedrive
from tests.fixtures.stg import Load, empty_tables, load_docs, one, query, snapshot
from normalize.engine import SQL_ROOT, normalize_source

ENTITY = {e.name: e for e in ENTITIES}
SCOPE = "acme"
UTC = dt.timezone.utc

# custom field keys (Pipedrive: 40 hex characters)
ENUM, SET, MONEY, TEXT, LATE, UNKNOWN = ("a" * 40, "b" * 40, "c" * 40, "d" * 40, "e" * 40, "f" * 40)


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
    """normalize_pipedrive.normalize() for the named entities -> {entity: EntityResult}."""
    return {r.entity: r for r in normalize_pipedrive.normalize(conn, list(entities), full=full)}








def state(conn, entity: str):
    rows = query(conn, "SELECT last_load_id FROM meta.normalize_state WHERE source = %s AND entity = %s",
                 (SOURCE, entity))
    return rows[0][0] if rows else None


def last_run(conn, entity: str) -> dict:
    cols = ("status", "rows_in", "rows_out", "rows_rejected", "error", "finished_at", "watermark_before",
            "watermark_after")
    row = one(conn, f"SELECT {', '.join(cols)} FROM meta.pipeline_runs WHERE stage = 'normalize' "
                    "AND source = %s AND entity = %s ORDER BY run_id DESC LIMIT 1", (SOURCE, entity))
    return dict(zip(cols, row))


def ts(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).astimezone(UTC)


def deal(deal_id: int, updated: str, **fields) -> dict:
    """A v2 deal (api/pipedrive.md §5.2 shape) with only the fields a test does not set given defaults."""
    doc = {"id": deal_id, "title": f"Deal {deal_id}", "value": 1000, "currency": "EUR", "status": "open",
           "pipeline_id": 1, "stage_id": 2, "owner_id": 7, "creator_user_id": 7, "person_id": None,
           "org_id": None, "probability": None, "lost_reason": None, "label_ids": [], "is_archived": False,
           "is_deleted": False, "add_time": "2024-03-01T09:00:00Z", "update_time": updated,
           "stage_change_time": None, "close_time": None, "won_time": None, "lost_time": None,
           "expected_close_date": None, "custom_fields": {}}
    doc.update(fields)
    return doc


def activity(activity_id: int, updated: str, **fields) -> dict:
    doc = {"id": activity_id, "type": "call", "subject": f"Call {activity_id}", "done": False, "busy": False,
           "deal_id": 1, "person_id": None, "org_id": None, "owner_id": 7, "is_deleted": False,
           "due_date": "2024-03-02", "due_time": "10:00", "duration": "00:30",
           "add_time": "2024-03-01T09:00:00Z", "update_time": updated}
    doc.update(fields)
    return doc


def person(person_id: int, updated: str, **fields) -> dict:
    doc = {"id": person_id, "name": f"Person {person_id}", "org_id": None, "owner_id": 7, "is_deleted": False,
           "emails": [{"value": f"p{person_id}@example.com", "primary": True, "label": "work"}], "phones": [],
           "add_time": "2024-03-01T09:00:00Z", "update_time": updated, "custom_fields": {}}
    doc.update(fields)
    return doc


def organization(organization_id: int, updated: str, **fields) -> dict:
    doc = {"id": organization_id, "name": f"Org {organization_id}", "owner_id": 7, "is_deleted": False,
           "address": None, "add_time": "2024-03-01T09:00:00Z", "update_time": updated, "custom_fields": {}}
    doc.update(fields)
    return doc


def field(key: str, name: str, field_type: str, options=None, *, updated: str = "2024-01-01 08:00:00",
          **extra) -> dict:
    """A v1 dealFields row (api/pipedrive.md §4.2): custom (edit_flag true), v1 zone-less UTC times."""
    doc = {"id": zlib.crc32(key.encode()), "key": key, "name": name, "field_type": field_type, "edit_flag": True,
           "active_flag": True, "order_nr": 1, "add_time": "2024-01-01 08:00:00", "update_time": updated}
    if options is not None:
        doc["options"] = [{"id": oid, "label": label} for oid, label in options]
    doc.update(extra)
    return doc


def values(conn, entity: str = "deal") -> dict:
    """{(record_id, field_key): value_text} of core.pd_custom_field_values."""
    return {(r, k): v for r, k, v in query(conn, "SELECT record_id, field_key, value_text FROM "
                                                 "core.pd_custom_field_values WHERE scope = %s AND entity = %s",
                                           (SCOPE, entity))}


# -- 1. newest version wins ---------------------------------------------------------------------------------

def test_an_older_version_loaded_later_never_overwrites_a_newer_one(pg):
    v2 = deal(1, "2024-05-02T10:00:00Z", title="second", value=200, custom_fields={TEXT: "new"})
    first = load(pg, "deals", [v2])
    normalize(pg, "deals")
    stored = one(pg, "SELECT title, value, _blob_path, _source_updated_at, xmin::text FROM core.pd_deals")
    assert stored[:4] == ("second", Decimal(200), first.path, ts(v2["update_time"]))

    # a later load brings an older version (a replay, a late page) and one with no usable update_time
    v1 = deal(1, "2024-05-01T10:00:00Z", title="first", value=100, custom_fields={TEXT: "old"})
    v0 = deal(1, "not a time", title="undated", value=50)
    load(pg, "deals", [v1])
    load(pg, "deals", [v0])
    results = normalize(pg, "deals")
    assert (results["deals"].rows_in, results["deals"].rows_out) == (2, 0)
    assert one(pg, "SELECT title, value, _blob_path, _source_updated_at, xmin::text FROM core.pd_deals") == stored
    assert values(pg) == {(1, TEXT): "new"}, "custom values follow the stored version, not the replayed one"

    # a full rerun sees all three versions and still settles on the newest
    normalize(pg, "deals", full=True)
    assert one(pg, "SELECT title, _blob_path FROM core.pd_deals") == ("second", first.path)


def test_the_same_record_twice_in_one_load_keeps_the_newest(pg):
    docs = [deal(1, "2024-05-01T10:00:00Z", title="v1"),
            deal(1, "2024-05-03T10:00:00Z", title="v3"),   # newest by update_time, though not last in the file
            deal(1, "2024-05-02T10:00:00Z", title="v2"),
            deal(2, "2024-05-01T10:00:00Z", title="early line"),
            deal(2, "2024-05-01T10:00:00Z", title="late line")]  # same second: the later line wins
    part = load(pg, "deals", docs)
    results = normalize(pg, "deals")
    newest = {1: 2, 2: 5}  # deal -> line of its newest version
    got = {d: (t, p, n) for d, t, p, n in query(pg, "SELECT deal_id, title, _blob_path, _line_no FROM core.pd_deals")}
    assert got == {d: (docs[n - 1]["title"], part.path, n) for d, n in newest.items()}
    assert (results["deals"].rows_in, results["deals"].rows_out) == (len(docs), len(newest))


# -- 2. no needless writes ----------------------------------------------------------------------------------

def test_an_unchanged_row_is_not_rewritten_and_a_quiet_rerun_writes_nothing(pg):
    docs = [deal(1, "2024-05-01T10:00:00Z", custom_fields={TEXT: "PO-1"}),
            deal(2, "2024-05-01T11:00:00Z", custom_fields={TEXT: "PO-2"})]
    load(pg, "deals", docs)
    first = normalize(pg, "deals")["deals"]
    assert first.rows_out == 2 + 2  # two deals, one custom value each

    def versions():
        return {"deals": {i: (x, u) for i, x, u in query(pg, "SELECT deal_id, xmin::text, _updated_at "
                                                              "FROM core.pd_deals")},
                "values": {i: (x, u) for i, x, u in query(pg, "SELECT record_id, xmin::text, _updated_at "
                                                               "FROM core.pd_custom_field_values")}}
    before = versions()

    quiet = normalize(pg, "deals")["deals"]
    assert (quiet.status, quiet.rows_in, quiet.rows_out) == ("success", 0, 0)
    assert {k: last_run(pg, "deals")[k] for k in ("status", "rows_in", "rows_out")} == {
        "status": "success", "rows_in": 0, "rows_out": 0}
    full = normalize(pg, "deals", full=True)["deals"]
    assert (full.rows_in, full.rows_out) == (len(docs), 0)
    assert versions() == before, "a rerun over the same versions must not touch a single row"

    # a new version of deal 2 only: deal 1 and its value stay untouched
    load(pg, "deals", [deal(2, "2024-05-02T11:00:00Z", title="renamed", custom_fields={TEXT: "PO-2"})])
    changed = normalize(pg, "deals")["deals"]
    after = versions()
    assert changed.rows_out == 2  # the deal and its value (its lineage moved to the new version)
    assert after["deals"][1] == before["deals"][1] and after["values"][1] == before["values"][1]
    assert after["deals"][2][0] != before["deals"][2][0] and after["deals"][2][1] > before["deals"][2][1]


# -- 3. incremental window, and --full ----------------------------------------------------------------------

def test_only_rows_loaded_since_the_last_normalize_are_read_and_full_converges(pg):
    loads = [[deal(1, "2024-05-01T10:00:00Z", custom_fields={TEXT: "a"}), deal(2, "2024-05-01T10:00:00Z"),
              deal(3, "2024-05-01T10:00:00Z")],
             [deal(2, "2024-05-02T10:00:00Z", title="two, again", custom_fields={TEXT: "b"}),
              deal(4, "2024-05-02T10:00:00Z")],
             [deal(1, "2024-05-03T10:00:00Z", custom_fields={}), deal(3, "2024-04-01T10:00:00Z", title="stale")]]
    for docs in loads:
        done = load(pg, "deals", docs)
        result = normalize(pg, "deals")["deals"]
        assert result.rows_in == len(docs), "only the rows of the new load are read"
        assert result.load_id_after == done.load_id
        assert state(pg, "deals") == done.load_id
    load(pg, "persons", [person(1, "2024-05-01T10:00:00Z")])  # another entity's load moves nothing here
    assert normalize(pg, "deals")["deals"].rows_in == 0 and state(pg, "deals") == done.load_id

    incremental = {t: snapshot(pg, t) for t in ("pd_deals", "pd_custom_field_values")}
    titles = dict(query(pg, "SELECT deal_id, title FROM core.pd_deals"))
    assert titles == {1: "Deal 1", 2: "two, again", 3: "Deal 3", 4: "Deal 4"}
    assert values(pg) == {(2, TEXT): "b"}

    total = sum(map(len, loads))
    full = normalize(pg, "deals", full=True)["deals"]
    assert (full.rows_in, full.rows_out) == (total, 0)
    # rebuilt from nothing, --full lands on exactly the same core
    with pg.cursor() as cur:
        cur.execute("TRUNCATE core.pd_deals, core.pd_custom_field_values")
    pg.commit()
    rebuilt = normalize(pg, "deals", full=True)["deals"]
    assert rebuilt.rows_in == total and rebuilt.rows_out == len(titles) + 1
    assert {t: snapshot(pg, t) for t in incremental} == incremental


# -- 4. deletions -------------------------------------------------------------------------------------------

def test_deleted_deals_are_flagged_not_dropped(pg):
    load(pg, "deals", [deal(i, "2024-05-01T10:00:00Z") for i in (1, 2, 3)])
    load(pg, "persons", [person(10, "2024-05-01T10:00:00Z")])
    normalize(pg, "persons", "deals")
    # v2 (as the simulator serves it): is_deleted true and status 'deleted'; update_time is the delete time
    v2_deleted = deal(1, "2024-06-01T12:00:00Z", is_deleted=True, status="deleted")
    v1_deleted = deal(2, "2024-06-02T12:00:00Z", status="deleted")  # v1 habit: only the status says so
    v1_deleted.pop("is_deleted")
    load(pg, "deals", [v2_deleted, v1_deleted])
    load(pg, "persons", [person(10, "2024-06-03T12:00:00Z", is_deleted=True)])
    normalize(pg, "persons", "deals")
    got = {d: rest for d, *rest in query(pg, "SELECT deal_id, is_deleted, deleted_at, status FROM core.pd_deals")}
    assert got == {1: [True, ts(v2_deleted["update_time"]), "deleted"],
                   2: [True, ts(v1_deleted["update_time"]), "deleted"],
                   3: [False, None, "open"]}
    assert one(pg, "SELECT is_deleted, deleted_at FROM core.pd_persons WHERE person_id = 10") == (
        True, ts("2024-06-03T12:00:00Z"))

    # Pipedrive purges deleted deals after 30 days and a replay brings an older, live version: still deleted
    load(pg, "deals", [deal(1, "2024-05-15T12:00:00Z", title="stale live version")])
    normalize(pg, "deals")
    normalize(pg, "deals", full=True)
    assert one(pg, "SELECT count(*) FROM core.pd_deals")[0] == 3
    assert one(pg, "SELECT is_deleted, title FROM core.pd_deals WHERE deal_id = 1") == (True, "Deal 1")


# -- 5. custom fields ---------------------------------------------------------------------------------------

def catalog(updated: str = "2024-01-01 08:00:00", enum_name: str = "Source", referral: str = "Referral") -> list:
    return [
        field(ENUM, enum_name, "enum", [(11, "Web"), (12, referral)], updated=updated),
        field(SET, "Regions", "set", [(21, "North"), (22, "South"), (23, "East")]),
        field(MONEY, "Budget", "monetary"),
        field(MONEY + "_currency", "Currency of Budget", "varchar", is_subfield=True),  # v2 nests it: skipped
        field(TEXT, "PO number", "varchar"),
        field("title", "Title", "varchar", edit_flag=False),                            # built-in: skipped
    ]


def test_custom_fields_catalog_labels_renames_and_replaced_values(pg):
    load(pg, "deal_fields", catalog())
    one_values = {ENUM: 12, SET: [23, 21], MONEY: {"value": 2300, "currency": "EUR"}, TEXT: "PO-1",
                  UNKNOWN: 5}
    load(pg, "deals", [deal(1, "2024-05-01T10:00:00Z", custom_fields=one_values),
                       deal(2, "2024-05-01T10:00:00Z", custom_fields={ENUM: 11, SET: [], TEXT: None, MONEY: None})])
    normalize(pg, "deal_fields", "deals")

    fields = {k: rest for k, *rest in query(pg, "SELECT field_key, field_name, current_name, field_type "
                                                "FROM core.pd_custom_fields WHERE scope = %s AND entity = 'deal'",
                                            (SCOPE,))}
    assert fields == {f["key"]: [f["name"], f["name"], f["field_type"]] for f in catalog()
                      if f["edit_flag"] and not f.get("is_subfield")}
    assert values(pg) == {(1, ENUM): "Referral", (1, SET): "North, East",  # set: labels in catalog option order
                          (1, MONEY): "2300 EUR", (1, TEXT): "PO-1", (1, UNKNOWN): "5",
                          (2, ENUM): "Web"}  # null, [] have no row
    assert one(pg, "SELECT value_numeric, value_currency FROM core.pd_custom_field_values "
                   "WHERE record_id = 1 AND field_key = %s", (MONEY,)) == (Decimal(2300), "EUR")
    untouched = one(pg, "SELECT xmin::text FROM core.pd_custom_field_values WHERE record_id = 2")

    # Pipedrive renames the field and one of its options: first name kept, labels re-resolved at once
    load(pg, "deal_fields", catalog("2024-02-01 08:00:00", enum_name="Lead source", referral="Partner referral"))
    result = normalize(pg, "deal_fields")["deal_fields"]
    assert result.rows_out == 1 + 1  # the catalog row, and the one stored value that shows the renamed option
    assert one(pg, "SELECT field_name, current_name FROM core.pd_custom_fields WHERE field_key = %s", (ENUM,)) == (
        "Source", "Lead source")
    assert values(pg)[(1, ENUM)] == "Partner referral"
    assert one(pg, "SELECT xmin::text FROM core.pd_custom_field_values WHERE record_id = 2") == untouched

    # a newer version of deal 1 replaces its values: changed ones updated, removed or emptied ones gone
    load(pg, "deals", [deal(1, "2024-05-02T10:00:00Z", custom_fields={ENUM: 11, SET: [22], MONEY: None})])
    normalize(pg, "deals")
    assert values(pg) == {(1, ENUM): "Web", (1, SET): "South", (2, ENUM): "Web"}

    # rebuilt from stg alone, the first-seen name is still the oldest catalog version's
    with pg.cursor() as cur:
        cur.execute("TRUNCATE core.pd_custom_fields, core.pd_custom_field_values, core.pd_deals")
    pg.commit()
    normalize(pg, "deal_fields", "deals", full=True)
    assert one(pg, "SELECT field_name, current_name FROM core.pd_custom_fields WHERE field_key = %s", (ENUM,)) == (
        "Source", "Lead source")
    assert values(pg) == {(1, ENUM): "Web", (1, SET): "South", (2, ENUM): "Web"}

    # and once stg no longer holds the first catalog version (rebuilt from a pruned bronze), core keeps it
    with pg.cursor() as cur:
        cur.execute("DELETE FROM stg_pipedrive.deal_fields_raw WHERE doc->>'name' = 'Source'")
    pg.commit()
    normalize(pg, "deal_fields", full=True)
    assert one(pg, "SELECT field_name, current_name FROM core.pd_custom_fields WHERE field_key = %s", (ENUM,)) == (
        "Source", "Lead source")


def test_a_value_of_a_field_not_in_the_catalog_yet_is_resolved_when_the_field_arrives(pg):
    load(pg, "deal_fields", catalog())
    load(pg, "deals", [deal(1, "2024-05-01T10:00:00Z", custom_fields={LATE: 31}),
                       deal(2, "2024-05-01T10:00:00Z", custom_fields={LATE: [32, 31]})])
    normalize(pg, "deal_fields", "deals")
    assert values(pg) == {(1, LATE): "31", (2, LATE): "32, 31"}  # unknown option ids: as sent, in value order
    load(pg, "deal_fields", [field(LATE, "Tier", "set", [(31, "Gold"), (32, "Silver")])])
    normalize(pg, "deal_fields", "deals")
    assert values(pg) == {(1, LATE): "Gold", (2, LATE): "Gold, Silver"}


def test_person_and_organization_values_resolve_against_their_own_catalog(pg):
    # the same key in three catalogs: each entity's values resolve against its own
    load(pg, "deal_fields", [field(ENUM, "Deal tier", "enum", [(1, "deal label")])])
    load(pg, "person_fields", [field(ENUM, "Person tier", "enum", [(1, "person label")])])
    load(pg, "organization_fields", [field(ENUM, "Org tier", "enum", [(1, "organization label")])])
    load(pg, "persons", [person(5, "2024-05-01T10:00:00Z", custom_fields={ENUM: 1})])
    load(pg, "organizations", [organization(5, "2024-05-01T10:00:00Z", custom_fields={ENUM: 1})])
    load(pg, "deals", [deal(5, "2024-05-01T10:00:00Z", custom_fields={ENUM: 1})])
    normalize(pg)
    assert {e: values(pg, e) for e in ("deal", "person", "organization")} == {
        e: {(5, ENUM): f"{e} label"} for e in ("deal", "person", "organization")}
    assert dict(query(pg, "SELECT entity, field_name FROM core.pd_custom_fields")) == {
        "deal": "Deal tier", "person": "Person tier", "organization": "Org tier"}


# -- 6. values that do not cast -----------------------------------------------------------------------------

def test_a_value_that_does_not_cast_becomes_null_and_is_recorded(pg):
    bad = deal(1, "2024-05-01T10:00:00Z", title="keeps its title", value="abc", expected_close_date="2024-02-30",
               add_time="yesterday", probability=55)
    good = deal(2, "2024-05-01T10:00:00Z", value="12.50", expected_close_date="2024-02-29")
    no_key = deal("D-9", "2024-05-01T10:00:00Z")  # a key that is not a number cannot land at all
    part = load(pg, "deals", [bad, good, no_key])
    acts = load(pg, "activities", [activity(5, "2024-05-01T10:00:00Z", duration="1h", due_time="25:61"),
                                   activity(6, "2024-05-01T10:00:00Z", duration="01:30")])
    results = normalize(pg, "deals", "activities")

    assert one(pg, "SELECT title, value, expected_close_date, created_at, probability FROM core.pd_deals "
                   "WHERE deal_id = 1") == ("keeps its title", None, None, None, Decimal(55))
    assert one(pg, "SELECT value, expected_close_date FROM core.pd_deals WHERE deal_id = 2") == (
        Decimal("12.50"), dt.date(2024, 2, 29))
    assert one(pg, "SELECT count(*) FROM core.pd_deals")[0] == 2
    assert dict(query(pg, "SELECT activity_id, duration_minutes FROM core.pd_activities")) == {5: None, 6: 90}

    rejected = {(e, n): rest for e, n, *rest in query(
        pg, "SELECT entity, _line_no, reason_code, detail, is_repaired, load_id, scope, _blob_path "
            "FROM meta.rejected_rows")}
    assert set(rejected) == {("deals", 1), ("deals", 3), ("activities", 1)}
    for key, (reason, _, repaired, load_id, scope, path) in rejected.items():
        expected = part if key[0] == "deals" else acts
        landed = key != ("deals", 3)  # a row whose key did not cast was not loaded at all: not a repair
        assert (reason, repaired, load_id, scope, path) == ("bad_type", landed, expected.load_id, SCOPE, expected.path)
    assert set(rejected["deals", 1][1].split("; ")) == {
        "value: abc", "expected_close_date: 2024-02-30", "created_at: yesterday"}
    assert rejected["deals", 3][1] == "deal_id: D-9"
    assert set(rejected["activities", 1][1].split("; ")) == {"duration_minutes: 1h", "due_time: 25:61"}

    assert (results["deals"].status, results["deals"].rows_rejected) == ("success", 2)
    run = last_run(pg, "deals")
    assert (run["status"], run["rows_rejected"], run["error"]) == ("success", 2, None)
    normalize(pg, "deals", "activities", full=True)
    assert one(pg, "SELECT count(*) FROM meta.rejected_rows")[0] == len(rejected), "a rerun records nothing twice"


def test_a_bad_value_in_a_not_null_column_lands_as_its_default_and_never_fails_the_entity(pg):
    """is_deleted is NOT NULL DEFAULT false: a value that does not cast there cannot become NULL. Before the
    fix the NOT NULL violation failed the whole entity, on every rerun, for one bad record."""
    docs = [deal(1, "2024-05-01T10:00:00Z", is_deleted="maybe"), deal(2, "2024-05-01T10:00:00Z")]
    part = load(pg, "deals", docs)
    persons = load(pg, "persons", [person(3, "2024-05-01T10:00:00Z", is_deleted=2)])
    results = normalize(pg, "persons", "deals")
    assert {e: r.status for e, r in results.items()} == {"persons": "success", "deals": "success"}
    assert dict(query(pg, "SELECT deal_id, is_deleted FROM core.pd_deals")) == {1: False, 2: False}
    assert one(pg, "SELECT is_deleted FROM core.pd_persons WHERE person_id = 3") == (False,)
    assert query(pg, "SELECT entity, _blob_path, _line_no, reason_code, detail FROM meta.rejected_rows "
                     "ORDER BY entity") == [("deals", part.path, 1, "bad_type", "is_deleted: maybe"),
                                            ("persons", persons.path, 1, "bad_type", "is_deleted: 2")]
    assert state(pg, "deals") == part.load_id



def test_two_spellings_of_one_id_in_a_batch_keep_the_newest_and_never_fail_the_entity(pg):
    """"7" and "007" are two stg records but one deal_id once cast; one upsert cannot write a key twice, so
    before the fix such a pair failed the whole entity on every rerun."""
    load(pg, "deals", [deal(7, "2024-05-01T10:00:00Z", title="older"),
                       deal("007", "2024-05-02T10:00:00Z", title="newer"), deal(8, "2024-05-01T10:00:00Z")])
    assert normalize(pg, "deals")["deals"].status == "success"
    assert dict(query(pg, "SELECT deal_id, title FROM core.pd_deals")) == {7: "newer", 8: "Deal 8"}

# -- 7. text survives -------------------------------------------------------------------------------------

def test_unicode_and_escaped_nul_text_survive_intact(pg):
    texts = {1: "Déal 🚀🧑‍💻 日本語の取引 مرحبا بالعالم עסקה",
             2: "literal \\u0000 stays six characters",  # the text \u0000, which is not a NUL
             3: "tab\there, newline\nthere, quote \" and backslash \\",
             4: "e\u0301 (combining) · 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 · \u202eRTL override\u202c"}
    load(pg, "deals", [deal(i, "2024-05-01T10:00:00Z", title=t, custom_fields={TEXT: t}) for i, t in texts.items()])
    load(pg, "persons", [person(9, "2024-05-01T10:00:00Z", name=texts[1])])
    normalize(pg, "deal_fields", "persons", "deals")
    assert dict(query(pg, "SELECT deal_id, title FROM core.pd_deals")) == texts
    assert {r: v for (r, _), v in values(pg).items()} == texts
    assert one(pg, "SELECT name FROM core.pd_persons WHERE NOT is_inferred")[0] == texts[1]


# -- 8. dim_date ----------------------------------------------------------------------------------------------

def dim_date(conn) -> dict:
    cols = ("year", "quarter", "month", "month_name", "year_month", "day_of_month", "iso_year", "iso_week",
            "day_of_week", "day_name", "is_weekend")
    return {r[0]: dict(zip(cols, r[1:])) for r in query(conn, f"SELECT date_day, {', '.join(cols)} FROM core.dim_date")}


def calendar(day: dt.date) -> dict:
    iso = day.isocalendar()
    return {"year": day.year, "quarter": (day.month - 1) // 3 + 1, "month": day.month,
            "month_name": day.strftime("%B"), "year_month": day.strftime("%Y-%m"), "day_of_month": day.day,
            "iso_year": iso[0], "iso_week": iso[1], "day_of_week": iso[2], "day_name": day.strftime("%A"),
            "is_weekend": iso[2] >= 6}


def assert_gap_free(days: dict, first: dt.date, last: dt.date) -> None:
    assert min(days) == first and max(days) == last
    assert len(days) == (last - first).days + 1, "gap-free: one row per day from the first to the last"


def test_dim_date_covers_every_written_day_gap_free_clipped_and_only_grows(pg):
    # the timestamptz update_time is 2021-01-05 23:30 at -02:00, i.e. 2021-01-06 in UTC
    load(pg, "deals", [deal(1, "2021-01-05T23:30:00-02:00", add_time="2020-12-30T10:00:00Z",
                            expected_close_date="2021-01-03")])
    normalize(pg, "deals")
    days = dim_date(pg)
    assert_gap_free(days, dt.date(2020, 12, 30), dt.date(2021, 1, 6))
    sunday = days[dt.date(2021, 1, 3)]
    assert sunday == calendar(dt.date(2021, 1, 3))
    assert (sunday["year"], sunday["iso_year"], sunday["iso_week"], sunday["day_of_week"], sunday["day_name"],
            sunday["is_weekend"]) == (2021, 2020, 53, 7, "Sunday", True)  # the calendar() oracle, checked once by hand
    assert all(row == calendar(day) for day, row in days.items())

    # a later activity leaves a gap-free calendar up to its due date
    load(pg, "activities", [activity(1, "2021-02-01T10:00:00Z", add_time="2021-02-01T10:00:00Z",
                                     due_date="2021-03-15")])
    normalize(pg, "activities")
    assert_gap_free(dim_date(pg), dt.date(2020, 12, 30), dt.date(2021, 3, 15))

    # years 9999 and 1900 lie outside the calendar's 1990..2100: they add no day (not even the bounds: a
    # calendar stretched to 2100 fills every date slicer), and their *_date columns are null
    load(pg, "deals", [deal(2, "2021-01-10T10:00:00Z", add_time="9999-06-01T00:00:00Z"),
                       deal(3, "2021-01-10T10:00:00Z", won_time="1900-01-01T00:00:00Z")])
    normalize(pg, "deals")
    days = dim_date(pg)
    assert_gap_free(days, dt.date(2020, 12, 30), dt.date(2024, 3, 1))  # deal 3's add_time, a real day
    assert one(pg, "SELECT created_at, created_date FROM core.pd_deals WHERE deal_id = 2") == (
        ts("9999-06-01T00:00:00Z"), None)
    assert one(pg, "SELECT won_date FROM core.pd_deals WHERE deal_id = 3") == (None,)

    # it only grows: a narrower batch, a newer version without the outliers and a full rerun remove nothing
    load(pg, "deals", [deal(2, "2021-01-11T10:00:00Z"), deal(3, "2021-01-11T10:00:00Z")])
    normalize(pg, "deals")
    normalize(pg, "deals", "activities", full=True)
    assert dim_date(pg) == days



def test_dim_date_does_not_depend_on_how_dates_were_batched(pg):
    """A batch whose every date lies beyond 2100 adds nothing, whatever the calendar held before: so an
    incremental history and a full rerun of the same data agree."""
    load(pg, "deals", [deal(1, "9999-01-01T00:00:00Z", add_time="9999-01-01T00:00:00Z")])
    normalize(pg, "deals")
    load(pg, "deals", [deal(2, "2099-12-30T10:00:00Z", add_time="2099-12-30T10:00:00Z")])
    normalize(pg, "deals")
    incremental = dim_date(pg)
    with pg.cursor() as cur:
        cur.execute("TRUNCATE core.dim_date")
    pg.commit()
    normalize(pg, "deals", full=True)
    assert dim_date(pg) == incremental
    assert_gap_free(incremental, dt.date(2099, 12, 30), dt.date(2099, 12, 30))

# -- 9. a failed entity ---------------------------------------------------------------------------------------

def test_a_failed_entity_is_rolled_back_and_recorded_while_the_next_still_runs(pg):
    load(pg, "deal_fields", catalog())
    deals = load(pg, "deals", [deal(1, "2024-05-01T10:00:00Z", value="abc", custom_fields={TEXT: "PO-1"}),
                               deal(2, "2024-05-01T10:00:00Z")])
    acts = load(pg, "activities", [activity(1, "2024-05-01T10:00:00Z")])
    normalize(pg, "deal_fields")
    # core.pd_custom_field_values, the deals entity's second table, refuses writes: pd_deals was already
    # upserted in the same transaction when it fails, so that must be rolled back too
    with pg.cursor() as cur:
        cur.execute("""
            CREATE FUNCTION pg_temp.refuse() RETURNS trigger LANGUAGE plpgsql AS
                $$ BEGIN RAISE EXCEPTION 'core.pd_custom_field_values is read-only in this test'; END $$;
            CREATE TRIGGER refuse BEFORE INSERT OR UPDATE OR DELETE ON core.pd_custom_field_values
                FOR EACH ROW EXECUTE FUNCTION pg_temp.refuse();
        """)
    pg.commit()
    try:
        results = normalize(pg, "deals", "activities")
    finally:
        with pg.cursor() as cur:
            cur.execute("DROP TRIGGER refuse ON core.pd_custom_field_values")
        pg.commit()

    assert results["deals"].status == "failed" and "read-only in this test" in results["deals"].error
    assert results["activities"].status == "success"
    assert one(pg, "SELECT count(*) FROM core.pd_deals WHERE NOT is_inferred")[0] == 0, \
        "the failed entity's writes are rolled back"
    assert one(pg, "SELECT count(*) FROM meta.rejected_rows")[0] == 0
    assert (state(pg, "deals"), state(pg, "activities")) == (None, acts.load_id)
    assert dict(query(pg, "SELECT activity_id, subject FROM core.pd_activities")) == {1: "Call 1"}
    run = last_run(pg, "deals")
    assert run["status"] == "failed" and "read-only in this test" in run["error"] and run["finished_at"]
    assert run["watermark_before"] == run["watermark_after"] == "0", "the failed run's position did not move"
    assert {k: last_run(pg, "activities")[k] for k in ("status", "watermark_after")} == {
        "status": "success", "watermark_after": str(acts.load_id)}

    # fixed, the rerun reads the same rows again (the position did not move) and converges
    again = normalize(pg, "deals")["deals"]
    assert (again.status, again.rows_in, again.rows_rejected) == ("success", 2, 1)
    assert state(pg, "deals") == deals.load_id
    assert dict(query(pg, "SELECT deal_id, value FROM core.pd_deals")) == {1: None, 2: Decimal(1000)}
    assert values(pg) == {(1, TEXT): "PO-1"}


def test_a_broken_transform_fails_its_entity_only(pg, tmp_path):
    load(pg, "persons", [person(1, "2024-05-01T10:00:00Z")])
    load(pg, "deals", [deal(1, "2024-05-01T10:00:00Z")])
    normalize(pg, "persons")
    position = state(pg, "persons")
    load(pg, "persons", [person(1, "2024-05-02T10:00:00Z", name="renamed")])
    sql_dir = tmp_path / SOURCE
    shutil.copytree(SQL_ROOT / SOURCE, sql_dir)
    text = (sql_dir / "pd_persons.sql").read_text(encoding="utf-8")
    broken = text.replace("_blob_path,\n        _line_no\n", "_blob_path\n")  # a lineage column missing
    assert broken != text
    (sql_dir / "pd_persons.sql").write_text(broken, encoding="utf-8")
    results = {r.entity: r for r in normalize_source(pg, SOURCE, select(ENTITIES, ["persons", "deals"]),
                                                     sql_dir=sql_dir)}
    assert results["persons"].status == "failed" and "_line_no" in results["persons"].error
    assert results["deals"].status == "success"
    assert state(pg, "persons") == position
    assert one(pg, "SELECT name FROM core.pd_persons WHERE NOT is_inferred")[0] == "Person 1"
    assert last_run(pg, "persons")["status"] == "failed"
    assert one(pg, "SELECT title FROM core.pd_deals")[0] == "Deal 1"
