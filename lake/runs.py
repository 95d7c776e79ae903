"""meta.pipeline_runs bookkeeping shared by every stage: open a 'running' row, close it with counts.

Data flow: stage -> start_run() (committed at once) ... stage work ... -> finish_run() (caller commits).
Run standalone: used by load/, normalize/ and scripts/daily_pipeline.py.
"""
from __future__ import annotations

import functools
import os
import socket
from pathlib import Path

SQL_DIR = Path(__file__).with_name("sql")


@functools.cache
def _query(name: str) -> str:
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


def start_run(conn, *, stage: str, source: str, entity: str, scope: str | None = None,
              batch_id: str | None = None, load_id: int | None = None) -> int:
    """Insert a 'running' row and commit it; returns its run_id."""
    with conn.cursor() as cur:
        cur.execute(_query("pipeline_run_start"), {
            "stage": stage, "source": source, "scope": scope, "entity": entity, "batch_id": batch_id,
            "load_id": load_id, "host": socket.gethostname(), "pid": os.getpid()})
        run_id = cur.fetchone()[0]
    conn.commit()
    return run_id


def finish_run(cur, run_id: int, *, status: str, rows_in: int = 0, rows_out: int = 0, rows_rejected: int = 0,
               watermark_before: str | None = None, watermark_after: str | None = None,
               error: str | None = None) -> None:
    """Close the row inside the caller's transaction (the caller commits)."""
    cur.execute(_query("pipeline_run_finish"), {
        "run_id": run_id, "status": status, "rows_in": rows_in, "rows_out": rows_out,
        "rows_rejected": rows_rejected, "watermark_before": watermark_before,
        "watermark_after": watermark_after, "error": error})
