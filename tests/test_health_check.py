"""The health check: every check driven to ok, warn and fail on a real PostgreSQL and a local lake; exit codes; the demo.

Data flow: one real daily run (Pipedrive simulator -> bronze -> stg -> core) into a template database ->
           each test clones it (CREATE DATABASE ... TEMPLATE) with a copy of the lake, breaks one thing,
           and runs lake.health.run_checks or scripts.health_check.main on it.
Run standalone: python -m pytest -q tests/test_health_check.py
"""
from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shutil
import socket
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

import psycopg2
import pytest

from lake import db as lake_db
from lake.bronze import RunWriter, entity_prefix
from lake.health import exit_code, run_checks
from lake.settings import Settings, get_settings
from lake.store.local import LocalStore
from sandbox.pipedrive import PipedriveSimulator
from scripts import daily_pipeline, health_check
from tests.fixtures.postgres import make_settings, temp_database, unused_port, with_database

TOKEN = "health-pipedrive-token"
NOW = lambda: dt.datetime.now(dt.timezone.utc)  # noqa: E731


@dataclass
class Lake:
    """One test's database (a clone of the daily run's) and lake (a copy), and how to check them."""
    url: str
    root: Path
    settings: Settings
    conn: psycopg2.extensions.connection

    @property
    def store(self) -> LocalStore:
        return LocalStore(self.root)

    def check(self, **options):
        return run_checks(self.conn, self.store, self.settings, **options)

    def sql(self, statement: str, params=None):
        with self.conn.cursor() as cur:
            cur.execute(statement, params)
            found = cur.fetchall() if cur.description else None
        self.conn.commit()
        return found

    def env(self, monkeypatch, **extra: str) -> None:
        """The process environment for scripts.health_check.main on this lake."""
        for name in [k for k in os.environ if k.startswith(("PIPEDRIVE_", "ZENDESK_", "PG", "LAKE_", "HEALTH_"))]:
            monkeypatch.delenv(name)
        for name, value in {"DATABASE_URL": self.url, "LAKE_ROOT": str(self.root), "LOG_DIR": str(self.root.parent / "logs"),
                            "PIPEDRIVE_API_TOKEN": TOKEN, **extra}.items():
            monkeypatch.setenv(name, value)
        get_settings.cache_clear()


def rows_of(rows, check, **match):
    return [r for r in rows if r.check == check and all(getattr(r, k) == v for k, v in match.items())]


def one(rows, check, **match):
    found = rows_of(rows, check, **match)
    assert len(found) == 1, found
    return found[0]


def statuses(rows, check, **match):
    return {r.status for r in rows_of(rows, check, **match)}


@pytest.fixture(scope="module")
def base(pg_server, tmp_path_factory):
    """(database name, lake folder) after one real, green daily run of Pipedrive; a template for every test."""
    folder = tmp_path_factory.mktemp("health_base")
    with temp_database(pg_server, "health_base") as url, pytest.MonkeyPatch.context() as mp, \
            PipedriveSimulator(seed=1, token=TOKEN) as sim:
        for name in [k for k in os.environ if k.startswith(("PIPEDRIVE_", "ZENDESK_", "PG", "LAKE_"))]:
            mp.delenv(name)
        for name, value in {"DATABASE_URL": url, "LAKE_ROOT": str(folder / "lake"), "LOG_DIR": str(folder / "logs"),
                            "PIPEDRIVE_API_TOKEN": TOKEN, "PIPEDRIVE_BASE_URL": sim.base_url}.items():
            mp.setenv(name, value)
        get_settings.cache_clear()
        assert daily_pipeline.main([]) == 0
        get_settings.cache_clear()
        with contextlib.closing(psycopg2.connect(url)) as conn, conn.cursor() as cur:
            # the daily runner ends with a green health check of its own; the tests start from an unchecked lake
            cur.execute("SELECT status FROM meta.health_check_runs")
            assert cur.fetchall() == [("ok",)]
            cur.execute("TRUNCATE meta.health_checks, meta.health_check_runs, meta.health_core_counts RESTART IDENTITY")
            conn.commit()
            cur.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "  # our own, before templating
                        "WHERE datname = current_database() AND pid <> pg_backend_pid()")
            cur.execute("SELECT current_database()")
            name = cur.fetchone()[0]
        yield name, folder / "lake"


