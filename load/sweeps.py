"""Deletion sweeps in the loader: a sweep run loads like any run, and its complete id set is recorded.

Data flow: manifest (mode 'sweep') -> SweepRun -> per part, in the part's transaction: the ids the line
           checks read (load/part_stream.py) -> temp table -> meta.sweep_ids, meta.sweeps row
           -> with the run's last part: complete | incomplete, older sweeps superseded (load/sql/sweep_*.sql).
Run standalone: used by load/engine.py (python -m load.load_pipedrive_stg).

Why the ids go in part by part: each part commits with its ledger row, so a loader that dies between
two parts resumes at the next one with the earlier parts' ids already stored; memory holds one part's
ids (at most a part's 50k lines), never the whole listing. The sweep counts only once its LAST part is
in, and only if the listing ran to its end (no stopped_reason) and every line had a readable id: an id
missing from the set would flag a record that exists. Normalize applies it (normalize/sweeps.py).
"""
from __future__ import annotations

import functools
import io
from dataclasses import dataclass
from pathlib import Path

from lake.bronze import BronzeRun

SQL_DIR = Path(__file__).with_name("sql")


@functools.cache
def _query(name: str) -> str:
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


@dataclass(frozen=True)
class SweepRun:
    run: BronzeRun
    started_at: str
    rows: int
    listed_to_end: bool          # the manifest has no stopped_reason


def sweep_of(run: BronzeRun, manifest: dict) -> SweepRun | None:
    """The sweep a run's manifest describes, or None for an ordinary run."""
    if manifest.get("mode") != "sweep":
        return None
    return SweepRun(run, manifest["started_at"], int(manifest.get("rows") or 0), manifest.get("stopped_reason") is None)


def record_part(cur, sweep: SweepRun, ids: list[bytes] | None, lines: int, last: bool) -> None:
    """In the transaction of one loaded part: its ids (COPY-escaped, as the line checker wrote them), the
    lines without one, and, with the last part, the sweep's outcome. ids None: the part was not read
    (a run with no parts)."""
    run = sweep.run
    names = {"source": run.source, "scope": run.scope, "entity": run.entity, "run_id": run.run_id}
    missing = lines - len(ids) if ids is not None else 0
    cur.execute(_query("sweep_part"), {**names, "run_path": run.manifest_path.rpartition("/")[0] + "/",
                                       "started_at": sweep.started_at, "rows_listed": sweep.rows,
                                       "lines_without_id": missing if sweep.listed_to_end else 0})
    sweep_id = cur.fetchone()[0]
    if sweep.listed_to_end and ids:
        cur.execute("CREATE TEMP TABLE _sweep_part_ids (record_id text NOT NULL) ON COMMIT DROP")
        cur.copy_expert("COPY _sweep_part_ids (record_id) FROM STDIN", io.BytesIO(b"\n".join(ids) + b"\n"))
        cur.execute(_query("sweep_ids"), {"scope": run.scope, "sweep_id": sweep_id})
        cur.execute("DROP TABLE _sweep_part_ids")  # now, not at commit: a --rebuild loads many parts in one
    if last:
        cur.execute(_query("sweep_finish"), {**names, "sweep_id": sweep_id, "complete": sweep.listed_to_end})


def record_empty(cur, sweep: SweepRun) -> None:
    """A sweep run with no parts (the API listed nothing), once, in the caller's transaction (which the
    engine commits on its own, or with the entity's --rebuild)."""
    run = sweep.run
    cur.execute("SELECT 1 FROM meta.sweeps WHERE source = %s AND scope = %s AND entity = %s AND run_id = %s",
                (run.source, run.scope, run.entity, run.run_id))
    if cur.fetchone() is None:
        record_part(cur, sweep, None, 0, last=True)
