"""Migrations: apply each sql/ file once, in order, additive-only for `core` (Power BI reads it live).

Data flow: sql/00_schemas.sql, sql/<NN>_<schema>/<table>[.<V>].sql -> discover() (parsed order)
           -> check_additive() -> one transaction per file -> meta.schema_migrations(path, sha256).
Run standalone: python -m scripts.migrate [--dry-run]

Order is (folder number, folder, table, version), parsed, so table.10.sql follows table.2.sql.
History is immutable: an applied file whose sha256 changed is refused (add <table>.<V>.sql instead).
The sha256 is taken over the text with CRLF folded to LF, so a Windows checkout (autocrlf) matches.
Runners serialise on an advisory lock. Layout and rules for authors: sql/README.md.
"""
from __future__ import annotations

import hashlib
import logging
import re
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg2
from psycopg2 import extensions

from lake.db import advisory_lock

log = logging.getLogger(__name__)

SQL_DIR = Path(__file__).resolve().parents[1] / "sql"
# Creates meta.schema_migrations; run before anything else when that table is missing.
BOOTSTRAP_FILE = SQL_DIR / "01_meta" / "schema_migrations.sql"
LOCK_NAME = "lake.migrate"


class MigrationError(Exception):
    """A migration could not be applied (bad file name, SQL error, changed history). Fatal."""


class MigrationRefused(MigrationError):
    """A migration would remove or rename something in `core`; nothing of it was applied."""


class MigrationChanged(MigrationError):
    """An applied file was edited; history is immutable (put the change in <table>.<V>.sql)."""


_TOP = re.compile(r"(?P<n>\d{2})_(?P<name>[a-z0-9_]+)\.sql")
_NESTED = re.compile(r"(?P<n>\d{2})_(?P<name>[a-z0-9_]+)/(?P<table>[a-z0-9_]+)(?:\.(?P<v>\d+))?\.sql")


def migration_key(path: str) -> tuple[int, str, str, int]:
    """'01_meta/pipeline_runs.2.sql' -> (1, 'meta', 'pipeline_runs', 2); top-level files have table ''."""
    if m := _TOP.fullmatch(path):
        return int(m["n"]), m["name"], "", 1
    if (m := _NESTED.fullmatch(path)) and (m["v"] is None or int(m["v"]) >= 2):
        return int(m["n"]), m["name"], m["table"], int(m["v"] or 1)
    raise MigrationError(f"{path}: not a migration name; expected <NN>_<schema>/<table>.sql or "
                         "<table>.<V>.sql with V >= 2, lower case (see sql/README.md)")


@dataclass(frozen=True)
class Migration:
    path: str  # relative to the sql folder, '/'-separated: the key in meta.schema_migrations
    text: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode()).hexdigest()


def read_migration(file: Path, path: str) -> Migration:
    # utf-8-sig drops a BOM that Windows editors add (PostgreSQL would reject it).
    return Migration(path, file.read_text(encoding="utf-8-sig").replace("\r\n", "\n"))


def discover(sql_dir: Path | None = None) -> list[Migration]:
    sql_dir = sql_dir or SQL_DIR
    files = {f.relative_to(sql_dir).as_posix(): f for f in sql_dir.rglob("*.sql")}
    return [read_migration(files[p], p) for p in sorted(files, key=migration_key)]