@pytest.fixture
def lake(base, pg_server, tmp_path):
    name, root = base
    clone = f"lake_health_{uuid.uuid4().hex[:10]}"
    admin(pg_server, f'CREATE DATABASE "{clone}" TEMPLATE "{name}"')
    shutil.copytree(root, tmp_path / "lake")
    url = with_database(pg_server, clone)
    conn = psycopg2.connect(url)
    try:
        yield Lake(url, tmp_path / "lake", make_settings(tmp_path, url, PIPEDRIVE_API_TOKEN=TOKEN), conn)
    finally:
        conn.close()
        admin(pg_server, f'DROP DATABASE IF EXISTS "{clone}" WITH (FORCE)')
        get_settings.cache_clear()


def admin(pg_server: str, statement: str) -> None:
    with contextlib.closing(psycopg2.connect(pg_server)) as conn:
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute(statement)


def shift_runs(lake: Lake, hours: float, where: str = "true", params=None) -> None:
    lake.sql(f"UPDATE meta.pipeline_runs SET started_at = started_at - make_interval(secs => %(s)s), "
             f"finished_at = finished_at - make_interval(secs => %(s)s) WHERE {where}", {"s": hours * 3600, **(params or {})})


def extracts(lake: Lake, entity: str, counts: list[int], **columns) -> None:
    """Replace the entity's extract rows by successful ones returning counts (newest first, a day apart)."""
    lake.sql("DELETE FROM meta.pipeline_runs WHERE stage = 'extract' AND entity = %s", (entity,))
    for i, n in enumerate(counts):
        at = NOW() - dt.timedelta(days=i, minutes=5)
        lake.sql("INSERT INTO meta.pipeline_runs (stage, source, scope, entity, status, rows_in, rows_out, "
                 "watermark_before, watermark_after, started_at, finished_at) VALUES ('extract', 'pipedrive', "
                 "'default', %s, 'success', %s, %s, %s, %s, %s, %s)",
                 (entity, n, n, columns.get("before"), columns.get("after"), at - dt.timedelta(minutes=1), at))


def dead_pid() -> int:
    child = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(child.stdout)


# --- a healthy lake, the record, the view ----------------------------------------------------

def test_a_healthy_daily_run_is_all_ok_and_every_row_is_recorded_for_power_bi(lake):
    rows = lake.check()
    assert [r for r in rows if r.status != "ok"] == [] and exit_code(rows) == 0
    assert {r.check for r in rows} == {"did_it_run", "stuck_runs", "freshness", "volume", "duplicates",
                                       "rejected_rows", "lake", "reconciliation", "watermarks", "schema"}
    assert lake.sql("SELECT count(*) FROM meta.health_checks")[0][0] == len(rows)
    assert lake.sql("SELECT status, rows_ok, rows_fail FROM meta.health_check_runs") == [("ok", len(rows), 0)]
    lake.sql("UPDATE meta.schema_migrations SET sha256 = 'edited' WHERE path = '01_meta/loaded_files.sql'")
    again = lake.check(source="pipedrive")
    view = lake.sql("SELECT check_name, status, status_rank, check_run_id FROM core.health_status")
    assert len(view) == len(again) and {r[3] for r in view} == {2}  # the newest run replaces what it covered
    assert ("schema", "fail", 2, 2) in view


# --- did_it_run --------------------------------------------------------------------------------

