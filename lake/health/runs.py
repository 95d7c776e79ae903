"""Checks on meta.pipeline_runs: did the daily run happen (did_it_run), is a stage stuck (stuck_runs).

Data flow: meta.pipeline_runs (+ pg_locks, pg_stat_activity) -> lake/health/sql/did_it_run*.sql, stuck_runs*.sql
           -> [CheckRow]; stuck_runs closes dead 'running' rows as 'abandoned'.
Run standalone: python -m scripts.health_check (these are two of its checks).

did_it_run. A stage's row says success (or skipped: an optional entity not on the plan) per source x
entity (x scope). "A complete daily run" of a source, within HEALTH_DID_IT_RUN_HOURS (26), means each of
its stages (extract, load, normalize) has at least one such row in that window; its time is the oldest
of the three stages' newest successes. batch_id is not needed (stages run by hand count too), but extract
rows are written by the daily runner only, so a source whose stages are only ever run by hand fails: the
check is the dead-man's switch of the scheduled run. Then the newest finished row of every stage x entity
x scope: failed is a fail (with its error), partial (e.g. the API's daily budget spent) and abandoned are
warnings. A load row without scope (nothing in bronze yet) is superseded by any newer row of the entity.

stuck_runs. A 'running' row older than HEALTH_STUCK_MINUTES (60) is alive only while its stage's lock is
held by a session old enough to have started it: load and normalize hold advisory lock 'load:<source>'
around their rows, and extract rows are written by the daily runner, which holds 'daily_pipeline'. When
the row's host is this machine, its pid must also still exist. A dead row is set to 'abandoned' (its
stage's work is transactional: nothing half-written stays, the next run redoes it) and reported as a
warning; a live one running for longer than HEALTH_DID_IT_RUN_HOURS fails (hung: it blocks the daily run).
"""
from __future__ import annotations

import ctypes
import datetime as dt
import os
import sys

from lake.health import CheckRow
from lake.health.context import Context, hours, one_line, read_sql, this_host, when
from lake.sources import STAGES

STAGE_MODULES = {"extract": "extract.{}_bronze", "load": "load.load_{}_stg", "normalize": "normalize.normalize_{}"}


def did_it_run(ctx: Context) -> list[CheckRow]:
    limit = ctx.limits.did_it_run_hours
    last = {(src, stage): ts for src, stage, ts in ctx.query("did_it_run", {"sources": ctx.sources, "scope": ctx.scope})}
    rows = []
    for source in ctx.sources:
        times = {stage: last.get((source, stage)) for stage in STAGES}
        missing = [stage for stage, ts in times.items() if ts is None]
        complete = None if missing else min(times.values())
        detail = ", ".join(f"{stage} {hours(ctx.ago(ts))}" + (" ago" if ts else "") for stage, ts in times.items())
        if complete is None:
            rows.append(CheckRow("did_it_run", source, ctx.scope, None, "fail", f"no complete run recorded ({detail})",
                                 f"<= {limit:g} h", "schedule python -m scripts.daily_pipeline (scripts/windows/"
                                 "register_daily_task.ps1 or scripts/cron) and check that it runs"))
        else:
            late = ctx.ago(complete) > limit
            rows.append(CheckRow(
                "did_it_run", source, ctx.scope, None, "fail" if late else "ok",
                f"last complete run {hours(ctx.ago(complete))} ago ({detail})", f"<= {limit:g} h",
                "the daily run has not completed: is the scheduled task still running? (Task Scheduler 'Last Run "
                "Result', cron mail); read logs/daily_pipeline_<date>.log" if late else ""))
        rows += _last_failures(ctx, source)
    return rows


def _last_failures(ctx: Context, source: str) -> list[CheckRow]:
    names = {e.name for e in ctx.entities(source)}
    latest = [r for r in ctx.query("did_it_run_latest", {"sources": [source], "scope": ctx.scope})
              if r[3] in names and (r[2] is None or r[2] in ctx.scopes_of(source))]
    newest = {}
    for _src, stage, _scope, entity, _status, _error, finished in latest:
        newest[(stage, entity)] = max(newest.get((stage, entity), finished), finished)
    rows = []
    for _src, stage, scope, entity, status, error, finished in latest:
        if status not in ("failed", "partial", "abandoned"):
            continue
        if scope is None and newest[(stage, entity)] > finished:
            continue  # a load that found nothing, since superseded by a run that found something
        module = STAGE_MODULES[stage].format(source)
        hint = (f"read the error; once fixed, rerun python -m {module} --entity {entity} (or the daily run)"
                if status == "failed" else
                "stopped part-way (e.g. the daily API budget) or killed; the next run resumes: act if it repeats")
        rows.append(CheckRow("did_it_run", source, scope, entity, "fail" if status == "failed" else "warn",
                             f"last {stage} {status} {hours(ctx.ago(finished))} ago: {one_line(error) or 'no error text'}",
                             None, hint))
    return rows


