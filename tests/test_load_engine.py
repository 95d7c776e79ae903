"""The generic stg loader: line checks (pure), then load.engine against a real PostgreSQL.

Covers what any source's loader relies on: COPY rows, rejection and repair codes, the fast path and the
merge path giving the same rows, lines PostgreSQL refuses, manifest checks, scopes, load ids, rebuild.
Pipedrive end to end (CLI, crash convergence): tests/test_load_pipedrive_stg.py.
"""
from __future__ import annotations

import datetime as dt
import gzip
import json
from unittest import mock

import pytest

from lake import bronze
from lake.bronze import RunWriter
from lake.entities import Entity
from lake.sources.pipedrive import ENTITIES, SOURCE
from lake.store.local import LocalStore
from load.engine import load_source
from load.lines import LineChecker

BY_NAME = {e.name: e for e in ENTITIES}
DEALS, USERS, DEAL_FIELDS = BY_NAME["deals"], BY_NAME["users"], BY_NAME["deal_fields"]
T0 = dt.datetime(2026, 11, 20, 6, 0, 0, tzinfo=dt.timezone.utc)


# ---- helpers (also used by test_load_pipedrive_stg.py) ----

def deal(i: int, **extra) -> dict:
    return {"id": i, "title": f"Deal {i} – ünïcödé 日本 🎉", "value": i * 10.5,
            "update_time": "2026-11-19T10:00:00Z", **extra}


def write_run(store, records, *, entity: str = "deals", scope: str = "default", started_at=T0,
              max_records: int = 50_000, commit: bool = True) -> dict | None:
    """One bronze run through lake.bronze.RunWriter. `records` are dicts, or bytes lines (written as
    they are, so a test can put malformed lines in bronze). Returns the manifest (None if not committed)."""
    original = bronze.encode_line
    raw_or_json = (lambda r: r + b"\n" if isinstance(r, bytes) else original(r))
    with mock.patch.object(bronze, "encode_line", raw_or_json):
        writer = RunWriter(store, SOURCE, scope, entity, started_at=started_at, extractor_version="test/1",
                           max_records=max_records)
        for record in records:
            writer.write(record)
        if not commit:
            writer._flush_part()  # parts on disk, but no manifest: an incomplete run
            return None
        return writer.commit(cursor_field="update_time", watermark_from=None, watermark_to=None, mode="full")


def stg_rows(conn, table: str = "deals_raw") -> set[tuple]:
    """What a table holds, as comparable tuples (doc as canonical JSON)."""
    with conn.cursor() as cur:
        cur.execute(f"SELECT _blob_path, _line_no, scope, record_id, source_updated_at, doc::text "
                    f"FROM stg_pipedrive.{table}")
        rows = cur.fetchall()
    conn.commit()
    assert len(rows) == len({(r[0], r[1]) for r in rows})
    return set(rows)


def query(conn, text: str, *args) -> list[tuple]:
    with conn.cursor() as cur:
        cur.execute(text, args or None)
        rows = cur.fetchall()
    conn.commit()
    return rows


@pytest.fixture
def store(tmp_path):
    return LocalStore(tmp_path / "lake")


@pytest.fixture(autouse=True)
def empty_tables(db):
    """The module shares one database: each test starts from empty stg and meta tables."""
    with db.cursor() as cur:
        cur.execute("TRUNCATE meta.loaded_files, meta.rejected_rows, meta.pipeline_runs, meta.quarantined_parts, "
                    + ", ".join(f"stg_pipedrive.{e.stg_table}" for e in ENTITIES))
    db.commit()


# ---- line checks (pure) ----

def tail(row: bytes) -> list[bytes]:
    return row.rstrip(b"\n").split(b"\t")


def test_a_good_line_becomes_a_copy_row_with_id_time_line_no_and_the_raw_doc():
    line = '{"id":7,"title":"a\\\\b \\"q\\" é","update_time":"2026-11-19T10:00:00Z"}'.encode()
    rejects = []
    record_id, updated, line_no, doc = tail(LineChecker(DEALS).check(3, line, rejects))
    assert (record_id, updated, line_no, rejects) == (b"7", b"2026-11-19T10:00:00+00:00", b"3", [])
    assert doc == line.replace(b"\\", b"\\\\")  # COPY text format: backslashes doubled, nothing else


