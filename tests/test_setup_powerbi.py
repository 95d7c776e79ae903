"""scripts.setup_powerbi on a real PostgreSQL: what powerbi_reader can and cannot do, re-runs, the .pbids file.

Data flow: this module's migrated database (fixture db) -> scripts.setup_powerbi.main (role powerbi_reader,
           privileges, .pbids in a temp folder) -> log in as powerbi_reader and try everything; read the
           catalog as the superuser.
Run standalone: python -m pytest -q tests/test_setup_powerbi.py

Roles are cluster-wide: the command's fixed role powerbi_reader is shared with any other test session on
the same server, so these tests only ever set it to the state the command sets (same password) and never
drop it. What changes role-wide attributes (drift, another password) uses a role of its own through
lake.powerbi.reader.setup_reader, dropped at the end. The local server trusts 127.0.0.1, so logging in
proves the privileges, and the stored SCRAM verifier proves the password.
"""
from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import io
import json
import os
import subprocess
import uuid
from pathlib import Path

import psycopg2
import pytest
from psycopg2 import errors, extensions, sql

from lake.powerbi.reader import setup_reader
from lake.settings import get_settings
from scripts import setup_powerbi

READER = "powerbi_reader"
PASSWORD = "pbi-Reader-test-4f1d9c7e2b"
OTHER_PASSWORD = "pbi-Reader-other-83c2aa51"
RELATION_KINDS = ("r", "v", "m", "p", "f")
REPO = Path(__file__).resolve().parents[1]


def run_setup(pg_url: str, folder: Path, password: str | None = PASSWORD, **env: str) -> tuple[int, str, str]:
    """scripts.setup_powerbi.main with only these settings (no .env, no PG*); (exit code, stdout, stderr)."""
    values = {"DATABASE_URL": pg_url, "LOG_DIR": str(folder / "logs"), "DATALAKE_ENV_FILE": str(folder / "no.env"),
              "POWERBI_READER_PASSWORD": password, **env}
    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as mp, contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        for name in ("PGHOST", "PGPORT", "PGDATABASE", "PGUSER", "PGPASSWORD", "PGSERVICE"):
            mp.delenv(name, raising=False)
        for name, value in values.items():
            mp.delenv(name, raising=False) if value is None else mp.setenv(name, value)
        get_settings.cache_clear()
        try:
            code = setup_powerbi.main(["--out-dir", str(folder / "powerbi")])
        finally:
            get_settings.cache_clear()
    for secret in (PASSWORD, OTHER_PASSWORD):
        assert secret not in out.getvalue() and secret not in err.getvalue()
    return code, out.getvalue(), err.getvalue()


def statuses(out: str) -> dict[str, str]:
    """{item: status} from the command's lines ('unchanged schema core: USAGE only')."""
    found = {}
    for line in out.splitlines():
        if line.startswith(("created ", "updated ", "unchanged ", "ok ")):
            status, rest = line.split(None, 1)
            found[rest.split(":", 1)[0]] = status
    return found


@contextlib.contextmanager
def login(pg_url: str, role: str = READER, password: str = PASSWORD):
    conn = psycopg2.connect(pg_url, user=role, password=password, application_name="test-powerbi-reader")
    conn.autocommit = True
    try:
        yield conn.cursor()
    finally:
        conn.close()


def query(conn, text: str, *params) -> list[tuple]:
    try:
        with conn.cursor() as cur:
            cur.execute(text, params)
            rows = cur.fetchall()
    finally:
        conn.rollback()  # read-only: never leave the module's shared connection in a transaction
    return rows


def relations(conn, schema: str) -> list[tuple[str, str, list[str]]]:
    """(name, relkind, columns) of every table and view in schema, as the superuser sees them."""
    return query(conn, """
        SELECT c.relname, c.relkind::text,
               array(SELECT a.attname::text FROM pg_attribute a
                     WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum)
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = %s AND c.relkind::text = ANY(%s) ORDER BY 1""", schema, list(RELATION_KINDS))