def test_did_it_run_fails_for_a_run_that_never_happened_or_is_26_hours_old(lake):
    lake.settings = make_settings(lake.root.parent, lake.url, PIPEDRIVE_API_TOKEN=TOKEN, ZENDESK_SUBDOMAIN="acme")
    rows = lake.check()
    assert one(rows, "did_it_run", source="pipedrive", entity=None).status == "ok"
    never = one(rows, "did_it_run", source="zendesk", entity=None)
    assert never.status == "fail" and "no complete run recorded" in never.measured
    shift_runs(lake, 27)
    late = one(lake.check(source="pipedrive"), "did_it_run", entity=None)
    assert late.status == "fail" and "last complete run 27.0 h ago" in late.measured and late.hint


def test_did_it_run_reports_the_last_runs_failed_stages_with_their_error(lake):
    lake.sql("INSERT INTO meta.pipeline_runs (stage, source, scope, entity, status, error, finished_at) VALUES "
             "('extract', 'pipedrive', 'default', 'deals', 'failed', 'HTTP 500 from /api/v2/deals', now()), "
             "('extract', 'pipedrive', 'default', 'persons', 'partial', 'daily budget spent', now())")
    rows = lake.check()
    assert one(rows, "did_it_run", entity=None).status == "ok"  # every stage still succeeded within 26 h
    failed = one(rows, "did_it_run", entity="deals")
    assert failed.status == "fail" and "last extract failed" in failed.measured and "HTTP 500" in failed.measured
    assert "python -m extract.pipedrive_bronze --entity deals" in failed.hint
    assert one(rows, "did_it_run", entity="persons").status == "warn"
    assert exit_code(rows) == 2


# --- stuck_runs ----------------------------------------------------------------------------------

def test_a_running_row_whose_process_died_is_marked_abandoned(lake):
    run_id = lake.sql("INSERT INTO meta.pipeline_runs (stage, source, scope, entity, host, pid, started_at) VALUES "
                      "('load', 'pipedrive', 'default', 'deals', %s, %s, now() - interval '2 hours') RETURNING run_id",
                      (socket.gethostname(), dead_pid()))[0][0]
    stuck = one(lake.check(), "stuck_runs")
    assert stuck.status == "warn" and f"run {run_id}" in stuck.measured and "marked abandoned" in stuck.measured
    assert lake.sql("SELECT status, finished_at IS NOT NULL FROM meta.pipeline_runs WHERE run_id = %s",
                    (run_id,)) == [("abandoned", True)]
    rows = lake.check()
    assert one(rows, "stuck_runs").status == "ok"
    assert rows_of(rows, "did_it_run", entity="deals") == []  # a later load of deals succeeded


def test_a_running_row_whose_session_holds_the_lock_is_alive_until_it_runs_too_long(lake):
    with contextlib.closing(psycopg2.connect(lake.url)) as holder, holder.cursor() as cur:
        cur.execute("SELECT pg_advisory_lock(hashtext('load:pipedrive'))")
        lake.sql("INSERT INTO meta.pipeline_runs (stage, source, scope, entity, host, pid) VALUES "
                 "('load', 'pipedrive', 'default', 'deals', %s, %s)", (socket.gethostname(), os.getpid()))
        alive = one(lake.check(now=NOW() + dt.timedelta(hours=2)), "stuck_runs")
        assert alive.status == "ok" and "alive" in alive.measured
        hung = one(lake.check(now=NOW() + dt.timedelta(hours=30)), "stuck_runs")
        assert hung.status == "fail" and "still holds its lock" in hung.measured
    assert lake.sql("SELECT count(*) FROM meta.pipeline_runs WHERE status = 'running'") == [(1,)]


# --- freshness ----------------------------------------------------------------------------------

