"""python -m load.load_pipedrive_stg end to end: bronze runs on a local lake -> stg_pipedrive against a real PostgreSQL.

Loading is idempotent, rows carry lineage, bad lines are recorded and never stop the run, a part that
does not match its manifest fails loudly, a loader killed with SIGKILL converges on rerun, and --rebuild
reproduces the same rows. Engine details (merge path, scopes, line checks): tests/test_load_engine.py.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from lake.bronze import iter_lines
from lake.settings import get_settings
from lake.store.local import LocalStore
from load import load_pipedrive_stg
from tests.test_load_engine import T0, deal, empty_tables, query, stg_rows, write_run  # noqa: F401  (fixture)

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def lake(tmp_path, pg_url, monkeypatch):
    """The environment main() reads (DATABASE_URL with a password, to prove it stays out of the logs)."""
    parts = urlsplit(pg_url)
    # the embedded server's URL names a socket directory in ?host= and has no host or port in netloc
    where = (parts.hostname or "") + (f":{parts.port}" if parts.port else "")
    url = urlunsplit(parts._replace(netloc=f"{parts.username}:pw-Zq81xT@{where}"))
    env = {"DATABASE_URL": url, "LAKE_ROOT": str(tmp_path / "lake"), "LOG_DIR": str(tmp_path / "logs")}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    yield LocalStore(tmp_path / "lake")
    get_settings.cache_clear()


def bronze_rows(store, manifests) -> set[tuple]:
    """What a clean load must produce: (_blob_path, _line_no, doc) for every line of the parts."""
    return {(p["path"], n, json.dumps(json.loads(line), sort_keys=True))
            for m in manifests for p in m["parts"] for n, line in iter_lines(store, p["path"])}


def loaded_docs(db) -> list[tuple]:
    return [(path, n, json.dumps(doc, sort_keys=True)) for path, n, doc in
            query(db, "SELECT _blob_path, _line_no, doc FROM stg_pipedrive.deals_raw")]


def test_loading_twice_adds_nothing(lake, db):
    write_run(lake, [deal(i) for i in range(30)], max_records=10)
    assert load_pipedrive_stg.main(["--entity", "deals"]) == 0
    first = stg_rows(db)
    assert load_pipedrive_stg.main(["--entity", "deals"]) == 0
    assert stg_rows(db) == first and len(first) == 30
    assert query(db, "SELECT rows_in, rows_out, status FROM meta.pipeline_runs ORDER BY run_id") == [
        (30, 30, "success"), (0, 0, "success")]


def test_rows_land_with_lineage_record_id_and_source_updated_at(lake, db, tmp_path):
    m = write_run(lake, [deal(1), deal(2, update_time="2026-11-19T11:00:00.5Z")])
    write_run(lake, [{"id": 5, "name": "Ann", "modified": "2023-03-22 14:21:29"}], entity="users")
    write_run(lake, [{"key": "a1b2c3", "name": "Budget", "update_time": None}], entity="deal_fields")
    assert load_pipedrive_stg.main([]) == 0
    part = m["parts"][0]
    [(load_id,)] = query(db, "SELECT load_id FROM meta.pipeline_runs WHERE entity = 'deals'")
    assert query(db, "SELECT scope, record_id, source_updated_at, _blob_path, _line_no, _load_id, "
                     "_loaded_at IS NOT NULL FROM stg_pipedrive.deals_raw ORDER BY _line_no") == [
        ("default", "1", dt.datetime(2026, 11, 19, 10, tzinfo=dt.timezone.utc), part["path"], 1, load_id, True),
        ("default", "2", dt.datetime(2026, 11, 19, 11, 0, 0, 500000, tzinfo=dt.timezone.utc), part["path"], 2,
         load_id, True)]
    assert query(db, "SELECT record_id, source_updated_at FROM stg_pipedrive.users_raw") == [
        ("5", dt.datetime(2023, 3, 22, 14, 21, 29, tzinfo=dt.timezone.utc))]
    assert query(db, "SELECT record_id, source_updated_at FROM stg_pipedrive.deal_fields_raw") == [("a1b2c3", None)]
    assert query(db, "SELECT source, scope, entity, bronze_run_id, sha256, rows, bytes, load_id "
                     "FROM meta.loaded_files WHERE entity = 'deals'") == [
        ("pipedrive", "default", "deals", m["run_id"], part["sha256"], 2, part["bytes"], load_id)]
    log_text = "".join(p.read_text() for p in (tmp_path / "logs").glob("load_pipedrive_stg_*.log"))
    assert "pipedrive.deals scope=default files=1 skipped=0 rows=2 loaded=2 duplicates=0 rejected=0" in log_text
    assert "pw-Zq81xT" not in log_text


def test_bad_lines_are_recorded_and_the_good_ones_load_with_unicode_intact(lake, db):
    unicode_deal = deal(1, title="Ünïcödé – 日本語 🎉 \"quoted\" \\ back\\slash")
    lines = [json.dumps(unicode_deal, ensure_ascii=False).encode(), b'{"id": 2, "title": "cut',
             b'[1, 2, 3]', b'{"title": "no id"}', b'{"id": 5, "title": "nul\\u0000here"}', b"\xff\xfe garbage"]
    write_run(lake, lines)
    assert load_pipedrive_stg.main(["--entity", "deals"]) == 0  # bad input never fails the run
    docs = dict(query(db, "SELECT record_id, doc FROM stg_pipedrive.deals_raw"))
    assert docs == {"1": unicode_deal, "5": {"id": 5, "title": "nulhere"}}
    assert query(db, "SELECT _line_no, reason_code, is_repaired, raw_text FROM meta.rejected_rows ORDER BY 1") == [
        (2, "invalid_json", False, '{"id": 2, "title": "cut'), (3, "not_an_object", False, "[1, 2, 3]"),
        (4, "missing_id", False, '{"title": "no id"}'), (5, "nul_stripped", True, lines[4].decode()),
        (6, "invalid_encoding", False, "\\xff\\xfe garbage")]
    assert query(db, "SELECT rows_in, rows_out, rows_rejected FROM meta.pipeline_runs") == [(6, 2, 4)]


def test_a_part_whose_sha256_does_not_match_fails_the_run_and_loads_nothing(lake, db, tmp_path):
    m = write_run(lake, [deal(i) for i in range(5)])
    manifest_path = tmp_path / "lake" / m["parts"][0]["path"].replace("part-00000.jsonl.gz", "_manifest.json")
    tampered = json.loads(manifest_path.read_text())
    tampered["parts"][0]["sha256"] = "0" * 64
    manifest_path.write_text(json.dumps(tampered))
    assert load_pipedrive_stg.main(["--entity", "deals"]) == 1
    assert stg_rows(db) == set() and query(db, "SELECT count(*) FROM meta.loaded_files") == [(0,)]
    [(status, error)] = query(db, "SELECT status, error FROM meta.pipeline_runs")
    assert status == "failed" and "sha256" in error and m["parts"][0]["path"] in error


def test_rebuild_replays_every_run_into_the_same_rows(lake, db):
    write_run(lake, [deal(i) for i in range(20)] + [b"oops"], max_records=8)
    write_run(lake, [deal(i, title="v2") for i in range(5)], started_at=T0 + dt.timedelta(days=1))
    assert load_pipedrive_stg.main(["--entity", "deals"]) == 0
    before = stg_rows(db)
    rejected = query(db, "SELECT _blob_path, _line_no, reason_code FROM meta.rejected_rows")
    files = query(db, "SELECT blob_path, sha256, rows FROM meta.loaded_files ORDER BY 1")
    assert load_pipedrive_stg.main(["--entity", "deals", "--rebuild"]) == 0
    assert stg_rows(db) == before and len(before) == 25
    assert query(db, "SELECT _blob_path, _line_no, reason_code FROM meta.rejected_rows") == rejected
    assert query(db, "SELECT blob_path, sha256, rows FROM meta.loaded_files ORDER BY 1") == files
    [(old, new)] = query(db, "SELECT min(_load_id), max(_load_id) FROM stg_pipedrive.deals_raw")
    assert old == new  # every row was loaded again, by the rebuild's load


@pytest.mark.parametrize("argv", [["--entity", "nope"], ["--bogus"], ["--scope", "nope"]])
def test_bad_usage_exits_2(lake, argv, capsys):
    write_run(lake, [deal(1)])
    assert load_pipedrive_stg.main(argv) == 2
    if "--scope" in argv:  # a scope bronze has never seen is a typo, not an empty load
        assert "no bronze for pipedrive scope 'nope'" in capsys.readouterr().err
    assert load_pipedrive_stg.main(["--scope", "default"]) == 0


def test_a_loader_killed_mid_way_converges_on_rerun(tmp_path, pg_url, db):
    store = LocalStore(tmp_path / "lake")
    manifests = [write_run(store, [deal(i, pad="x" * 200) for i in range(r * 20_000, r * 20_000 + 20_000)],
                           started_at=T0 + dt.timedelta(hours=r), max_records=1000) for r in range(2)]
    parts = sum(len(m["parts"]) for m in manifests)
    env = {**os.environ, "DATABASE_URL": pg_url, "LAKE_ROOT": str(tmp_path / "lake"),
           "LOG_DIR": str(tmp_path / "logs")}

    def loader() -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "-m", "load.load_pipedrive_stg", "--entity", "deals"],
                                cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def files_loaded() -> int:
        return query(db, "SELECT count(*) FROM meta.loaded_files")[0][0]

    for wait_for in (1, 4):  # two kills: right after the first committed part, then a few parts later
        proc, deadline = loader(), time.monotonic() + 30
        while files_loaded() < wait_for and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
        proc.send_signal(signal.SIGKILL)
        assert proc.wait(10) == -signal.SIGKILL
    assert 0 < files_loaded() < parts  # really killed mid-way
    assert query(db, "SELECT count(*) FROM meta.pipeline_runs WHERE status = 'running'") == [(2,)]

    assert loader().wait(60) == 0
    rows = loaded_docs(db)
    assert len(rows) == len(set(rows)) == 40_000  # no duplicates, nothing lost
    assert set(rows) == bronze_rows(store, manifests)
    assert files_loaded() == parts


def test_a_rebuild_that_cannot_read_its_bronze_refuses_and_changes_nothing(lake, db, tmp_path, monkeypatch, capsys):
    manifests = [write_run(lake, [deal(i) for i in range(6)], max_records=2),
                 write_run(lake, [deal(1, title="v2", update_time="2026-11-20T07:00:00Z")],
                           started_at=T0 + dt.timedelta(hours=1))]
    assert load_pipedrive_stg.main(["--entity", "deals"]) == 0
    before = stg_rows(db)
    monkeypatch.setenv("LAKE_ROOT", str(tmp_path / "lakee"))  # a typo: an empty lake
    get_settings.cache_clear()
    assert load_pipedrive_stg.main(["--entity", "deals", "--rebuild"]) == 2
    assert "rebuild refused, nothing changed: 4 of 4 loaded bronze parts" in capsys.readouterr().err
    assert stg_rows(db) == before
    monkeypatch.setenv("LAKE_ROOT", str(tmp_path / "lake"))
    get_settings.cache_clear()
    (tmp_path / "lake" / manifests[0]["parts"][1]["path"]).unlink()  # one part lost
    assert load_pipedrive_stg.main(["--entity", "deals", "--rebuild"]) == 2
    assert stg_rows(db) == before and len(before) == 7
    assert query(db, "SELECT count(*) FROM meta.loaded_files") == [(4,)]


def test_a_version_dated_after_its_run_began_is_recorded_and_never_freezes_the_core_row(lake, db):
    """Issue 9, point 2: update_time 9999-12-31 used to become the newest version for ever."""
    from normalize import normalize_pipedrive
    first = write_run(lake, [deal(1, title="from the future", update_time="9999-12-31T23:59:59Z"),
                             deal(2, title="skewed clock", update_time=(T0 + dt.timedelta(minutes=3)).isoformat())])
    assert load_pipedrive_stg.main(["--entity", "deals"]) == 0
    assert query(db, "SELECT record_id, source_updated_at FROM stg_pipedrive.deals_raw ORDER BY 1") == [
        ("1", None), ("2", T0 + dt.timedelta(minutes=3))], "a few minutes of clock skew is not a bad version"
    [(reason, repaired, detail)] = query(db, "SELECT reason_code, is_repaired, detail FROM meta.rejected_rows")
    assert (reason, repaired) == ("bad_updated_at", True) and "later than its bronze run's start" in detail
    assert normalize_pipedrive.main(["--entity", "deals"]) == 0
    assert query(db, "SELECT title FROM core.pd_deals WHERE deal_id = 1") == [("from the future",)]
    assert query(db, "SELECT max(date_day) < date '2030-01-01' FROM core.dim_date") == [(True,)]

    write_run(lake, [deal(1, title="the real next version", update_time="2026-11-21T08:00:00Z")],
              started_at=T0 + dt.timedelta(days=1))
    assert load_pipedrive_stg.main(["--entity", "deals"]) == 0
    assert normalize_pipedrive.main(["--entity", "deals"]) == 0
    assert query(db, "SELECT title FROM core.pd_deals WHERE deal_id = 1") == [("the real next version",)]
    assert query(db, "SELECT _blob_path <> %s FROM core.pd_deals WHERE deal_id = 1", first["parts"][0]["path"]) == [
        (True,)]
