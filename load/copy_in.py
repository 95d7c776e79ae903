"""Writing one bronze part: COPY ... FROM STDIN into stg, inside the part's own transaction or a savepoint.

Data flow: load.engine._load_part -> PartTx.begin -> copy_part(PartStream) -> PartTx.done | PartTx.undo;
           a dead session -> ConnectionLost (one line for the operator, no traceback).
Run standalone: used by load/engine.py (python -m load.load_pipedrive_stg).

PartTx: a daily load commits each part on its own (a crash loses at most the part in flight); --rebuild
swaps an entity in ONE transaction, so each part is a savepoint in it: a retry of the part (a line
PostgreSQL refuses, fast path -> merge) undoes that part only, and the whole swap commits or rolls back.

A terminated backend during COPY: psycopg2 (2.9, _pq_copy_in_v3) reads every result libpq has after
the copy and raises for each failed one; with the session killed there are two (the server's
AdminShutdown, then the broken socket), and raising the second while the first is still set fails
inside psycopg2 with a SystemError that psycopg2 writes to stderr itself (PyErr_Print, i.e.
sys.excepthook), before raising OperationalError('invalid socket'). copy_part catches that print for
the duration of the COPY, so the reason it held (the server's message) goes into the one line that
ConnectionLost gives, instead of a traceback on the console.
"""
from __future__ import annotations

import contextlib
import functools
import logging
import sys
from pathlib import Path
from typing import Iterator

import psycopg2
from psycopg2 import sql

from lake.logs import first_line
from load.part_stream import PartStream

log = logging.getLogger(__name__)

MERGE_SQL = Path(__file__).with_name("sql") / "merge_part.sql"
COLUMNS = ("scope", "_blob_path", "_load_id", "record_id", "source_updated_at", "_line_no", "doc")


class ConnectionLost(Exception):
    """The database session died (terminated, server restart, network): nothing uncommitted survived."""


def is_lost(conn) -> bool:
    """True when psycopg2 has marked the session broken or closed (conn.closed is 1 or 2)."""
    return bool(conn.closed)


class PartTx:
    """Where one part's writes become durable: its own transaction, or (swap) a savepoint in the
    caller's transaction that only the caller commits."""

    def __init__(self, conn, *, swap: bool = False):
        self.conn, self.swap = conn, swap

    def begin(self) -> None:
        if self.swap:
            self._run("SAVEPOINT load_part")

    def done(self) -> None:
        if self.swap:
            self._run("RELEASE SAVEPOINT load_part")
        else:
            self.conn.commit()

    def undo(self) -> None:
        if is_lost(self.conn):  # nothing to undo on a dead session; the caller reports ConnectionLost
            return
        if self.swap:
            self._run("ROLLBACK TO SAVEPOINT load_part")
            self._run("RELEASE SAVEPOINT load_part")
        else:
            self.conn.rollback()

    def _run(self, statement: str) -> None:
        with self.conn.cursor() as cur:
            cur.execute(statement)


def copy_part(conn, table, stream: PartStream, fast: bool, path: str) -> int:
    """COPY the part into the stg table (fast) or into a temp table merged by primary key
    (load/sql/merge_part.sql); returns the rows inserted. ConnectionLost when the session dies meanwhile."""
    columns = sql.SQL(", ").join(map(sql.Identifier, COLUMNS))
    target = table if fast else sql.Identifier("_load_part")
    with conn.cursor() as cur, _psycopg2_prints() as printed:
        try:
            if not fast:
                cur.execute(sql.SQL("CREATE TEMP TABLE {} (LIKE {} INCLUDING DEFAULTS) ON COMMIT DROP")
                            .format(target, table))
            cur.copy_expert(sql.SQL("COPY {} ({}) FROM STDIN").format(target, columns).as_string(conn),
                            stream, size=PartStream.CHUNK)
        except psycopg2.Error as exc:
            if not is_lost(conn):
                for value in printed:  # not expected on a live session; never swallowed
                    log.warning("psycopg2 reported during COPY of %s: %s", path, first_line(value))
                raise
            reasons = [first_line(e.__cause__ or e) for e in printed] + [first_line(exc)]
            raise ConnectionLost(f"the database connection was lost during COPY of {path} "
                                 f"({'; '.join(reasons)}); nothing of that part was committed, "
                                 "rerun the load") from exc
        if fast:
            return cur.rowcount
        cur.execute(sql.SQL(_merge_sql()).format(table=table, part=target))
        inserted = cur.rowcount
        # Dropped now, not at commit: in a --rebuild several parts share one transaction.
        cur.execute(sql.SQL("DROP TABLE {}").format(target))
        return inserted


@functools.cache
def _merge_sql() -> str:
    return MERGE_SQL.read_text(encoding="utf-8")


@contextlib.contextmanager
def _psycopg2_prints() -> Iterator[list[BaseException]]:
    """Collect, instead of printing, what psycopg2 hands to PyErr_Print while the block runs."""
    printed: list[BaseException] = []
    previous = sys.excepthook
    sys.excepthook = lambda _type, value, _tb: printed.append(value)
    try:
        yield printed
    finally:
        sys.excepthook = previous