@pytest.mark.parametrize("line, reason", [
    (b'{"id":1,"title":', "invalid_json"),
    (b'', "invalid_json"),
    (b'{"id":1,"value":NaN}', "invalid_json"),
    (b'[{"id":1}]', "not_an_object"),
    (b'"just text"', "not_an_object"),
    (b'{"title":"no id"}', "missing_id"),
    (b'{"id":null}', "missing_id"),
    (b'{"id":""}', "missing_id"),
    (b'{"id":[1,2]}', "invalid_id"),
    (b'{"id":1,"t":"\xff\xfe"}', "invalid_encoding"),
    (b'{"id":1,"t":"\\ud800 lone"}', "invalid_encoding"),
    (b'{"id":1,"pad":"' + b"x" * 200 + b'"}', "oversize"),
])
def test_a_bad_line_is_rejected_with_its_reason_and_raw_text(line, reason):
    rejects = []
    assert LineChecker(DEALS, max_line_bytes=150).check(5, line, rejects) is None
    [r] = rejects
    assert (r.line_no, r.reason_code, r.is_repaired) == (5, reason, False)
    assert "\x00" not in r.raw_text and r.raw_text.startswith(line[:3].decode("utf-8", "backslashreplace"))


def test_nul_escapes_are_stripped_and_the_repair_recorded_but_escaped_backslashes_are_left():
    line = b'{"id":1,"a":"x\\u0000y","b":"\\\\u0000 is text"}'
    rejects = []
    doc = tail(LineChecker(DEALS).check(1, line, rejects))[3]
    assert json.loads(doc.replace(b"\\\\", b"\\")) == {"id": 1, "a": "xy", "b": "\\u0000 is text"}
    [r] = rejects
    assert (r.reason_code, r.is_repaired, r.raw_text) == ("nul_stripped", True, line.decode())


def test_a_valid_surrogate_pair_is_not_an_encoding_problem():
    rejects = []
    assert LineChecker(DEALS).check(1, b'{"id":1,"t":"\\ud83c\\udf89"}', rejects) is not None and rejects == []


def test_source_updated_at_follows_a_per_entity_rule():
    check = lambda entity, doc: tail(LineChecker(entity).check(1, json.dumps(doc).encode(), []))
    # users have no cursor field: the first of update_time/updated_at/modified; v1 times are UTC.
    assert check(USERS, {"id": 1, "modified": "2023-03-22 14:21:29"})[:2] == [b"1", b"2023-03-22T14:21:29+00:00"]
    # catalogs are keyed by "key"; a null update_time (stages never edited) is simply NULL.
    assert check(DEAL_FIELDS, {"key": "a1b2", "update_time": None})[:2] == [b"a1b2", b"\\N"]
    # the cursor field wins for incremental entities, even when another field is present.
    assert check(DEALS, {"id": 2, "update_time": "2026-01-01T00:00:00Z", "updated_at": "1999-01-01"})[1] \
        == b"2026-01-01T00:00:00+00:00"


def test_an_unparseable_updated_at_is_loaded_as_null_and_recorded_as_a_repair():
    rejects = []
    assert tail(LineChecker(DEALS).check(1, b'{"id":1,"update_time":"last tuesday"}', rejects))[1] == b"\\N"
    assert [(r.reason_code, r.is_repaired) for r in rejects] == [("bad_updated_at", True)]


def test_text_ids_and_whitespace_are_escaped_for_copy():
    entity = Entity("things", "/x", "cursor", key="code")  # the id holds a real tab once decoded
    record_id, _, _, doc = tail(LineChecker(entity).check(1, b'{"code":"a\\tb",\t"n":1}\r', []))
    assert record_id == b"a\\tb" and doc == b'{"code":"a\\\\tb",\\t"n":1}\\r'


# ---- the engine against PostgreSQL ----

def test_the_fast_path_and_the_merge_path_give_the_same_rows(db, store, caplog):
    write_run(store, [deal(i) for i in range(250)], max_records=100)
    [first] = load_source(db, store, SOURCE, [DEALS])
    clean = stg_rows(db)
    assert (first.files, first.rows_in, first.rows_out) == (3, 250, 250) and len(clean) == 250

    # The ledger is lost and part of the stg rows with it: the rows are there, so the parts are merged
    # by primary key, and only the missing rows come back.
    [(deleted,)] = query(db, "WITH d AS (DELETE FROM stg_pipedrive.deals_raw WHERE _line_no % 3 = 0 "
                             "RETURNING 1) SELECT count(*) FROM d")
    query(db, "WITH d AS (DELETE FROM meta.loaded_files RETURNING 1) SELECT count(*) FROM d")
    [again] = load_source(db, store, SOURCE, [DEALS])
    assert (again.files, again.rows_in, again.rows_out, again.status) == (3, 250, deleted, "success")
    assert stg_rows(db) == clean