def test_a_stale_entity_fails_a_partial_one_warns_and_a_quiet_one_is_fresh(lake):
    shift_runs(lake, 25, "entity = 'deals'")
    lake.sql("INSERT INTO meta.pipeline_runs (stage, source, scope, entity, status, finished_at) "
             "VALUES ('extract', 'pipedrive', 'default', 'persons', 'partial', now())")
    shift_runs(lake, 25, "entity = 'persons' AND stage = 'extract' AND status = 'success'")
    lake.sql("UPDATE core.pd_organizations SET _updated_at = now() - interval '5 days'")
    rows = lake.check()
    stale = one(rows, "freshness", entity="deals")
    assert stale.status == "fail" and "extract 25.0 h ago, normalize 25.0 h ago" in stale.measured
    assert one(rows, "freshness", entity="persons").status == "warn"
    quiet = one(rows, "freshness", entity="organizations")
    assert quiet.status == "ok" and "newest row written 5.0 d ago" in quiet.measured


# --- volume -------------------------------------------------------------------------------------

@pytest.mark.parametrize("entity, counts, status", [
    ("users", [100, 100, 95, 105, 100, 100, 98, 102], "ok"),
    ("users", [80, 100, 95, 105, 100, 100, 98, 102], "warn"),        # a full refresh 20 % below its median
    ("users", [0, 100, 95, 105, 100, 100, 98, 102], "fail"),         # suddenly nothing
    ("deals", [900, 5, 6, 7, 3, 2, 9, 4], "ok"),                     # incremental: a busy day is no alarm
    ("deals", [0, 5, 0, 7, 3, 2, 9, 4], "ok"),                       # ... nor a quiet one, when quiet days happen
    ("deals", [0, 5, 6, 7, 3, 2, 9, 4], "fail"),                     # ... but nothing after a week of changes is
])
def test_rows_extracted_against_the_median_of_the_last_seven_runs(lake, entity, counts, status):
    extracts(lake, entity, counts)
    row = next(r for r in rows_of(lake.check(), "volume", entity=entity) if "extracted" in r.measured)
    assert row.status == status, row


def test_a_core_count_that_dropped_30_percent_fails_until_accepted(lake):
    lake.check()  # the baseline
    lake.sql("DELETE FROM core.pd_deals WHERE deal_id % 10 < 3")
    lake.sql("DELETE FROM core.pd_persons WHERE person_id IN (SELECT person_id FROM core.pd_persons LIMIT 5)")
    rows = lake.check()
    dropped = next(r for r in rows_of(rows, "volume", entity="deals") if "core.pd_deals" in r.measured)
    assert dropped.status == "fail" and "-30" in dropped.measured and "--accept-counts" in dropped.hint
    assert next(r for r in rows_of(rows, "volume", entity="persons") if "core." in r.measured).status == "warn"
    assert statuses(lake.check(), "volume", entity="deals") >= {"fail"}  # stays red: the baseline was kept
    assert "fail" not in statuses(lake.check(accept_counts=True), "volume")
    assert statuses(lake.check(), "volume") == {"ok"}


# --- duplicates ---------------------------------------------------------------------------------

def copy_deal_line(lake: Lake) -> None:
    """A loader bug: one deal version stored again from a new part, with its ledger row."""
    load_id = lake.sql("SELECT nextval('meta.load_id_seq')")[0][0]
    path = "bronze/pipedrive/scope=default/entity=deals/ingestion_date=2026-12-31/run_id=20261231T000000000000Z/part-00000.jsonl.gz"
    lake.sql("INSERT INTO stg_pipedrive.deals_raw (scope, record_id, doc, source_updated_at, _blob_path, _line_no, _load_id) "
             "SELECT scope, record_id, doc, source_updated_at, %s, 1, %s FROM stg_pipedrive.deals_raw LIMIT 1", (path, load_id))
    lake.sql("INSERT INTO meta.loaded_files (blob_path, load_id, source, scope, entity, bronze_run_id, sha256, rows, bytes) "
             "VALUES (%s, %s, 'pipedrive', 'default', 'deals', '20261231T000000000000Z', 'x', 1, 1)", (path, load_id))


