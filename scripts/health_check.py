"""The health check: did the pipeline run, is its data whole? One table (or JSON), one exit code.

Data flow: settings -> lake.db.connect(migrate=False) + lake.store.open_store -> lake.health.runner (every check)
           -> stdout (table | json) + meta.health_checks (core.health_status) -> exit 0 ok / 1 warn / 2 fail.
Run standalone: python -m scripts.health_check [--format table|json] [--all] [--source S] [--scope S] [--demo] [--accept-counts]

- Exit codes are the health check's own (DESIGN.md §6), for schedulers: 0 every row ok, 1 the worst is
  warn, 2 the worst is fail. A database it cannot reach or a bad configuration is also 2: one line on
  stderr, no traceback, nothing on stdout.
- It applies no migration (the schema check reports pending ones) and opens no bronze part: it lists the
  lake and reads manifests and watermark files only. Thresholds: HEALTH_* in .env (lake/health/context.py).
- --demo checks the daily runner's demo (python -m scripts.daily_pipeline --demo): the embedded
  PostgreSQL under ./data/demo/pg and the lake in ./data/demo/lake, scope 'demo', both sources. It starts
  no simulator and reads no .env, so it can never touch real data.
- --accept-counts: a core table that shrank keeps failing until its count recovers or this accepts it.
- The log goes to logs/health_check_{date}.log; the console shows warnings only, stdout the result.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import sys
import time
from pathlib import Path

import psycopg2

from lake.db import connect
from lake.health import CheckRow, exit_code, worst
from lake.health.context import Thresholds, build_context, one_line
from lake.health.runner import check_all, record_rows
from lake.logs import release_logging, setup_logging
from lake.settings import Settings, SettingsError, get_settings
from lake.sources import SOURCES
from lake.store import open_store
from scripts.demo import DEMO_ENV, demo_env

log = logging.getLogger("scripts.health_check")

@contextlib.contextmanager
def demo_environment():
    """The settings of scripts.daily_pipeline's --demo, without its simulators: only the demo database and lake."""
    with demo_env():
        yield