def test_a_version_already_stored_is_counted_not_stored_again(db, store):
    """The inclusive boundary and full refreshes re-send unchanged records: a quiet day adds no rows."""
    write_run(store, [deal(i) for i in range(10)])
    load_source(db, store, SOURCE, [DEALS])
    changed = deal(3, title="renamed", update_time="2026-11-20T05:00:00Z")
    reverted = deal(5)  # equal to a stored version, but only the newest stored version counts
    write_run(store, [deal(i) for i in range(10) if i != 3] + [changed, deal(10)], started_at=T0 + dt.timedelta(hours=1))
    [second] = load_source(db, store, SOURCE, [DEALS])
    assert (second.rows_in, second.rows_out, second.duplicates) == (11, 2, 9)
    assert query(db, "SELECT sum(rows_duplicate) FROM meta.loaded_files") == [(9,)]
    write_run(store, [reverted, deal(3)], started_at=T0 + dt.timedelta(hours=2))  # deal 3 goes back to v1
    [third] = load_source(db, store, SOURCE, [DEALS])
    assert (third.rows_out, third.duplicates) == (1, 1)
    assert query(db, "SELECT count(*) FROM stg_pipedrive.deals_raw WHERE record_id = '3'") == [(3,)]
    assert query(db, "SELECT count(*) FROM meta.loaded_files") == [(3,)]


@pytest.mark.parametrize("loads", ["one invocation", "one invocation per run"])
def test_unchanged_records_in_several_runs_are_stored_once_however_they_are_loaded(db, store, loads):
    """A first load or a --rebuild of many runs (one invocation) must store what daily loads store."""
    started = [T0 + dt.timedelta(hours=h) for h in range(3)]
    runs = [[deal(i) for i in range(6)],
            [deal(i) for i in range(6)] + [deal(2, title="v2", update_time="2026-11-20T07:00:00Z")],
            [deal(i) for i in range(6) if i != 2] + [deal(2, title="v2", update_time="2026-11-20T07:00:00Z")]]
    for n, (records, at) in enumerate(zip(runs, started)):
        write_run(store, records, started_at=at, max_records=4)
        if loads == "one invocation per run" or n == len(runs) - 1:
            load_source(db, store, SOURCE, [DEALS])
    # versions: every deal once, deal 2 twice (v1 in run 0, v2 in run 1; run 1's v1 and run 2's v2 repeat)
    versions = query(db, "SELECT record_id, count(*) FROM stg_pipedrive.deals_raw GROUP BY 1 ORDER BY 1")
    assert versions == [("0", 1), ("1", 1), ("2", 2), ("3", 1), ("4", 1), ("5", 1)]
    assert query(db, "SELECT sum(rows) - sum(rows_duplicate) FROM meta.loaded_files") == [(7,)]


def test_a_record_repeated_inside_one_part_is_stored_once(db, store):
    """Zendesk's time-based export repeats the records of a page boundary by design."""
    same = deal(7)
    for at, records in ((T0, [deal(1), same, same, deal(2), same]),
                        (T0 + dt.timedelta(hours=1), [deal(3), deal(3), deal(1)])):
        write_run(store, records, started_at=at)
        [result] = load_source(db, store, SOURCE, [DEALS])
    assert query(db, "SELECT record_id, count(*) FROM stg_pipedrive.deals_raw GROUP BY 1 ORDER BY 1") == [
        ("1", 1), ("2", 1), ("3", 1), ("7", 1)]
    assert (result.rows_in, result.rows_out, result.duplicates) == (3, 1, 2)


