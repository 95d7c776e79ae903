"""The daily runner: extract -> load -> normalize for each source, one instance at a time.

Data flow: scheduler (Task Scheduler / cron) -> main() -> each stage's main(argv) in order -> exit code.
Run standalone: python -m scripts.daily_pipeline [--demo] [--source pipedrive|zendesk]

- Runs every configured source (lake.sources.configured: any PIPEDRIVE_* / ZENDESK_* setting present),
  or those named by --source; none configured is a configuration error (exit 2).
- Logs to logs/daily_pipeline_{date}.log (and the console); dated log files older than
  LOG_RETENTION_DAYS (default 30) are removed at the start of each run.
- A single-instance lock (a PostgreSQL advisory lock, so it also holds across machines sharing the
  database): a second runner exits 1 at once instead of racing the first. Once it holds the lock, the
  'running' rows of a killed earlier run are closed as 'abandoned' (lake/health/runs.py).
- A stage that fails does not stop the later ones: an extract stopped by the daily API budget has
  still committed what it wrote, and loading and normalizing that is what the next morning needs.
  The exit code is 1 if any stage failed.
- A deletion sweep (extract --sweep-deletions) runs after a source's extract when extract.sweep.sweep_due
  says so (SWEEP_DELETIONS_EVERY_DAYS, default 7); its rows are stage 'sweep' in meta.pipeline_runs.
- It ends with the health check (lake/health): the table goes to the log, the rows to meta.health_checks,
  and a warn or fail is sent to the configured alert channels (lake/alerts). Neither changes the exit
  code, which says whether the stages succeeded; the health check's own exit code is the CLI's.
- --demo runs both sources against the loopback simulators with a lake and an embedded PostgreSQL of
  its own under ./data/demo (scope 'demo'), so it works on a fresh machine and never touches real data.
"""
from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import logging
import sys
import time

import psycopg2

from extract.sweep import sweep_due
from lake import db
from lake.alerts import send_alerts
from lake.bronze import read_watermark
from lake.health import run_checks
from lake.health.runs import abandon_dead_runs
from lake.logs import first_line, prune_logs, release_logging, retention_days, setup_logging
from lake.runs import finish_run, start_run
from lake.settings import SettingsError, get_settings
from lake.sources import SOURCES, configured, extractor, stage_mains
from lake.store import open_store
from scripts.demo import demo_env
from scripts.health_check import as_table, fold_ok

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
        with demo_env({"PIPEDRIVE_API_TOKEN__DEMO": DEMO_PIPEDRIVE_TOKEN,
                       "PIPEDRIVE_BASE_URL__DEMO": pipedrive.base_url, "ZENDESK_BASE_URL__DEMO": zendesk.base_url,
                       "ZENDESK_EMAIL__DEMO": DEMO_ZENDESK_EMAIL, "ZENDESK_API_TOKEN__DEMO": DEMO_ZENDESK_TOKEN}):
            yield


def record_extract(conn, results) -> None:
    """Extract needs no database, so the runner writes its meta.pipeline_runs rows for it."""
    for r in results:
        run_id = start_run(conn, stage="sweep" if r.sweep else "extract", source=r.source, scope=r.scope,
                           entity=r.entity)
        with conn.cursor() as cur:
            finish_run(cur, run_id, status=r.status, rows_in=r.rows, rows_out=r.rows,
                       watermark_before=r.watermark_before, watermark_after=r.watermark_after, error=r.error)
        conn.commit()


def run_stages(conn, sources: list[str], settings) -> int:
    failed = []
    for source in sources:
        steps, sweep = [], _sweep_due(settings, source)  # decided before the extract writes any watermark
        for stage, stage_main in stage_mains(source):
            steps.append((stage, stage_main, []))
            if stage == "extract" and sweep:
                steps.append(("sweep", stage_main, ["--sweep-deletions"]))
        for stage, stage_main, argv in steps:
            started = time.monotonic()
            log.info("%s %s: starting", source, stage)
            try:
                if stage in ("extract", "sweep"):
                    results = []
                    code = stage_main(argv, results=results)
                    record_extract(conn, results)
                else:
                    code = stage_main(argv)
            except Exception:  # a stage bug must not hide the later stages' results
                log.exception("%s %s crashed", source, stage)
                code = 1
            log.info("%s %s: exit %d in %.1fs", source, stage, code, time.monotonic() - started)
            if code != 0:
                failed.append(f"{source} {stage} (exit {code})")
    if failed:
        log.error("daily pipeline finished with failures: %s", ", ".join(failed))
        # a stage that refused its configuration makes the run a configuration error: fixing .env, not
        # waiting for tomorrow, is what helps
        return 2 if any(f.endswith("(exit 2)") for f in failed) else 1
    log.info("daily pipeline finished: every stage succeeded")
    return 0


def _sweep_due(settings, source: str) -> bool:
    """A sweep is due every SWEEP_DELETIONS_EVERY_DAYS, but not on a source's first run: its first extract
    reads everything anyway, and a listing of every record on top of it would double the back-fill's cost."""
    spec = extractor(source)
    try:
        store = open_store(settings)
        first = all(read_watermark(store, source, scope, e.name) is None
                    for scope in spec.scopes(settings) for e in spec.entities if e.incremental)
        return not first and sweep_due(settings, spec)
    except (SettingsError, ValueError, OSError) as exc:  # the extract stage reports the same problem itself
        log.warning("%s: cannot tell whether a deletion sweep is due: %s", source, exc)
        return False


def health_and_alerts(settings) -> None:
    """The day's health check, logged and recorded, with alerts on warn or fail. Never raises: a health
    check that cannot run is itself worth an alert line in the log, not a failed pipeline."""
    try:
        conn = db.connect(settings, migrate=False, application_name="datalake-health")
        try:
            rows = run_checks(conn, open_store(settings), settings)
        finally:
            conn.close()
    except Exception as exc:
        log.error("health check could not run: %s: %s", type(exc).__name__, first_line(exc))
        return
    log.info("health check:\n%s", as_table(fold_ok(rows), dt.datetime.now(dt.timezone.utc), None, total=rows))
    for line in send_alerts(rows, settings, title="daily pipeline"):
        log.info("alert %s", line)


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
                abandoned = abandon_dead_runs(conn, list(sources))
                if abandoned:
                    log.warning("closed %d 'running' rows of a run that was killed as 'abandoned': run ids %s",
                                len(abandoned), ", ".join(map(str, abandoned)))
                code = run_stages(conn, sources, settings)
                if args.demo:
                    summary(settings)
                health_and_alerts(settings)
                return code
        except SettingsError as exc:
            print(f"configuration error: {exc}", file=sys.stderr)
            return 2
        except RuntimeError as exc:
            log.error("%s", exc)
            return 1
        except psycopg2.Error as exc:  # the lock lives in the database: no database, no run
            log.error("cannot reach the database, nothing was run: %s", str(exc).strip().splitlines()[0])
            return 1
        finally:
            release_logging()


if __name__ == "__main__":
    sys.exit(main())