def test_a_version_stored_twice_in_stg_warns_on_the_first_check_and_on_later_ones(lake):
    copy_deal_line(lake)
    first = one(lake.check(), "duplicates", entity="deals")  # the first check reads the whole table
    assert first.status == "warn" and "1 records have a version stored more than once" in first.measured
    assert "part-00000.jsonl.gz:1" in first.measured or "at bronze/" in first.measured
    assert one(lake.check(), "duplicates", entity="deals").status == "warn"  # still there: still warned
    lake.sql("DELETE FROM stg_pipedrive.deals_raw WHERE _blob_path LIKE '%20261231T%'")
    assert one(lake.check(), "duplicates", entity="deals").status == "ok"


def test_a_version_stored_twice_since_the_previous_check_is_found_among_the_new_rows(lake):
    lake.sql("UPDATE meta.loaded_files SET loaded_at = loaded_at - interval '2 hours'")  # yesterday's loads
    assert one(lake.check(), "duplicates", entity="deals").status == "ok"
    copy_deal_line(lake)
    rows = lake.check()
    found = one(rows, "duplicates", entity="deals")
    assert found.status == "warn" and "(1 extra rows)" in found.measured
    assert "nothing loaded since the check of" in one(rows, "duplicates", entity="persons").measured
    assert next(r for r in rows_of(rows, "reconciliation", entity="deals") if "parts" in r.measured).status == "ok"


# --- rejected_rows -------------------------------------------------------------------------------

def test_new_rejected_rows_warn_once_with_their_bronze_line_and_repairs_are_ok(lake):
    path = lake.sql("SELECT blob_path FROM meta.loaded_files WHERE entity = 'deals'")[0][0]
    lake.sql("INSERT INTO meta.rejected_rows (source, scope, entity, reason_code, is_repaired, _blob_path, _line_no) "
             "VALUES ('pipedrive', 'default', 'deals', 'invalid_json', false, %s, 7), "
             "('pipedrive', 'default', 'deals', 'nul_stripped', true, %s, 9)", (path, path))
    rows = lake.check()
    lost = next(r for r in rows_of(rows, "rejected_rows") if "invalid_json" in r.measured)
    assert lost.status == "warn" and f"first {path}:7" in lost.measured
    assert next(r for r in rows_of(rows, "rejected_rows") if "nul_stripped" in r.measured).status == "ok"
    quiet = one(lake.check(), "rejected_rows")
    assert quiet.status == "ok" and "no new rejected rows since the check of" in quiet.measured


# --- lake ---------------------------------------------------------------------------------------

def bronze_run(lake: Lake, age: dt.timedelta, *, commit: bool, entity: str = "users") -> RunWriter:
    writer = RunWriter(lake.store, "pipedrive", "default", entity, started_at=NOW() - age, extractor_version="test",
                       max_records=1)
    for i in range(2):
        writer.write({"id": 900 + i, "name": f"late {i}"})
    if commit:
        writer.commit(cursor_field=None, watermark_from=None, watermark_to=None, mode="full")
    return writer


def test_a_bronze_run_without_manifest_warns_after_an_hour(lake):
    bronze_run(lake, dt.timedelta(minutes=10), commit=False)  # may still be writing
    bronze_run(lake, dt.timedelta(days=30), commit=False)     # an old crash, only counted
    assert one(lake.check(), "lake").status == "ok"
    crashed = bronze_run(lake, dt.timedelta(hours=2), commit=False)
    row = one(lake.check(), "lake", entity="users")
    assert row.status == "warn" and crashed.run_dir in row.measured and "without manifest" in row.measured


def test_a_complete_run_not_loaded_after_a_day_fails(lake):
    bronze_run(lake, dt.timedelta(hours=1), commit=True)
    waiting = one(lake.check(), "lake", entity="users")
    assert waiting.status == "ok" and "not loaded yet (2 lines)" in waiting.measured
    late = bronze_run(lake, dt.timedelta(days=2), commit=True, entity="stages")
    row = one(lake.check(), "lake", entity="stages")
    assert row.status == "fail" and late.run_id in row.measured and "load_pipedrive_stg" in row.hint