def snapshot(conn, role: str) -> list[tuple]:
    """Everything the set-up may change, as text: role attributes, password verifier, settings, memberships,
    ACLs of the database, of every schema and relation (a NULL ACL as the default it stands for),
    default privileges."""
    return query(conn, """
        SELECT 'role', row_to_json(r)::text FROM pg_roles r WHERE rolname = %s
        UNION ALL SELECT 'password', rolpassword FROM pg_authid WHERE rolname = %s
        UNION ALL SELECT 'settings', array_to_string(s.setconfig, ',')
                  FROM pg_db_role_setting s JOIN pg_roles r ON r.oid = s.setrole WHERE r.rolname = %s
        UNION ALL SELECT 'members', string_agg(m.roleid::regrole::text, ',')
                  FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member WHERE r.rolname = %s
        UNION ALL SELECT 'database', coalesce(datacl, acldefault('d', datdba))::text
                  FROM pg_database WHERE datname = current_database()
        UNION ALL SELECT 'schema ' || nspname, coalesce(nspacl, acldefault('n', nspowner))::text FROM pg_namespace
        UNION ALL SELECT 'relation ' || c.oid::regclass::text,
                         coalesce(c.relacl, acldefault(CASE WHEN c.relkind = 'S' THEN 's' ELSE 'r' END::"char", c.relowner))::text
                  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname !~ '^pg_'
        UNION ALL SELECT 'default ' || d.defaclrole::regrole || ' ' || d.defaclnamespace::regnamespace || ' '
                         || d.defaclobjtype::text, d.defaclacl::text FROM pg_default_acl d
        ORDER BY 1, 2""", role, role, role, role)


def scram_server_key_matches(stored: str, password: str) -> bool:
    """RFC 5802 ServerKey from the stored salt: a check independent of lake.powerbi.scram (which uses StoredKey)."""
    method, rest = stored.split("$", 1)
    iterations_salt, keys = rest.split("$", 1)
    iterations, salt = iterations_salt.split(":")
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), base64.b64decode(salt), int(iterations))
    server_key = base64.b64encode(hmac.new(salted, b"Server Key", hashlib.sha256).digest()).decode()
    return method == "SCRAM-SHA-256" and server_key == keys.split(":")[1]


def pbids_problems(doc: object, server: str, database: str) -> list[str]:
    """What makes doc not a one-connection, credential-free PostgreSQL DirectQuery .pbids for server/database."""
    def keys(value) -> set[str]:
        if isinstance(value, dict):
            return set(value).union(*(keys(v) for v in value.values()))
        return set().union(*(keys(v) for v in value)) if isinstance(value, list) else set()
    if not isinstance(doc, dict):
        return ["not a JSON object"]
    problems = [] if doc.get("version") == "0.1" else [f"version {doc.get('version')!r}"]
    connections = doc.get("connections")
    if not isinstance(connections, list) or len(connections) != 1:
        return problems + ["not exactly one connection"]
    details = connections[0].get("details", {})
    address = details.get("address", {})
    for what, got, wanted in [("protocol", details.get("protocol"), "postgresql"),
                              ("server", address.get("server"), server),
                              ("database", address.get("database"), database),
                              ("mode", connections[0].get("mode"), "DirectQuery"),
                              ("options", connections[0].get("options"), {})]:
        if got != wanted:
            problems.append(f"{what} {got!r}, wanted {wanted!r}")
    secret = {k for k in keys(doc) if k.lower() in ("authentication", "password", "user", "username", "credentials")}
    return problems + [f"carries {k}" for k in sorted(secret)]


@pytest.fixture(scope="module")
def first_run(db, pg_url, tmp_path_factory):
    folder = tmp_path_factory.mktemp("setup_powerbi")
    code, out, err = run_setup(pg_url, folder)
    assert code == 0, err
    return folder, out


def test_the_reader_selects_every_column_of_every_table_and_view_in_core(db, pg_url, first_run):
    stored = query(db, "SELECT rolpassword FROM pg_authid WHERE rolname = %s", READER)[0][0]
    assert stored is not None and scram_server_key_matches(stored, PASSWORD)
    assert not scram_server_key_matches(stored, OTHER_PASSWORD)
    core = relations(db, "core")
    assert len(core) >= 15 and ("health_status", "v") in [(name, kind) for name, kind, _ in core]
    with login(pg_url) as cur:
        cur.execute("SELECT current_user")
        assert cur.fetchone()[0] == READER
        for name, _, columns in core:
            cur.execute(sql.SQL("SELECT {} FROM {}.{} LIMIT 1").format(
                sql.SQL(", ").join(map(sql.Identifier, columns)), sql.Identifier("core"), sql.Identifier(name)))
            cur.fetchall()


