"""Migrations: order parsing, the additive-only check (pure), and applying against a real PostgreSQL."""
from __future__ import annotations

import contextlib
import threading
from pathlib import Path

import psycopg2
import pytest

from lake import migrate
from lake.migrate import (Migration, MigrationChanged, MigrationError, MigrationRefused, apply_migrations,
                          check_additive, discover, migration_key)
from lake.settings import get_settings
from tests.fixtures.postgres import temp_database

SCHEMAS = """CREATE SCHEMA IF NOT EXISTS meta; CREATE SCHEMA IF NOT EXISTS core;"""
WIDGETS = """-- core.widgets: test table. Grain: one row per widget. Key: widget_id.
CREATE TABLE core.widgets (widget_id bigint PRIMARY KEY, name text);"""


def write_sql(sql_dir: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (sql_dir / rel).parent.mkdir(parents=True, exist_ok=True)
        (sql_dir / rel).write_text(text)
    return sql_dir


@contextlib.contextmanager
def fresh_conn(pg_server: str, label: str):
    with temp_database(pg_server, label) as url:
        conn = psycopg2.connect(url)
        try:
            yield conn
        finally:
            conn.close()


def catalog_snapshot(conn) -> list:
    """Everything a migration could change in the lake schemas, plus the migration history."""
    with conn.cursor() as cur:
        cur.execute("""
            SELECT n.nspname, c.relname, c.relkind, a.attname, format_type(a.atttypid, a.atttypmod),
                   a.attnotnull, obj_description(c.oid, 'pg_class'), col_description(c.oid, a.attnum)
            FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
            WHERE n.nspname IN ('meta', 'stg_pipedrive', 'stg_zendesk', 'core')
            ORDER BY 1, 2, 4""")
        relations = cur.fetchall()
        cur.execute("SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
                    "WHERE connamespace::regnamespace::text IN ('meta', 'core') ORDER BY 1, 2")
        constraints = cur.fetchall()
        cur.execute("SELECT indexdef FROM pg_indexes WHERE schemaname IN ('meta', 'core') ORDER BY 1")
        indexes = cur.fetchall()
        cur.execute("SELECT path, sha256, applied_at FROM meta.schema_migrations ORDER BY path")
        history = cur.fetchall()
    conn.rollback()
    return [relations, constraints, indexes, history]


# --- pure: order and names -------------------------------------------------------------------

def test_order_is_parsed_so_versions_follow_their_table_numerically(tmp_path):
    names = ["10_core/pd_deals.sql", "01_meta/b.sql", "01_meta/a.10.sql", "01_meta/a.2.sql",
             "01_meta/a.sql", "00_schemas.sql", "02_stg_pipedrive/deals_raw.sql"]
    write_sql(tmp_path, {n: "" for n in names} | {"README.md": "not a migration"})
    assert [m.path for m in discover(tmp_path)] == [
        "00_schemas.sql", "01_meta/a.sql", "01_meta/a.2.sql", "01_meta/a.10.sql", "01_meta/b.sql",
        "02_stg_pipedrive/deals_raw.sql", "10_core/pd_deals.sql"]


@pytest.mark.parametrize("bad", ["core/x.sql", "1_core/x.sql", "01_core/x.1.sql", "01_core/x.v2.sql",
                                 "01_core/Deals.sql", "01_core/sub/x.sql", "schemas.sql"])
def test_file_names_outside_the_layout_are_refused(bad):
    with pytest.raises(MigrationError, match="not a migration name"):
        migration_key(bad)


# --- pure: the additive-only check for core ---------------------------------------------------

@pytest.mark.parametrize("statement", [
    "DROP TABLE core.pd_deals",
    "drop table if exists core.pd_deals, core.pd_users",
    'DROP VIEW "core".v_deals',
    "DROP MATERIALIZED VIEW core.mv",
    "DROP INDEX core.pd_deals_owner_idx",
    "DROP SCHEMA core",
    "DROP SCHEMA IF EXISTS stg_zendesk, core CASCADE",
    "DROP TABLE stg_pipedrive.deals_raw CASCADE",
    "ALTER TABLE core.pd_deals DROP COLUMN title",
    "alter table only core.pd_deals drop title",
    "ALTER TABLE core.pd_deals ADD COLUMN x int, DROP COLUMN IF EXISTS title",
    "ALTER TABLE core.pd_deals RENAME COLUMN title TO name",
    "ALTER TABLE core.pd_deals RENAME TO deals",
    "ALTER VIEW core.v RENAME TO w",
    "ALTER TABLE core.pd_deals SET SCHEMA archive",
    "ALTER SCHEMA core RENAME TO gold",
    "TRUNCATE core.pd_deals",
    "truncate table only stg_pipedrive.deals_raw, core.pd_deals",
    "SET search_path TO core, public",
    "DROP OWNED BY someone",
    "DO $$ BEGIN EXECUTE 'x'; DROP TABLE core.pd_deals; END $$",
])
def test_statements_that_remove_or_rename_core_objects_are_refused(statement):
    with pytest.raises(MigrationRefused, match=r"10_core/t\.2\.sql: refused"):
        check_additive(Migration("10_core/t.2.sql", f"-- header\n{statement};\n"))


@pytest.mark.parametrize("statement", [
    "CREATE TABLE core.pd_deals (deal_id bigint PRIMARY KEY)",
    "ALTER TABLE core.pd_deals ADD COLUMN IF NOT EXISTS drop_reason text",
    "ALTER TABLE core.pd_deals ALTER COLUMN title DROP NOT NULL",
    "ALTER TABLE core.pd_deals ALTER COLUMN title DROP DEFAULT",
    "ALTER TABLE core.pd_deals DROP CONSTRAINT pd_deals_check",
    "CREATE INDEX IF NOT EXISTS pd_deals_owner_idx ON core.pd_deals (scope, owner_id)",
    "COMMENT ON TABLE core.pd_deals IS 'never DROP TABLE core.pd_deals; TRUNCATE core.x'",
    "-- DROP TABLE core.pd_deals\nSELECT 1",
    "/* ALTER TABLE core.pd_deals DROP COLUMN title */ SELECT 1",
    "DROP TABLE stg_pipedrive.deals_raw",
    "ALTER TABLE stg_pipedrive.deals_raw DROP COLUMN doc",
    "TRUNCATE stg_zendesk.tickets_raw",
    "ALTER TABLE meta.pipeline_runs RENAME COLUMN error TO error_text",
    "CREATE OR REPLACE VIEW core.v_open_deals AS SELECT 1 AS score",
])
def test_additive_and_non_core_statements_pass(statement):
    check_additive(Migration("10_core/t.sql", f"{statement};"))


def test_every_shipped_migration_passes_the_additive_check():
    shipped = discover()
    assert shipped[0].path == "00_schemas.sql"
    for m in shipped:
        check_additive(m)


# --- against PostgreSQL -----------------------------------------------------------------------

def test_migrations_apply_to_an_empty_database_and_a_second_run_changes_nothing(pg_server):
    with fresh_conn(pg_server, "migrate_empty") as conn:
        applied = apply_migrations(conn)
        assert applied == [m.path for m in discover()]
        with conn.cursor() as cur:
            cur.execute("SELECT to_regclass(t) IS NOT NULL FROM unnest(%s::text[]) AS t",
                        (["meta.pipeline_runs", "meta.loaded_files", "meta.rejected_rows",
                          "meta.normalize_state", "meta.load_id_seq", "meta.schema_migrations"],))
            assert all(row[0] for row in cur.fetchall())
            cur.execute("SELECT count(*) FROM meta.schema_migrations")
            assert cur.fetchone()[0] == len(applied)
        conn.rollback()
        before = catalog_snapshot(conn)
        assert apply_migrations(conn) == []
        assert catalog_snapshot(conn) == before
        assert conn.info.transaction_status == psycopg2.extensions.TRANSACTION_STATUS_IDLE


def test_an_edited_applied_file_is_refused_and_nothing_new_is_applied(pg_server, tmp_path):
    sql_dir = write_sql(tmp_path, {"00_schemas.sql": SCHEMAS, "10_core/widgets.sql": WIDGETS})
    with fresh_conn(pg_server, "migrate_edited") as conn:
        assert apply_migrations(conn, sql_dir) == ["00_schemas.sql", "10_core/widgets.sql"]
        write_sql(sql_dir, {"10_core/widgets.sql": WIDGETS + "\n-- edited",
                            "10_core/gadgets.sql": "CREATE TABLE core.gadgets (gadget_id bigint);"})
        with pytest.raises(MigrationChanged, match=r"10_core/widgets\.sql.*<table>\.<V>\.sql"):
            apply_migrations(conn, sql_dir)
        with conn.cursor() as cur:
            cur.execute("SELECT to_regclass('core.gadgets')")
            assert cur.fetchone()[0] is None
        conn.rollback()


def test_crlf_line_endings_do_not_count_as_an_edit(pg_server, tmp_path):
    sql_dir = write_sql(tmp_path, {"00_schemas.sql": SCHEMAS, "10_core/widgets.sql": WIDGETS})
    with fresh_conn(pg_server, "migrate_crlf") as conn:
        apply_migrations(conn, sql_dir)
        (sql_dir / "10_core/widgets.sql").write_bytes(WIDGETS.replace("\n", "\r\n").encode())
        assert apply_migrations(conn, sql_dir) == []


@pytest.mark.parametrize("destructive", [
    "DROP TABLE core.widgets",
    "ALTER TABLE core.widgets DROP COLUMN name",
    "TRUNCATE core.widgets",
])
def test_a_destructive_core_migration_is_refused_and_nothing_of_it_is_applied(pg_server, tmp_path, destructive):
    sql_dir = write_sql(tmp_path, {"00_schemas.sql": SCHEMAS, "10_core/widgets.sql": WIDGETS})
    with fresh_conn(pg_server, "migrate_refused") as conn:
        apply_migrations(conn, sql_dir)
        with conn.cursor() as cur:
            cur.execute("INSERT INTO core.widgets VALUES (1, 'kept')")
        conn.commit()
        before = catalog_snapshot(conn)
        write_sql(sql_dir, {
            "10_core/gizmos.sql": "CREATE TABLE core.gizmos (gizmo_id bigint PRIMARY KEY);",  # sorts first
            "10_core/widgets.2.sql": f"ALTER TABLE core.widgets ADD COLUMN colour text;\n{destructive};\n"})
        with pytest.raises(MigrationRefused, match=r"10_core/widgets\.2\.sql: refused.*core\.widgets"):
            apply_migrations(conn, sql_dir)
        assert catalog_snapshot(conn) == before
        with conn.cursor() as cur:
            cur.execute("SELECT widget_id, name FROM core.widgets")
            assert cur.fetchall() == [(1, "kept")]
        conn.rollback()


def test_a_failing_file_is_rolled_back_whole_and_not_recorded(pg_server, tmp_path):
    sql_dir = write_sql(tmp_path, {"00_schemas.sql": SCHEMAS,
                                   "10_core/widgets.sql": WIDGETS + "\nSELECT no_such_column FROM core.widgets;"})
    with fresh_conn(pg_server, "migrate_failing") as conn:
        with pytest.raises(MigrationError, match=r"10_core/widgets\.sql: failed and was rolled back"):
            apply_migrations(conn, sql_dir)
        with conn.cursor() as cur:
            cur.execute("SELECT to_regclass('core.widgets'), array_agg(path) FROM meta.schema_migrations")
            assert cur.fetchone() == (None, ["00_schemas.sql"])
        conn.rollback()


def test_concurrent_runners_apply_each_file_exactly_once(pg_server):
    with temp_database(pg_server, "migrate_concurrent") as url:
        results: list[list[str]] = []
        errors: list[BaseException] = []

        def run() -> None:
            try:
                with contextlib.closing(psycopg2.connect(url)) as conn:
                    results.append(apply_migrations(conn))
            except BaseException as exc:  # collected and asserted on in the main thread
                errors.append(exc)

        threads = [threading.Thread(target=run) for _ in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        assert sorted(p for r in results for p in r) == sorted(m.path for m in discover())


def test_migrate_script_exit_codes(pg_server, tmp_path, monkeypatch):
    from scripts.migrate import main

    monkeypatch.chdir(tmp_path)  # no .env here: only the variables set below count
    for name in ("DATABASE_URL", "PGHOST", "PGDATABASE", "PGSERVICE", "LAKE_BACKEND"):
        monkeypatch.delenv(name, raising=False)
    with temp_database(pg_server, "migrate_script") as url:
        monkeypatch.setenv("DATABASE_URL", url)
        try:
            get_settings.cache_clear()
            assert main(["--dry-run"]) == 0
            assert main([]) == 0
            assert main([]) == 0
            monkeypatch.setenv("LAKE_BACKEND", "bogus")
            get_settings.cache_clear()
            assert main([]) == 2
            monkeypatch.setattr(migrate, "SQL_DIR", write_sql(tmp_path / "sql", {"00_x.sql": "DROP SCHEMA core;"}))
            monkeypatch.delenv("LAKE_BACKEND")
            get_settings.cache_clear()
            assert main([]) == 1
        finally:
            get_settings.cache_clear()