def demo_settings() -> Settings:
    if not Path(DEMO_ENV["EMBEDDED_PG_DIR"]).is_dir():
        raise SettingsError(f"no demo database in {DEMO_ENV['EMBEDDED_PG_DIR']}: run python -m scripts.daily_pipeline "
                            "--demo first (from the same folder)")
    return Settings.from_env(dict(os.environ))  # not .env: the demo never reads real settings


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m scripts.health_check", description=__doc__.splitlines()[0])
    parser.add_argument("--format", choices=("table", "json"), default="table", help="output (default: table)")
    parser.add_argument("--source", choices=SOURCES, help="only this source (default: every configured source)")
    parser.add_argument("--scope", help="only this scope (account)")
    parser.add_argument("--demo", action="store_true", help="check the demo database and lake under ./data/demo")
    parser.add_argument("--all", action="store_true",
                        help="table: every row (default: the ok rows of a check, source and scope on one line)")
    parser.add_argument("--accept-counts", action="store_true",
                        help="accept the current core row counts as the baseline (after an intended drop)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    try:
        args = parse_args(argv)
    except SystemExit as exc:  # argparse: --help is 0, bad usage 2
        return exc.code if isinstance(exc.code, int) else 2
    with demo_environment() if args.demo else contextlib.nullcontext():
        try:
            return check(args)
        finally:
            release_logging()


def check(args: argparse.Namespace) -> int:
    try:
        settings = demo_settings() if args.demo else get_settings()
        Thresholds.from_settings(settings)  # a bad HEALTH_* value is a configuration error, before connecting
        _log_quietly(settings)
        store = open_store(settings)
        conn = connect(settings, migrate=False, application_name="datalake-health")
    except SettingsError as exc:
        return _refuse(f"configuration error: {exc}")
    except psycopg2.Error as exc:
        return _refuse(f"cannot reach the database: {one_line(str(exc))}")
    except Exception as exc:  # e.g. the embedded server or the lake backend failed to start
        return _refuse(f"cannot start: {type(exc).__name__}: {one_line(str(exc))}")
    try:
        started = time.monotonic()
        ctx = build_context(conn, store, settings, source=args.source, scope=args.scope,
                            accept_counts=args.accept_counts)
        rows = check_all(ctx)
        run_id = record_rows(ctx, rows, duration_ms=int((time.monotonic() - started) * 1000))
    except SettingsError as exc:
        return _refuse(f"configuration error: {exc}")
    except psycopg2.Error as exc:  # the connection itself failed mid-way
        return _refuse(f"lost the database: {one_line(str(exc))}")
    finally:
        conn.close()
    log.info("health check: %s, %d rows, exit %d, run %s", worst(rows), len(rows), exit_code(rows), run_id)
    print(as_json(rows, ctx.now, run_id) if args.format == "json" else
          as_table(rows if args.all else fold_ok(rows), ctx.now, run_id, total=rows))
    return exit_code(rows)


def _refuse(message: str) -> int:
    print(f"health_check: {message}", file=sys.stderr)
    return 2


def _log_quietly(settings: Settings) -> None:
    """The log file gets everything; the console only warnings (stdout carries the result)."""
    setup_logging("health_check", settings)
    for handler in logging.getLogger().handlers:
        if getattr(handler, "_datalake", False) and not isinstance(handler, logging.FileHandler):
            handler.setLevel(logging.WARNING)


def fold_ok(rows: list[CheckRow]) -> list[CheckRow]:
    """Consecutive ok rows of one check, source and scope as one row ("11 rows ok, e.g. deals: ..."); the
    rows that need attention stay as they are. JSON and meta.health_checks always get every row."""
    out: list[CheckRow] = []
    run: list[CheckRow] = []
    for r in [*rows, None]:
        if run and (r is None or r.status != "ok" or (r.check, r.source, r.scope) != (run[0].check, run[0].source, run[0].scope)):
            last = run[-1]
            out.append(last if len(run) == 1 else CheckRow(
                last.check, last.source, last.scope, f"({len(run)} rows)", "ok",
                "all ok, e.g. " + (f"{last.entity}: " if last.entity else "") + last.measured, last.threshold, ""))
            run = []
        if r is not None:
            (run if r.status == "ok" else out).append(r)
    return out


def as_table(rows: list[CheckRow], checked_at, run_id: int | None, *, total: list[CheckRow]) -> str:
    heads = ("STATUS", "CHECK", "SOURCE", "SCOPE", "ENTITY")
    cells = [(r.status if r.status == "ok" else r.status.upper(), r.check, r.source or "-", r.scope or "-",
              r.entity or "-") for r in rows]
    widths = [max(len(c[i]) for c in [heads, *cells]) for i in range(len(heads))]
    lines = ["  ".join(h.ljust(w) for h, w in zip(heads, widths)) + "  MEASURED (THRESHOLD)"]
    shown = None
    for r, c in zip(rows, cells):
        lines.append("  ".join(v.ljust(w) for v, w in zip(c, widths)) + "  " + r.measured
                     + (f" ({r.threshold})" if r.threshold else ""))
        if r.hint and r.status != "ok" and (r.check, r.hint) != shown:  # said once for a run of equal hints
            lines.append(" " * (widths[0] + 2) + "-> " + r.hint)
            shown = (r.check, r.hint)
    counts = ", ".join(f"{sum(r.status == s for r in total)} {s}" for s in ("fail", "warn", "ok"))
    recorded = f", recorded as run {run_id}" if run_id is not None else ""
    lines.append(f"health check {checked_at:%Y-%m-%d %H:%M} UTC: {counts} -> {worst(total).upper()}, "
                 f"exit {exit_code(total)}{recorded}")
    return "\n".join(lines)


def as_json(rows: list[CheckRow], checked_at, run_id: int | None) -> str:
    return json.dumps({"checked_at": checked_at.isoformat(), "check_run_id": run_id, "status": worst(rows),
                       "exit_code": exit_code(rows), "rows": [r.as_dict() for r in rows]}, indent=1, ensure_ascii=False)


if __name__ == "__main__":
    sys.exit(main())