def test_the_reader_is_refused_everything_else(db, pg_url, first_run):
    outside = [(schema, name) for schema in ("stg_pipedrive", "stg_zendesk", "meta")
               for name, _, _ in relations(db, schema)]
    assert len(outside) >= 20
    util_function = query(db, "SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
                              "WHERE n.nspname = 'util' LIMIT 1")[0][0]
    table, column = next((name, columns[0]) for name, kind, columns in relations(db, "core") if kind == "r")
    core_table = sql.SQL("{}.{}").format(sql.Identifier("core"), sql.Identifier(table))
    refused = [sql.SQL("SELECT * FROM {}.{} LIMIT 0").format(sql.Identifier(s), sql.Identifier(n)) for s, n in outside]
    refused += [sql.SQL("SELECT {}.{}()").format(sql.Identifier("util"), sql.Identifier(util_function)),
                sql.SQL("SELECT nextval('meta.load_id_seq')"),
                sql.SQL("INSERT INTO {} DEFAULT VALUES").format(core_table),
                sql.SQL("UPDATE {} SET {} = {}").format(core_table, sql.Identifier(column), sql.Identifier(column)),
                sql.SQL("DELETE FROM {}").format(core_table),
                sql.SQL("TRUNCATE {}").format(core_table),
                sql.SQL("CREATE TABLE core.powerbi_made (i int)"),
                sql.SQL("CREATE VIEW core.powerbi_view AS SELECT 1 AS i"),
                sql.SQL("CREATE TABLE public.powerbi_made (i int)"),
                sql.SQL("CREATE SCHEMA powerbi_made")]
    with login(pg_url) as cur:
        # The read-only default answers first (ReadOnlySqlTransaction); turn it off, as any client can,
        # to prove the privileges themselves refuse.
        with pytest.raises(errors.ReadOnlySqlTransaction):
            cur.execute(sql.SQL("DELETE FROM {}").format(core_table))
        cur.execute("SET default_transaction_read_only = off")
        for statement in refused:
            with pytest.raises(errors.InsufficientPrivilege):
                cur.execute(statement)


def test_a_table_added_to_core_later_is_readable_without_running_the_setup_again(db, pg_url, first_run):
    later = f"powerbi_later_{uuid.uuid4().hex[:8]}"
    with db.cursor() as cur:  # a later migration or normalize, as the role that owns core
        cur.execute(sql.SQL("CREATE TABLE core.{} (deal_id bigint PRIMARY KEY, label text)").format(sql.Identifier(later)))
        cur.execute(sql.SQL("INSERT INTO core.{} VALUES (1, 'one')").format(sql.Identifier(later)))
        cur.execute(sql.SQL("CREATE VIEW core.{} AS SELECT label FROM core.{}").format(
            sql.Identifier(later + "_v"), sql.Identifier(later)))
        cur.execute("ALTER TABLE core.pd_deals ADD COLUMN powerbi_later_field text")
    db.commit()
    with login(pg_url) as cur:
        cur.execute(sql.SQL("SELECT deal_id, label FROM core.{}").format(sql.Identifier(later)))
        assert cur.fetchall() == [(1, "one")]
        cur.execute(sql.SQL("SELECT label FROM core.{}").format(sql.Identifier(later + "_v")))
        assert cur.fetchall() == [("one",)]
        cur.execute("SELECT powerbi_later_field FROM core.pd_deals LIMIT 1")


def test_the_reader_has_its_timeouts_read_only_default_and_connection_limit(db, pg_url, first_run):
    with login(pg_url) as cur:
        shown = {}
        for name in ("statement_timeout", "idle_in_transaction_session_timeout", "default_transaction_read_only"):
            cur.execute(sql.SQL("SHOW {}").format(sql.Identifier(name)))
            shown[name] = cur.fetchone()[0]
    assert shown == {"statement_timeout": "200s", "idle_in_transaction_session_timeout": "1min",
                     "default_transaction_read_only": "on"}
    assert query(db, "SELECT rolconnlimit, rolcanlogin, rolsuper, rolinherit FROM pg_roles WHERE rolname = %s",
                 READER) == [(30, True, False, False)]


def test_a_second_run_changes_nothing_and_says_so(db, pg_url, first_run):
    before = snapshot(db, READER)
    code, out, err = run_setup(pg_url, first_run[0])
    assert (code, err) == (0, "")
    found = statuses(out)
    assert len(found) == 14 and found.pop("check") == "ok", out
    assert set(found.values()) == {"unchanged"}, out
    assert "nothing changed" in out.splitlines()[-1]
    assert snapshot(db, READER) == before  # the password too: not set again with a new salt


def test_the_connection_file_is_a_valid_pbids_for_this_database(db, first_run):
    folder, out = first_run
    host = "127.0.0.1" if db.info.host.startswith("/") else db.info.host  # an embedded test server: a socket
    server, database = f"{host}:{db.info.port}", db.info.dbname
    assert server == "127.0.0.1:5432" or db.info.host.startswith("/") or os.environ.get("TEST_DATABASE_URL")
    path = folder / "powerbi" / f"{database}.pbids"
    assert path.name in out and statuses(out)["connection file"] == "created"
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert pbids_problems(doc, server, database) == []
    # The validator itself can fail: a second connection, credentials, another port.
    assert pbids_problems({**doc, "connections": doc["connections"] * 2}, server, database)
    details = {**doc["connections"][0]["details"], "authentication": {"username": READER}}
    assert pbids_problems({**doc, "connections": [{**doc["connections"][0], "details": details}]}, server, database)
    assert pbids_problems(doc, f"{host}:{db.info.port + 1}", database)
    ignored = subprocess.run(["git", "-C", str(REPO), "check-ignore", "-q", "scripts/powerbi/acme.pbids"])
    kept = subprocess.run(["git", "-C", str(REPO), "check-ignore", "-q", "scripts/powerbi/README.md"])
    assert (ignored.returncode, kept.returncode) == (0, 1)