def stuck_runs(ctx: Context) -> list[CheckRow]:
    minutes, hung = ctx.limits.stuck_minutes, ctx.limits.did_it_run_hours
    older_than = ctx.now - dt.timedelta(minutes=minutes)
    rows, dead = [], []
    me = this_host()
    for run_id, stage, source, scope, entity, host, pid, started, lock_held in ctx.query(
            "stuck_runs", {"sources": ctx.sources, "older_than": older_than}):
        if ctx.scope not in (None, scope):
            continue
        what = f"run {run_id} ({stage} {source}.{entity}{' scope ' + scope if scope else ''}, pid {pid} on {host})"
        alive = _alive(lock_held, host, pid, me)
        age = ctx.ago(started)
        if not alive:
            dead.append(run_id)
            rows.append(CheckRow("stuck_runs", source, scope, entity, "warn",
                                 f"{what} running since {when(started)} ({hours(age)}), its process is gone: "
                                 "marked abandoned", f"> {minutes:g} min",
                                 "nothing to undo (stages are transactional), the next run redoes it; if it "
                                 "repeats, look for crashes or reboots at that time in the stage's log"))
        elif age > hung:
            rows.append(CheckRow("stuck_runs", source, scope, entity, "fail",
                                 f"{what} has been running for {hours(age)} and still holds its lock",
                                 f"<= {hung:g} h", f"hung? it blocks the daily run: stop process {pid} on {host} "
                                 "(its open work is rolled back) and let the next run redo it"))
        else:
            rows.append(CheckRow("stuck_runs", source, scope, entity, "ok",
                                 f"{what} running for {hours(age)}, alive (its session holds the lock)",
                                 f"<= {hung:g} h", ""))
    if dead:
        ctx.query("stuck_runs_abandon", {"run_ids": dead, "now": ctx.now,
                                         "why": "abandoned: its process was gone when the health check ran"})
    if not rows:
        rows.append(CheckRow("stuck_runs", None, ctx.scope, None, "ok",
                             f"no stage running for more than {minutes:g} min", None, ""))
    return rows


def abandon_dead_runs(conn, sources: list[str]) -> list[int]:
    """Close as 'abandoned' every 'running' row of the sources whose process is gone, however young: the
    daily runner calls this once it holds its lock (DESIGN.md §6), so a killed run's rows do not stay
    'running' until a health check looks. A stage still running by hand keeps its lock, so its rows stay."""
    with conn.cursor() as cur:
        cur.execute(read_sql("stuck_runs"), {"sources": sources, "older_than": dt.datetime.now(dt.timezone.utc)})
        me = this_host()
        dead = [r[0] for r in cur.fetchall() if not _alive(r[8], r[5], r[6], me)]
        if dead:
            cur.execute(read_sql("stuck_runs_abandon"), {
                "run_ids": dead, "now": dt.datetime.now(dt.timezone.utc),
                "why": "abandoned: its process was gone when the next daily run took the lock"})
    conn.commit()
    return dead


def _alive(lock_held: bool, host: str | None, pid: int | None, me: str) -> bool:
    """A running row is alive while a session that could have started it holds its stage's lock and, on
    this machine, its process exists."""
    return lock_held and (host != me or pid is None or pid_alive(pid))


def pid_alive(pid: int) -> bool:
    """Whether a process with this id exists on this machine (never signals it)."""
    if sys.platform == "win32":  # os.kill(pid, 0) would send CTRL_C_EVENT there
        kernel32 = ctypes.windll.kernel32
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return kernel32.GetLastError() == 5  # access denied: it exists
        try:
            code = ctypes.c_ulong()
            return not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)) or code.value == 259  # STILL_ACTIVE
        finally:
            kernel32.CloseHandle(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
