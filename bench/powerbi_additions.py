"""What the Power BI migrations add to core, so that bench/powerbi.py can time normalize without and with it.

Data flow: the migration files below (the names in CREATE INDEX / STATISTICS / TRIGGER, the SELECT util.*_rebuild()
           that fills a summary) -> their definitions as the catalog holds them (pg_get_indexdef,
           pg_get_statisticsobjdef, pg_get_triggerdef) -> drop() / create() in the bench's throwaway database
           only; reset_core() empties core there for a second first-time normalize.
Run standalone: used by bench/powerbi.py (python -m bench.powerbi --deals 100000 --tickets 100000).

Never point these at a real database: core is additive-only (sql/README.md) and Power BI reads it live. The
bench drops its own additions and truncates core only in bench_powerbi_<pid>, which it created and drops.
"""
from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import psycopg2
from psycopg2 import sql

SQL_DIR = Path(__file__).resolve().parents[1] / "sql"
FILES = ("30_core/pd_deals.4.sql", "30_core/zd_tickets.3.sql", "30_core/dim_date.3.sql", "45_core_powerbi/*.sql")
_INDEX = re.compile(r"CREATE\s+(?:UNIQUE\s+)?INDEX\s+(?:IF\s+NOT\s+EXISTS\s+)?(\w+)\s+ON\s+", re.I)
_STATISTICS = re.compile(r"CREATE\s+STATISTICS\s+(?:IF\s+NOT\s+EXISTS\s+)?(?:core\.)?(\w+)", re.I)
_TRIGGER = re.compile(r"CREATE\s+TRIGGER\s+(\w+)\s", re.I)
_REBUILD = re.compile(r"^SELECT\s+util\.(\w+_rebuild)\(\)", re.I | re.M)   # a summary's first fill
# Written by normalize and read again by it: kept by reset_core (scope_key numbering, the calendar, the
# custom-field columns already added), so the second first-time normalize does the same work as the first.
KEEP = ("dim_scope", "dim_date", "custom_columns")


def _files() -> list[Path]:
    return [p for pattern in FILES for p in sorted(SQL_DIR.glob(pattern))]


@dataclass(frozen=True)
class Additions:
    indexes: dict[str, str]        # name -> CREATE INDEX statement, as the catalog has it
    statistics: dict[str, str]     # name -> CREATE STATISTICS statement
    triggers: dict[str, tuple[str, str]]   # name -> (its table, CREATE TRIGGER statement)
    rebuilds: tuple[str, ...]      # util functions that recompute a summary table from its fact

    @classmethod
    def read(cls, url: str) -> "Additions":
        text = "\n".join(p.read_text(encoding="utf-8") for p in _files())
        index_names, stat_names, trigger_names = _INDEX.findall(text), _STATISTICS.findall(text), _TRIGGER.findall(text)
        with _connect(url) as conn, conn.cursor() as cur:
            cur.execute("SELECT c.relname, pg_get_indexdef(c.oid) FROM pg_class c JOIN pg_namespace n ON "
                        "n.oid = c.relnamespace WHERE n.nspname = 'core' AND c.relname = ANY(%s)", (index_names,))
            indexes = dict(cur.fetchall())
            cur.execute("SELECT s.stxname, pg_get_statisticsobjdef(s.oid) FROM pg_statistic_ext s JOIN pg_namespace n "
                        "ON n.oid = s.stxnamespace WHERE n.nspname = 'core' AND s.stxname = ANY(%s)", (stat_names,))
            statistics = dict(cur.fetchall())
            cur.execute("SELECT t.tgname, t.tgrelid::regclass::text, pg_get_triggerdef(t.oid) FROM pg_trigger t "
                        "JOIN pg_class c ON c.oid = t.tgrelid WHERE c.relnamespace = 'core'::regnamespace "
                        "AND t.tgname = ANY(%s)", (trigger_names,))
            triggers = {name: (table, statement) for name, table, statement in cur.fetchall()}
        missing = (set(index_names) - set(indexes)) | (set(stat_names) - set(statistics)) \
            | (set(trigger_names) - set(triggers))
        if missing:
            raise RuntimeError(f"migrations name {sorted(missing)} but the database has no such object")
        return cls(indexes, statistics, triggers, tuple(_REBUILD.findall(text)))

    def describe(self) -> str:
        return (f"{len(self.indexes)} indexes, {len(self.statistics)} statistics objects, {len(self.triggers)} "
                f"triggers keeping {len(self.rebuilds)} summary tables")

    def drop(self, url: str) -> None:
        with _connect(url) as conn, conn.cursor() as cur:
            for name in self.indexes:
                cur.execute(sql.SQL("DROP INDEX IF EXISTS {}").format(sql.Identifier("core", name)))
            for name in self.statistics:
                cur.execute(sql.SQL("DROP STATISTICS IF EXISTS {}").format(sql.Identifier("core", name)))
            for name, (table, _) in self.triggers.items():
                cur.execute(sql.SQL("DROP TRIGGER IF EXISTS {} ON {}").format(
                    sql.Identifier(name), sql.Identifier(*table.split("."))))

    def create(self, url: str) -> None:
        """Recreate them as they were, recompute the summaries their triggers missed meanwhile; ANALYZE fills
        the statistics objects (normalize analyzes after big writes)."""
        with _connect(url) as conn, conn.cursor() as cur:
            triggers = [statement for _, statement in self.triggers.values()]
            for statement in (*self.indexes.values(), *self.statistics.values(), *triggers):
                cur.execute(statement)  # the catalog's own definitions (pg_get_*def), names quoted by it
            for function in self.rebuilds:
                cur.execute(sql.SQL("SELECT {}()").format(sql.Identifier("util", function)))
            for table in {re.search(r" FROM (\S+)", s)[1] for s in self.statistics.values()}:
                cur.execute(sql.SQL("ANALYZE {}").format(sql.Identifier(*table.split("."))))


def reset_core(url: str) -> None:
    """Empty core (but KEEP) and forget which tables had their members ensured: the state before the first
    normalize, with the migrations applied. Throwaway database only."""
    with _connect(url) as conn, conn.cursor() as cur:
        cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'core' AND NOT tablename = ANY(%s)",
                    (list(KEEP),))
        tables = [sql.Identifier("core", r[0]) for r in cur.fetchall()]
        cur.execute(sql.SQL("TRUNCATE {}").format(sql.SQL(", ").join(tables)))
        cur.execute("DELETE FROM meta.members_ensured")
        cur.execute("DELETE FROM meta.normalize_state")


@contextmanager
def _connect(url: str) -> Iterator:
    conn = psycopg2.connect(url, application_name="bench_powerbi")
    conn.autocommit = True
    try:
        yield conn
    finally:
        conn.close()