def test_the_password_is_never_printed_nor_logged(first_run):
    folder, out = first_run
    logs = list((folder / "logs").glob("setup_powerbi_*.log"))
    assert logs and "powerbi_reader" in logs[0].read_text(encoding="utf-8")
    assert all(PASSWORD not in log.read_text(encoding="utf-8") for log in logs) and PASSWORD not in out


def test_a_missing_password_is_one_line_and_exit_2(pg_url, tmp_path):
    code, out, err = run_setup(pg_url, tmp_path, password=None)
    assert (code, out) == (2, "")
    assert len(err.splitlines()) == 1 and "POWERBI_READER_PASSWORD" in err and "Traceback" not in err


def test_a_user_that_may_not_create_roles_is_refused_in_one_line(db, pg_url, tmp_path):
    user = f"lake_test_nocreaterole_{uuid.uuid4().hex[:8]}"
    with db.cursor() as cur:
        cur.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(user)))
    db.commit()
    try:
        code, out, err = run_setup(extensions.make_dsn(pg_url, user=user), tmp_path)
    finally:
        with db.cursor() as cur:
            cur.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(user)))
        db.commit()
    assert (code, out) == (2, "")
    assert len(err.splitlines()) == 1 and f"{user} may not create roles" in err and "Traceback" not in err


def test_a_new_role_is_created_and_drift_is_repaired(db, pg_url):
    role = f"lake_test_reader_{uuid.uuid4().hex[:8]}"
    try:
        first = {s.item: s.status for s in setup_reader(db, PASSWORD, role)}
        assert first[f"role {role}"] == "created" and first["password"] == "created"
        assert first["statement_timeout"] == "created" and first["check"] == "ok"
        wanted = snapshot(db, role)
        with db.cursor() as cur:  # someone "helps": every kind of drift the set-up repairs
            for statement in ["ALTER ROLE {r} SUPERUSER CONNECTION LIMIT -1", "ALTER ROLE {r} SET statement_timeout = 0",
                              "GRANT pg_read_all_data TO {r}", "GRANT CREATE, TEMPORARY ON DATABASE {d} TO {r}",
                              "GRANT CREATE ON SCHEMA core TO {r}", "GRANT INSERT ON core.pd_deals TO {r}",
                              "GRANT USAGE ON SCHEMA meta TO {r}", "GRANT SELECT ON meta.pipeline_runs TO {r}",
                              "ALTER DEFAULT PRIVILEGES IN SCHEMA core REVOKE SELECT ON TABLES FROM {r}",
                              "ALTER DEFAULT PRIVILEGES IN SCHEMA stg_zendesk GRANT SELECT ON TABLES TO {r}"]:
                cur.execute(sql.SQL(statement).format(r=sql.Identifier(role), d=sql.Identifier(db.info.dbname)))
        db.commit()
        with login(pg_url, role) as cur:
            cur.execute("SELECT count(*) FROM meta.pipeline_runs")  # the drift is real
        repaired = {s.item: s.status for s in setup_reader(db, OTHER_PASSWORD, role)}
        assert {item for item, status in repaired.items() if status == "updated"} == {
            f"role {role}", "password", "statement_timeout", "memberships", f"database {db.info.dbname}",
            "schema core", "tables and views in core", "future tables in core", "other schemas"}
        stored = query(db, "SELECT rolpassword FROM pg_authid WHERE rolname = %s", role)[0][0]
        assert scram_server_key_matches(stored, OTHER_PASSWORD)
        again = {s.item: s.status for s in setup_reader(db, OTHER_PASSWORD, role)}
        assert set(again.values()) == {"unchanged", "ok"}
        assert [row for row in snapshot(db, role) if row[0] != "password"] == [
            row for row in wanted if row[0] != "password"]
        with login(pg_url, role, OTHER_PASSWORD) as cur, pytest.raises(errors.InsufficientPrivilege):
            cur.execute("SELECT count(*) FROM meta.pipeline_runs")
    finally:
        with db.cursor() as cur:
            cur.execute(sql.SQL("DROP OWNED BY {0}; DROP ROLE {0}").format(sql.Identifier(role)))
        db.commit()
