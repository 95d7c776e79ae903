"""--rebuild, before and during: prove bronze can replace what stg holds, then forget it inside the swap.

Data flow: meta.loaded_files (the parts stg holds) + complete runs' manifests + a read of each part's
           first bytes -> prove_rebuildable (or RebuildRefused, nothing changed) -> load.engine swaps each
           entity: forget() + reload in ONE transaction (load/sql/rebuild_clear.sql).
Run standalone: python -m load.load_pipedrive_stg --entity deals --rebuild

Two guards, because a rebuild replaces stg rows with what bronze holds and some versions live only there:
- before: every part the ledger says was loaded must be listed by a complete run and start as a gzip
  stream, else nothing is touched (a mistyped LAKE_ROOT, a lost part);
- during: load.engine runs forget() and the reload of one entity (all its selected scopes) in one
  transaction, each part a savepoint (load/copy_in.py PartTx). A part that turns out unreadable half-way,
  a lost connection or a killed process rolls the entity back to its old rows, ledger and rejected rows.
Cost of the one transaction (fine for a rare operator action, stated so nobody is surprised): WAL and
disk as for a normal load of the same rows (the old ones stay until the commit); the stg table is locked
ACCESS EXCLUSIVE by the TRUNCATE when every scope is rebuilt (readers of that stg table, e.g. the health
check, wait for the commit; core and Power BI are not touched), or its rows are DELETEd when one scope is
(readers see the old rows until the commit); normalize waits on the advisory lock 'load:<source>' as it
does for any load. One savepoint per part: past 64 parts PostgreSQL's subtransaction cache overflows,
which slows other sessions' snapshots a little until the commit.
"""
from __future__ import annotations

import functools
import logging
from pathlib import Path
from typing import Sequence

from psycopg2 import sql

from lake.bronze import BronzeRun
from lake.entities import Entity
from lake.store import Store

log = logging.getLogger(__name__)

SQL_DIR = Path(__file__).with_name("sql")


class RebuildRefused(Exception):
    """--rebuild would replace stg rows with bronze it cannot read: nothing was changed."""


@functools.cache
def _query(name: str) -> str:
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


def prove_rebuildable(conn, store: Store, source: str, entities: Sequence[Entity], scope: str | None,
                      runs: list[BronzeRun]) -> None:
    """Every part the ledger says was loaded is listed by a complete run and starts as a gzip stream,
    before anything is forgotten; RebuildRefused otherwise."""
    names = [e.name for e in entities]
    with conn.cursor() as cur:
        cur.execute("SELECT blob_path FROM meta.loaded_files WHERE source = %s AND entity = ANY(%s) "
                    "AND (%s::text IS NULL OR scope = %s) ORDER BY blob_path", (source, names, scope, scope))
        ledger = [path for (path,) in cur]
    conn.commit()
    listed: set[str] = set()
    for run in runs:
        if run.entity in names:
            try:
                listed.update(p["path"] for p in run.manifest(store).get("parts", []))
            except (OSError, ValueError, TypeError, AttributeError):
                continue  # an unreadable manifest lists nothing: its parts count as missing below
    missing = [path for path in ledger if path not in listed or not _starts_as_gzip(store, path)]
    if missing:
        raise RebuildRefused(f"{len(missing)} of {len(ledger)} loaded bronze parts cannot be read from the lake "
                             f"(first: {missing[0]}); a rebuild would lose what only they hold. Check LAKE_ROOT / "
                             "LAKE_BACKEND, restore the parts, or rebuild fewer entities/scopes")


def _starts_as_gzip(store: Store, path: str) -> bool:
    try:
        with store.open(path) as f:
            return f.read(2) == b"\x1f\x8b"
    except OSError:
        return False


def forget(conn, table: sql.Composable, source: str, entity: str, scope: str | None) -> None:
    """Clear the entity's stg rows, ledger, rejected rows and sweeps (one scope, or all) in the CALLER's
    transaction: the reload that follows commits with it, or a failure rolls both back."""
    with conn.cursor() as cur:
        if scope is None:  # TRUNCATE instead of a long DELETE; rolled back like any statement
            cur.execute(sql.SQL("TRUNCATE {}").format(table))
        cur.execute(sql.SQL(_query("rebuild_clear")).format(table=table),
                    {"source": source, "entity": entity, "scope": scope})
    log.info("%s.%s scope=%s rebuild: stg rows, ledger and rejected rows cleared (committed only with the reload)",
             source, entity, scope or "*")