def test_a_line_postgresql_refuses_is_rejected_and_the_rest_of_the_part_loads(db, store):
    # The line's own text mimics PostgreSQL's error context, to prove the line number is read from the right place.
    lines = [json.dumps(deal(1)).encode(), b'{"id":2,"t":"x\\nCOPY deals_raw, line 1, column doc","n":1e999999}',
             json.dumps(deal(3)).encode()]
    write_run(store, lines)
    [result] = load_source(db, store, SOURCE, [DEALS])
    assert (result.status, result.rows_out, result.rejected) == ("success", 2, 1)
    [(reason, line_no, detail, raw)] = query(db, "SELECT reason_code, _line_no, detail, raw_text FROM meta.rejected_rows")
    assert (reason, line_no, raw) == ("db_rejected", 2, lines[1].decode()) and "numeric" in detail


def test_a_part_that_differs_from_its_manifest_fails_its_run_and_loads_nothing_of_it(db, store, tmp_path):
    bad = write_run(store, [deal(i) for i in range(10)], max_records=5)
    good = write_run(store, [deal(i) for i in range(10, 13)], started_at=T0 + dt.timedelta(hours=1))
    part = tmp_path / "lake" / bad["parts"][0]["path"]
    part.write_bytes(gzip.compress(b'{"id":99}\n' * 5))  # same row count, other bytes
    [result] = load_source(db, store, SOURCE, [DEALS])
    assert result.status == "failed" and "does not match its manifest" in result.error
    assert bad["parts"][0]["path"] in result.error
    loaded = {r[0] for r in stg_rows(db)}
    assert loaded == {good["parts"][0]["path"]}  # the rest of the bad run waits; later runs load
    assert query(db, "SELECT status, error IS NOT NULL FROM meta.pipeline_runs") == [("failed", True)]


def test_a_truncated_part_fails_its_run_without_crashing_the_loader(db, store, tmp_path):
    manifest = write_run(store, [deal(i) for i in range(50)])
    part = tmp_path / "lake" / manifest["parts"][0]["path"]
    part.write_bytes(part.read_bytes()[:-30])
    [result] = load_source(db, store, SOURCE, [DEALS])
    assert result.status == "failed" and "unreadable" in result.error and stg_rows(db) == set()


def test_a_run_without_manifest_is_ignored(db, store):
    write_run(store, [deal(i) for i in range(5)], max_records=2, commit=False)
    [result] = load_source(db, store, SOURCE, [DEALS])
    assert (result.status, result.files, result.rows_in) == ("success", 0, 0)
    assert stg_rows(db) == set() and query(db, "SELECT count(*) FROM meta.loaded_files") == [(0,)]


def test_each_scope_gets_its_own_run_row_and_load_id_and_scope_filters(db, store):
    write_run(store, [deal(1)], scope="acme")
    write_run(store, [deal(1)], scope="globex")
    only = load_source(db, store, SOURCE, [DEALS], scope="acme")
    assert [(r.scope, r.files) for r in only] == [("acme", 1)]
    rest = load_source(db, store, SOURCE, [DEALS])
    assert [(r.scope, r.files, r.skipped) for r in rest] == [("acme", 0, 1), ("globex", 1, 0)]
    ids = [r.load_id for r in only + rest]
    assert ids == sorted(set(ids))
    assert query(db, "SELECT scope, _load_id FROM stg_pipedrive.deals_raw ORDER BY scope") == \
        [("acme", only[0].load_id), ("globex", rest[1].load_id)]
    assert query(db, "SELECT scope, status, rows_in, rows_out, load_id FROM meta.pipeline_runs ORDER BY run_id") == [
        ("acme", "success", 1, 1, ids[0]), ("acme", "success", 0, 0, ids[1]), ("globex", "success", 1, 1, ids[2])]


def test_rebuild_of_one_scope_leaves_the_other_scopes_alone(db, store):
    write_run(store, [b'{"id":1}', b'not json'], scope="acme")
    write_run(store, [deal(2)], scope="globex")
    load_source(db, store, SOURCE, [DEALS])
    before = stg_rows(db)
    globex_load = query(db, "SELECT _load_id FROM stg_pipedrive.deals_raw WHERE scope = 'globex'")
    [result] = load_source(db, store, SOURCE, [DEALS], scope="acme", rebuild=True)
    assert (result.files, result.rows_out, result.rejected) == (1, 1, 1)
    assert stg_rows(db) == before
    assert query(db, "SELECT _load_id FROM stg_pipedrive.deals_raw WHERE scope = 'globex'") == globex_load
    assert query(db, "SELECT count(*), max(load_id) FROM meta.rejected_rows") == [(1, result.load_id)]
