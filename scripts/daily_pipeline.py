"""The daily runner: extract -> load -> normalize for each source, one instance at a time.

Data flow: scheduler (Task Scheduler / cron) -> main() -> each stage's main(argv) in order -> exit code.
Run standalone: python -m scripts.daily_pipeline [--demo] [--source pipedrive|zendesk]

- Runs every configured source (lake.sources.configured: any PIPEDRIVE_* / ZENDESK_* setting present),
  or those named by --source; none configured is a configuration error (exit 2).
- Logs to logs/daily_pipeline_{date}.log (and the console); dated log files older than
  LOG_RETENTION_DAYS (default 30) are removed at the start of each run.
- A single-instance lock (a PostgreSQL advisory lock, so it also holds across machines sharing the
  database): a second runner exits 1 at once instead of racing the first.
- A stage that fails does not stop the later ones: an extract stopped by the daily API budget has
  still committed what it wrote, and loading and normalizing that is what the next morning needs.
  The exit code is 1 if any stage failed.
- --demo runs both sources against the loopback simulators with a lake and an embedded PostgreSQL of
  its own under ./data/demo (scope 'demo'), so it works on a fresh machine and never touches real data.
"""
from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
import time

from lake import db
from lake.logs import prune_logs, release_logging, retention_days, setup_logging
from lake.runs import finish_run, start_run
from lake.settings import SettingsError, get_settings
from lake.sources import SOURCES, configured, stage_mains

log = logging.getLogger("scripts.daily_pipeline")

LOCK_NAME = "daily_pipeline"
DEMO_PIPEDRIVE_TOKEN = "demo-pipedrive-token"
DEMO_ZENDESK_EMAIL, DEMO_ZENDESK_TOKEN = "demo@example.com", "demo-zendesk-token"


@contextlib.contextmanager
def single_instance(settings):
    conn = db.connect(settings, application_name="datalake-daily")
    try:
        with conn.cursor() as cur:
            cur.execute("select pg_try_advisory_lock(hashtext(%s))", (LOCK_NAME,))
            if not cur.fetchone()[0]:
                raise RuntimeError("another daily pipeline run holds the lock; not starting a second one")
        yield conn
    finally:
        conn.close()  # closing the session releases the advisory lock


@contextlib.contextmanager
def demo_environment():
    """Point every stage at started simulators and at ./data/demo, for this process only."""
    from sandbox.pipedrive import PipedriveSimulator
    from sandbox.zendesk import ZendeskSimulator
    with PipedriveSimulator(seed=1, token=DEMO_PIPEDRIVE_TOKEN, burst_limit=40) as pipedrive, \
            ZendeskSimulator(seed=1, email=DEMO_ZENDESK_EMAIL, token=DEMO_ZENDESK_TOKEN, window_seconds=2.0) as zendesk:
        saved = dict(os.environ)
        for name in [k for k in os.environ if k.startswith(("PIPEDRIVE_", "ZENDESK_", "DATABASE_URL", "PG", "LAKE_"))]:
            del os.environ[name]
        os.environ.update(PIPEDRIVE_SCOPES="demo", PIPEDRIVE_API_TOKEN__DEMO=DEMO_PIPEDRIVE_TOKEN,
                          PIPEDRIVE_BASE_URL__DEMO=pipedrive.base_url,
                          ZENDESK_SCOPES="demo", ZENDESK_BASE_URL__DEMO=zendesk.base_url,
                          ZENDESK_EMAIL__DEMO=DEMO_ZENDESK_EMAIL, ZENDESK_API_TOKEN__DEMO=DEMO_ZENDESK_TOKEN,
                          LAKE_BACKEND="local", LAKE_ROOT="./data/demo/lake", EMBEDDED_PG_DIR="./data/demo/pg")
        get_settings.cache_clear()
        try:
            yield
        finally:
            os.environ.clear()
            os.environ.update(saved)
            get_settings.cache_clear()


def record_extract(conn, results) -> None:
    """Extract needs no database, so the runner writes its meta.pipeline_runs rows for it."""
    for r in results:
        run_id = start_run(conn, stage="extract", source=r.source, scope=r.scope, entity=r.entity)
        with conn.cursor() as cur:
            finish_run(cur, run_id, status=r.status, rows_in=r.rows, rows_out=r.rows,
                       watermark_before=r.watermark_before, watermark_after=r.watermark_after, error=r.error)
        conn.commit()


def run_stages(conn, sources: list[str]) -> int:
    failed = []
    for source in sources:
        for stage, stage_main in stage_mains(source):
            started = time.monotonic()
            log.info("%s %s: starting", source, stage)
            try:
                if stage == "extract":
                    results = []
                    code = stage_main([], results=results)
                    record_extract(conn, results)
                else:
                    code = stage_main([])
            except Exception:  # a stage bug must not hide the later stages' results
                log.exception("%s %s crashed", source, stage)
                code = 1
            log.info("%s %s: exit %d in %.1fs", source, stage, code, time.monotonic() - started)
            if code != 0:
                failed.append(f"{source} {stage} (exit {code})")
    if failed:
        log.error("daily pipeline finished with failures: %s", ", ".join(failed))
        return 1
    log.info("daily pipeline finished: every stage succeeded")
    return 0


def summary(settings) -> None:
    conn = db.connect(settings, migrate=False)
    with conn, conn.cursor() as cur:
        cur.execute("select table_name from information_schema.tables where table_schema = 'core' order by 1")
        for (table,) in cur.fetchall():
            cur.execute(f'select count(*) from core."{table}"')  # names come from the catalog itself
            log.info("core.%s rows=%d", table, cur.fetchone()[0])
    conn.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.daily_pipeline", description=__doc__.splitlines()[0])
    parser.add_argument("--demo", action="store_true", help="run against the local simulators, in ./data/demo")
    parser.add_argument("--source", choices=SOURCES, action="append",
                        help="only this source (repeatable; default: every configured source)")
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: --help is 0, bad usage 2
        return exc.code if isinstance(exc.code, int) else 2
    with demo_environment() if args.demo else contextlib.nullcontext():
        try:
            settings = get_settings()
            setup_logging("daily_pipeline", settings, own=True)
            removed = prune_logs(settings)
            if removed:
                log.info("logs: removed %d files older than %d days", len(removed), retention_days(settings))
            sources = args.source or configured(settings)
            if not sources:
                raise SettingsError("no source is configured: set PIPEDRIVE_* and/or ZENDESK_* (see .env.example)")
            log.info("daily pipeline: sources %s", ", ".join(sources))
            with single_instance(settings) as conn:
                code = run_stages(conn, sources)
                if args.demo:
                    summary(settings)
                return code
        except SettingsError as exc:
            print(f"configuration error: {exc}", file=sys.stderr)
            return 2
        except RuntimeError as exc:
            log.error("%s", exc)
            return 1
        finally:
            release_logging()


if __name__ == "__main__":
    sys.exit(main())