# Comments are removed and string literals blanked (a COMMENT text may say "never DROP core");
# dollar-quoted bodies are kept, so dynamic DDL in DO blocks is still checked.
_TOKENS = re.compile(r"(--[^\n]*|/\*.*?\*/)|('(?:[^']|'')*')|\$(\w*)\$(.*?)\$\3\$", re.S)
_CORE = r'(?:\bcore|"core")\s*\.'  # a core-qualified name
_REFUSALS = [(re.compile(p, re.I), why) for p, why in [
    (r"\bDROP\s+(?:TABLE|VIEW|MATERIALIZED\s+VIEW|FOREIGN\s+TABLE|INDEX|SEQUENCE|FUNCTION|PROCEDURE|"
     r"ROUTINE|TYPE|DOMAIN|TRIGGER|RULE|POLICY|STATISTICS)\b[^;]*?" + _CORE, "drops a core object"),
    (r'\bDROP\s+SCHEMA\b[^;]*?(?:\bcore\b|"core")', "drops schema core"),
    (r"\bDROP\s+OWNED\b", "DROP OWNED can remove core objects"),
    (r"\b(?:DROP|TRUNCATE)\b[^;]*?\bCASCADE\b", "CASCADE can reach core objects that depend on it"),
    (r"\bTRUNCATE\b[^;]*?" + _CORE, "truncates a core table"),
    (r"\bALTER\s+(?:FOREIGN\s+)?TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?" + _CORE + r"[^;]*?\bDROP\b"
     r"(?!\s+(?:CONSTRAINT|DEFAULT|NOT\s+NULL|EXPRESSION|IDENTITY)\b)", "drops a core column"),
    (r"\bALTER\s+(?:TABLE|VIEW|MATERIALIZED\s+VIEW|FOREIGN\s+TABLE|INDEX|SEQUENCE)\s+(?:IF\s+EXISTS\s+)?"
     r"(?:ONLY\s+)?" + _CORE + r"[^;]*?\b(?:RENAME|SET\s+SCHEMA)\b", "renames or moves a core object"),
    (r'\bALTER\s+SCHEMA\s+(?:\bcore\b|"core")\s+RENAME\b', "renames schema core"),
    (r'\bsearch_path\b[^;]*?(?:\bcore\b|"core")', "puts core on the search_path (schema-qualify core objects)"),
]]


def _code_only(text: str) -> str:
    def keep(m: re.Match) -> str:
        return " " if m[1] else "''" if m[2] else f" {m[4]} "
    return _TOKENS.sub(keep, text)


def check_additive(migration: Migration) -> None:
    """Raise MigrationRefused if any statement would drop, truncate, rename or move something in core."""
    for statement in _code_only(migration.text).split(";"):
        statement = " ".join(statement.split())
        for pattern, why in _REFUSALS:
            if pattern.search(statement):
                raise MigrationRefused(f"{migration.path}: refused, {why} (core is additive-only because "
                                       f"Power BI reads it live; see sql/README.md): {statement}")


def apply_migrations(conn: extensions.connection, sql_dir: Path | None = None, *,
                     dry_run: bool = False) -> list[str]:
    """Apply every pending migration in order, each in its own transaction; return their paths.
    dry_run: check and return what would be applied; change nothing."""
    migrations = discover(sql_dir)
    with advisory_lock(conn, LOCK_NAME):
        applied = _history(conn, create=not dry_run)
        changed = [m.path for m in migrations if m.path in applied and applied[m.path] != m.sha256]
        if changed:
            raise MigrationChanged("applied migrations were edited: " + ", ".join(changed) + "; history is "
                                 "immutable, restore them and put the change in a new <table>.<V>.sql")
        unknown = sorted(set(applied) - {m.path for m in migrations})
        if unknown:
            log.warning("migrate: database has migrations this checkout lacks (older code?): %s", unknown)
        pending = [m for m in migrations if m.path not in applied]
        for m in pending:  # every file is checked before any is applied
            check_additive(m)
        for m in [] if dry_run else pending:
            _apply(conn, m)
    log.info("migrate: files=%d already=%d %s=%d", len(migrations), len(migrations) - len(pending),
             "pending" if dry_run else "applied", len(pending))
    return [m.path for m in pending]


def _history(conn: extensions.connection, *, create: bool) -> dict[str, str]:
    with conn.cursor() as cur:
        cur.execute("SELECT to_regclass('meta.schema_migrations') IS NULL")
        if cur.fetchone()[0]:
            if not create:
                conn.commit()
                return {}
            log.info("migrate: creating meta.schema_migrations")
            cur.execute(read_migration(BOOTSTRAP_FILE, "").text)
            conn.commit()
        cur.execute("SELECT path, sha256 FROM meta.schema_migrations")
        history = dict(cur.fetchall())
    conn.commit()
    return history


def _apply(conn: extensions.connection, m: Migration) -> None:
    started = time.monotonic()
    try:
        with conn.cursor() as cur:
            if _code_only(m.text).strip(" \n\t;"):  # psycopg2 refuses to send a comment-only query
                cur.execute(m.text)
            cur.execute("INSERT INTO meta.schema_migrations (path, sha256) VALUES (%s, %s)", (m.path, m.sha256))
        conn.commit()
    except psycopg2.Error as exc:
        conn.rollback()
        raise MigrationError(f"{m.path}: failed and was rolled back: {str(exc).strip()}") from exc
    log.info("migrate: applied %s in %.0f ms", m.path, (time.monotonic() - started) * 1000)
