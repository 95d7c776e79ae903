"""Database access: which server database_url() picks, connect(), advisory locks, and the fixtures' fallback."""
from __future__ import annotations

import contextlib
import logging

import psycopg2
import pytest
from psycopg2 import extensions

from lake.db import advisory_lock, connect, database_url
from lake.settings import SettingsError
from tests.fixtures.postgres import make_settings, resolve_admin_url, unused_port


# --- database_url precedence (no server needed) -----------------------------------------------

def test_database_url_wins_over_pg_variables_and_its_password_is_never_logged(tmp_path, caplog):
    url = "postgresql://lake:s3cr3t-pw@db.example.com:6543/lake?sslmode=require"
    settings = make_settings(tmp_path, url, PGHOST="elsewhere", PGDATABASE="other")
    with caplog.at_level(logging.INFO, logger="lake.db"):
        assert database_url(settings) == url
    assert "db.example.com" in caplog.text and "DATABASE_URL" in caplog.text
    assert "s3cr3t-pw" not in caplog.text


def test_pg_variables_without_database_url_leave_the_choice_to_libpq(tmp_path, caplog):
    settings = make_settings(tmp_path, None, PGHOST="db.example.com", PGPASSWORD="s3cr3t-pw")
    with caplog.at_level(logging.INFO, logger="lake.db"):
        assert database_url(settings) == ""
    assert "PG* variables" in caplog.text and "db.example.com" in caplog.text
    assert "s3cr3t-pw" not in caplog.text


def test_an_unparsable_database_url_is_a_configuration_error_that_does_not_echo_it(tmp_path):
    settings = make_settings(tmp_path, "postgresql://lake:s3cr3t-pw@host/db?no_such_option=1")
    with pytest.raises(SettingsError, match="DATABASE_URL") as info:
        database_url(settings)
    assert "s3cr3t-pw" not in str(info.value)


# --- connect() against the test server ----------------------------------------------------------

def test_connect_migrates_and_returns_a_transactional_connection(db):
    assert db.autocommit is False
    with db.cursor() as cur:
        cur.execute("SHOW application_name")
        assert cur.fetchone()[0] == "datalake-tests"
        cur.execute("SELECT count(*) FROM meta.schema_migrations")
        assert cur.fetchone()[0] > 0
    db.rollback()


def test_pg_variables_from_settings_reach_libpq_even_when_not_in_the_process_environment(pg_url, tmp_path):
    parts = extensions.parse_dsn(pg_url)
    env = {"PGHOST": parts.get("host"), "PGPORT": parts.get("port"), "PGUSER": parts.get("user"),
           "PGDATABASE": parts["dbname"]}
    settings = make_settings(tmp_path, None, **env)
    with contextlib.closing(connect(settings, migrate=False, application_name="pg-env-test")) as conn:
        with conn.cursor() as cur:
            cur.execute("SELECT current_database(), current_setting('application_name')")
            assert cur.fetchone() == (parts["dbname"], "pg-env-test")


def test_advisory_lock_excludes_other_sessions_and_leaves_no_transaction_open(db, pg_url):
    def others_can_take_it() -> bool:
        with contextlib.closing(psycopg2.connect(pg_url)) as other:
            with other.cursor() as cur:
                cur.execute("SELECT pg_try_advisory_lock(hashtext('load:pipedrive'))")
                return cur.fetchone()[0]  # released when `other` closes

    with advisory_lock(db, "load:pipedrive"):
        assert db.info.transaction_status == extensions.TRANSACTION_STATUS_IDLE
        assert not others_can_take_it()
        with db.cursor() as cur:
            cur.execute("SELECT 1")
        db.commit()  # the lock is session-level: it outlives the caller's transactions
        assert not others_can_take_it()
    assert others_can_take_it()
    assert db.info.transaction_status == extensions.TRANSACTION_STATUS_IDLE


def test_advisory_lock_is_released_when_the_block_fails_mid_transaction(db, pg_url):
    with pytest.raises(psycopg2.errors.DivisionByZero):
        with advisory_lock(db, "normalize:zendesk"):
            with db.cursor() as cur:
                cur.execute("SELECT 1 / 0")
    with contextlib.closing(psycopg2.connect(pg_url)) as other, other.cursor() as cur:
        cur.execute("SELECT pg_try_advisory_lock(hashtext('normalize:zendesk'))")
        assert cur.fetchone()[0] is True


# --- embedded PostgreSQL: one server start shared by the tests below ----------------------------

@pytest.fixture(scope="module")
def embedded(tmp_path_factory):
    """The fixtures' fallback, asked for a server on a port where nothing listens."""
    pg_dir = tmp_path_factory.mktemp("embedded") / "pg"
    dead_url = f"postgresql://postgres@127.0.0.1:{unused_port()}/postgres"
    url, stop = resolve_admin_url({}, local_url=dead_url, embedded_dir=pg_dir)
    try:
        yield dead_url, url, pg_dir
    finally:
        if stop is not None:
            stop()


def test_fixtures_fall_back_to_an_embedded_server_when_none_answers(embedded):
    dead_url, url, pg_dir = embedded
    assert url != dead_url and str(pg_dir) in url  # a Unix socket inside the throwaway data dir
    with contextlib.closing(psycopg2.connect(url)) as conn, conn.cursor() as cur:
        cur.execute("SELECT 1")
        assert cur.fetchone() == (1,)


def test_without_any_database_settings_connect_uses_the_embedded_server(embedded, tmp_path):
    _, _, pg_dir = embedded
    settings = make_settings(tmp_path, None, EMBEDDED_PG_DIR=str(pg_dir))
    url = database_url(settings)
    assert url.startswith("postgresql://") and "/datalake?" in url
    assert database_url(settings) == url  # reused: same server, database created once
    with contextlib.closing(connect(settings)) as conn, conn.cursor() as cur:
        cur.execute("SELECT 1, current_database(), to_regclass('meta.pipeline_runs') IS NOT NULL")
        assert cur.fetchone() == (1, "datalake", True)