# --- reconciliation -----------------------------------------------------------------------------

def test_a_manifest_ledger_mismatch_fails_and_names_the_part(lake):
    path = lake.sql("UPDATE meta.loaded_files SET rows = rows + 5 WHERE entity = 'deals' RETURNING blob_path")[0][0]
    row = next(r for r in rows_of(lake.check(), "reconciliation", entity="deals") if "parts" in r.measured)
    assert row.status == "fail" and f"first {path}: " in row.measured and "lines in the ledger" in row.measured


def test_records_missing_from_core_fail_and_extra_core_rows_warn(lake):
    lake.sql("DELETE FROM core.pd_deals WHERE deal_id = (SELECT min(deal_id) FROM core.pd_deals WHERE NOT is_inferred)")
    lake.sql("INSERT INTO core.pd_users (scope, scope_key, user_id, _blob_path, _line_no) "
             "SELECT 'default', scope_key, 999999, 'x', 1 FROM core.dim_scope WHERE scope = 'default'")
    rows = lake.check()
    missing = next(r for r in rows_of(rows, "reconciliation", entity="deals") if "records in stg" in r.measured)
    assert missing.status == "fail" and "1 records never reached core" in missing.hint
    assert next(r for r in rows_of(rows, "reconciliation", entity="users") if "records" in r.measured).status == "warn"
    lake.sql("DELETE FROM stg_pipedrive.persons_raw WHERE _line_no = 1")
    parts = next(r for r in rows_of(lake.check(), "reconciliation", entity="persons") if "parts" in r.measured)
    assert parts.status == "fail" and "1 parts do not add up" in parts.measured


# --- watermarks ---------------------------------------------------------------------------------

def test_a_watermark_in_the_future_fails(lake):
    lake.store.replace(entity_prefix("pipedrive", "default", "deals") + "_watermark.json",
                       json.dumps({"watermark": "2099-01-01T00:00:00Z"}).encode())
    row = one(lake.check(), "watermarks", entity="deals")
    assert row.status == "fail" and "2099-01-01 00:00 UTC is in the future" in row.measured
    assert one(lake.check(), "watermarks", entity="persons").status == "ok"


def test_a_watermark_unmoved_for_days_while_new_lines_arrive_warns(lake):
    extracts(lake, "deals", [3, 3, 3, 3, 3], before="2026-11-01T00:00:00Z", after="2026-11-01T00:00:00Z")
    lake.sql("UPDATE meta.pipeline_runs SET watermark_before = NULL WHERE stage = 'extract' AND entity = 'deals' "
             "AND finished_at = (SELECT min(finished_at) FROM meta.pipeline_runs WHERE stage = 'extract' AND entity = 'deals')")
    lake.sql("UPDATE meta.loaded_files SET rows_duplicate = rows WHERE entity = 'deals'")
    assert one(lake.check(), "watermarks", entity="deals").status == "ok"  # only boundary re-reads so far
    lake.sql("INSERT INTO meta.loaded_files (blob_path, load_id, source, scope, entity, bronze_run_id, sha256, rows, bytes) "
             "VALUES ('p', 1, 'pipedrive', 'default', 'deals', %s, 'x', 40, 1)", (NOW().strftime("%Y%m%dT%H%M%S%fZ"),))
    row = one(lake.check(), "watermarks", entity="deals")
    assert row.status == "warn" and "unmoved since" in row.measured and "40 new lines" in row.measured


# --- schema -------------------------------------------------------------------------------------

