"""Run every health check and record the result: the one function the CLI and the daily runner call.

Data flow: conn + store + settings -> build_context -> CHECKS in order, each in its own transaction
           -> [CheckRow] -> meta.health_check_runs (one row) + meta.health_checks (every row) -> core.health_status.
Run standalone: python -m scripts.health_check

A check that cannot run (a database error, a lake it cannot read) becomes one fail row saying why, and
the other checks still run: a health check must report, not crash. The checks read the database with
set-based statements and the lake by listing it (parts are never opened); what they write is small:
stuck rows closed as 'abandoned', the core counts baseline, and the result.
"""
from __future__ import annotations

import datetime as dt
import logging
import time
from typing import Callable

from psycopg2.extras import execute_values

from lake.health import STATUSES, CheckRow, worst
from lake.health import core, lake_store, meta, runs, stg, watermarks
from lake.health.context import Context, build_context, one_line, read_sql, this_host
from lake.settings import Settings
from lake.store import Store

log = logging.getLogger(__name__)

CHECKS: tuple[tuple[str, Callable[[Context], list[CheckRow]]], ...] = (
    ("did_it_run", runs.did_it_run),
    ("stuck_runs", runs.stuck_runs),
    ("freshness", core.freshness),
    ("volume", core.volume),
    ("duplicates", stg.duplicates),
    ("rejected_rows", meta.rejected_rows),
    ("lake", lake_store.lake),
    ("reconciliation", stg.reconciliation),
    ("watermarks", watermarks.watermarks),
    ("schema", meta.schema),
)


def run_checks(conn, store: Store, settings: Settings, *, source: str | None = None, scope: str | None = None,
               now: dt.datetime | None = None, record: bool = True, accept_counts: bool = False) -> list[CheckRow]:
    """Every check's rows, in CHECKS order; also written to meta.health_checks unless record=False.
    Raises SettingsError for bad HEALTH_* thresholds or an unknown source."""
    ctx = build_context(conn, store, settings, source=source, scope=scope, now=now, accept_counts=accept_counts)
    started = time.monotonic()
    rows = check_all(ctx)
    if record:
        record_rows(ctx, rows, duration_ms=int((time.monotonic() - started) * 1000))
    return rows


def check_all(ctx: Context) -> list[CheckRow]:
    rows = []
    for name, check in CHECKS:
        started = time.monotonic()
        try:
            ctx.query("check_session")
            found = check(ctx)
            ctx.conn.commit()
        except Exception as exc:  # reported as a fail row (the traceback goes to the log), never raised
            ctx.conn.rollback()
            log.warning("health check %s could not run: %s: %s", name, type(exc).__name__, one_line(str(exc)))
            log.info("health check %s traceback", name, exc_info=True)
            found = [CheckRow(name, ctx.source_filter, ctx.scope, None, "fail",
                              f"the check could not run: {type(exc).__name__}: {one_line(str(exc))}", None,
                              "see the schema check (a migration not applied?) and logs/health_check_<date>.log")]
        log.info("health %s: %d rows, worst %s, %.2f s", name, len(found), worst(found), time.monotonic() - started)
        rows += found
    return rows


def record_rows(ctx: Context, rows: list[CheckRow], *, duration_ms: int | None = None) -> int | None:
    """Write the run and its rows; returns the check_run_id (None when meta.health_checks does not exist yet:
    the schema check has already said that a migration is pending)."""
    conn = ctx.conn
    with conn.cursor() as cur:
        cur.execute(read_sql("context_tables"))
        if not cur.fetchone()[2]:
            conn.rollback()
            log.warning("health check result not recorded: meta.health_checks does not exist (run python -m scripts.migrate)")
            return None
        counts = {s: sum(r.status == s for r in rows) for s in STATUSES}
        cur.execute(read_sql("record_run"), {
            "checked_at": ctx.now, "source": ctx.source_filter, "scope": ctx.scope, "status": worst(rows),
            "ok": counts["ok"], "warn": counts["warn"], "fail": counts["fail"],
            "rejected_id_seen": ctx.rejected_id_seen, "host": this_host(), "duration_ms": duration_ms})
        run_id = cur.fetchone()[0]
        execute_values(cur, read_sql("record_rows"), [
            (run_id, r.check, r.source, r.scope, r.entity, r.status, r.measured, r.threshold, r.hint, ctx.now)
            for r in rows], page_size=500)
    conn.commit()
    return run_id