def test_a_changed_or_missing_migration_fails_and_an_unknown_one_warns(lake):
    lake.sql("UPDATE meta.schema_migrations SET sha256 = 'edited' WHERE path = '01_meta/loaded_files.sql'")
    lake.sql("DELETE FROM meta.schema_migrations WHERE path = '30_core/pd_deals.sql'")
    lake.sql("INSERT INTO meta.schema_migrations (path, sha256) VALUES ('99_future/x.sql', 'y')")
    rows = rows_of(lake.check(), "schema")
    assert [(r.status, r.measured.split(":")[0]) for r in rows] == [
        ("fail", "1 migration(s) not applied"), ("fail", "1 applied migration(s) edited since"),
        ("warn", "1 applied migration(s) this checkout lacks")]
    assert "01_meta/loaded_files.sql" in rows[1].measured


def test_a_check_that_cannot_run_is_a_fail_row_and_the_others_still_run(lake):
    lake.sql("ALTER TABLE stg_pipedrive.deals_raw RENAME TO deals_raw_gone")
    rows = lake.check()
    broken = one(rows, "duplicates")
    assert broken.status == "fail" and "the check could not run" in broken.measured and "deals_raw" in broken.measured
    assert one(rows, "did_it_run", entity=None).status == "ok" and one(rows, "schema").status == "ok"


# --- the command --------------------------------------------------------------------------------

def test_main_exits_0_1_2_for_ok_warn_fail_and_prints_a_table_or_json(lake, monkeypatch, capsys):
    lake.env(monkeypatch)
    assert health_check.main([]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("STATUS") and "-> OK, exit 0, recorded as run 1" in out
    bronze_run(lake, dt.timedelta(hours=2), commit=False)
    assert health_check.main(["--format", "json"]) == 1
    result = json.loads(capsys.readouterr().out)
    assert result["exit_code"] == 1 and result["status"] == "warn"
    assert any(r["check"] == "lake" and r["status"] == "warn" for r in result["rows"])
    lake.sql("UPDATE meta.schema_migrations SET sha256 = 'edited' WHERE path = '01_meta/loaded_files.sql'")
    assert health_check.main(["--source", "pipedrive"]) == 2
    table = capsys.readouterr().out
    assert "FAIL    schema" in table and "        -> restore them" in table


@pytest.mark.parametrize("env, message", [
    ({"DATABASE_URL": f"postgresql://postgres@127.0.0.1:{unused_port()}/nothing"}, "cannot reach the database"),
    ({"HEALTH_FRESHNESS_HOURS": "soon"}, "configuration error: invalid health check thresholds"),
])
def test_an_unreachable_database_or_a_bad_setting_is_one_line_and_exit_2(lake, monkeypatch, capsys, env, message):
    lake.env(monkeypatch, **env)
    assert health_check.main([]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "Traceback" not in captured.err
    assert len(captured.err.strip().splitlines()) == 1 and captured.err.startswith(f"health_check: {message}")


def test_the_demo_is_green_and_turns_red_when_its_newest_runs_are_two_days_old(monkeypatch, tmp_path, capsys):
    monkeypatch.chdir(tmp_path)
    for name in ("DATABASE_URL", "PGHOST", "PGDATABASE", "LAKE_ROOT", "LOG_DIR", "PIPEDRIVE_API_TOKEN", "ZENDESK_API_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    assert health_check.main(["--demo"]) == 2  # no demo yet: one line, not an empty database started
    assert "run python -m scripts.daily_pipeline --demo first" in capsys.readouterr().err
    assert daily_pipeline.main(["--demo"]) == 0
    capsys.readouterr()
    assert health_check.main(["--demo"]) == 0, capsys.readouterr().out
    assert "exit 0" in capsys.readouterr().out
    with health_check.demo_environment():
        url = lake_db.database_url(health_check.demo_settings())
    with contextlib.closing(psycopg2.connect(url)) as conn, conn, conn.cursor() as cur:
        cur.execute("UPDATE meta.pipeline_runs SET started_at = started_at - interval '2 days', "
                    "finished_at = finished_at - interval '2 days' WHERE status IN ('success', 'skipped')")
    assert health_check.main(["--demo"]) == 2
    out = capsys.readouterr().out
    assert "FAIL    did_it_run" in out and "FAIL    freshness" in out
    get_settings.cache_clear()
