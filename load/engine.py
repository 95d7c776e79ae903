"""The generic bronze -> stg loader: every complete bronze run not yet loaded, streamed into stg_{source}.{entity}_raw.

Data flow: complete_runs(store, source) -> manifest parts -> iter_lines -> check each line -> COPY text stream
           -> stg_{source}.{entity}_raw  (+ meta.loaded_files, meta.rejected_rows, meta.pipeline_runs)
Run standalone: python -m load.load_pipedrive_stg [--scope S] [--entity E]... [--rebuild]

Source-agnostic: a source hands over its name and entity table; the rest is the same for all.
- Unit of work = one bronze part, in ONE transaction with its meta.loaded_files row and its rejected
  rows, so a crash at any point followed by a rerun converges: nothing lost, nothing twice.
- --rebuild swaps each entity (all its selected scopes) in ONE transaction instead: forget + reload, each
  part a savepoint (load/rebuild.py, load/copy_in.py PartTx), so a failure half-way leaves stg as it was.
- A line identical to the newest stored version of its record is not a new version: it is counted
  (meta.loaded_files.rows_duplicate) but not stored again. The inclusive updated_since boundary and
  every full-refresh entity re-send unchanged records each day; without this, stg would grow by a copy
  of every dimension daily and a quiet run would not be quiet.
- While the stg table held no row of the scope when this invocation began (first load, --rebuild),
  every stored version was written by this invocation: the loader remembers the newest line hash of each
  record it stored (VERSION_MEMO_LIMIT records at most) and COPYs new versions straight into stg,
  skipping repeats in Python. Otherwise (and if the fast COPY hits the primary key, i.e. rows present
  but the ledger row lost, or the memo is full) the part goes the DESIGN §4 way: COPY into a temp table,
  then one INSERT ... SELECT ... ON CONFLICT (_blob_path, _line_no) DO NOTHING that also drops lines
  equal to the newest stored version. Repeats inside one part are skipped in Python on both paths.
- Each part's sha256, byte size and line count are checked against the manifest while streaming; a
  mismatch (or an unreadable part) rolls the part back and fails its run: the rest of that run is not
  loaded, later runs are, the entity's meta.pipeline_runs row says 'failed', the exit code is 1.
- A part or run an operator quarantined (python -m load.quarantine, meta.quarantined_parts) is skipped
  with one warning line per part (counted as quarantined= in the entity's log line), so one object that
  can never load does not fail every daily run. A deletion sweep with a quarantined part is not a
  complete listing: its other parts load as plain versions and the sweep is never applied.
- Memory stays flat: lines are checked and turned into COPY rows one at a time as PostgreSQL reads.
- One load id (meta.load_id_seq) per scope x entity per invocation, stamped on its rows; the loader
  holds advisory lock 'load:{source}' throughout, and normalize takes the same lock, so it never reads
  half of a load id's rows.
- A deletion sweep run (manifest mode 'sweep', extract/sweep.py) loads like any run; in each of its
  parts' transactions the ids of its lines also go to meta.sweep_ids, and the last part decides whether
  the sweep is complete (load/sweeps.py). Normalize then flags what it lacks.
- A lost database session (terminated backend, restart) ends the load with ConnectionLost: one line,
  exit 1; the part in flight was not committed and the next load takes it again.
Reading one part: load/part_stream.py; writing it: load/copy_in.py; line checks and rejected_rows
reason codes: load/lines.py.
"""
from __future__ import annotations

import functools
import logging
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import psycopg2
from psycopg2 import errors, sql
from psycopg2.extras import execute_values

from lake.bronze import BronzeRun, complete_runs
from lake.db import advisory_lock
from lake.logs import first_line
from lake.entities import Entity
from lake.progress import Progress
from lake.runs import finish_run, start_run
from lake.store import Store
from load import held as quarantine
from load.copy_in import ConnectionLost, PartTx, copy_part, is_lost
from load.lines import LineChecker
from load.part_stream import PartStream
from load.rebuild import RebuildRefused, forget, prove_rebuildable  # noqa: F401 (RebuildRefused: load.cli)
from load.sweeps import SweepRun, record_empty, record_part, sweep_of

log = logging.getLogger(__name__)

SQL_DIR = Path(__file__).with_name("sql")
MAX_DB_REJECTS = 20        # lines PostgreSQL refuses that our checks passed, per part, before giving up
VERSION_MEMO_LIMIT = 1_500_000  # records remembered on the fast path (~110 bytes each); then the merge path


class PartFailed(Exception):
    """A bronze part does not match its manifest or cannot be read: its run fails, nothing of it loads."""


@dataclass
class EntityResult:
    source: str
    scope: str | None
    entity: str
    status: str = "success"          # success | failed
    load_id: int | None = None
    files: int = 0                   # parts loaded by this invocation
    skipped: int = 0                 # parts already in meta.loaded_files
    quarantined: int = 0             # parts skipped because quarantined (meta.quarantined_parts)
    rows_in: int = 0                 # lines read
    rows_out: int = 0                # stg rows inserted
    duplicates: int = 0              # lines equal to the newest stored version of their record
    rejected: int = 0                # lines not loaded (meta.rejected_rows, is_repaired false)
    repaired: int = 0                # lines loaded after a repair (meta.rejected_rows, is_repaired true)
    error: str | None = None


@dataclass
class _Job:
    """One entity x scope of this invocation: its runs, its meta.pipeline_runs row, its result."""
    entity: Entity
    runs: list[BronzeRun]
    result: EntityResult
    run_row: int
    current: str = ""                # the part being loaded, for a lost connection's message
    failures: list[str] = field(default_factory=list)


@functools.cache
def _query(name: str) -> str:
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


def load_source(conn, store: Store, source: str, entities: Sequence[Entity], *, scope: str | None = None,
                rebuild: bool = False) -> list[EntityResult]:
    """Load every complete, not yet loaded bronze run of `entities` (one scope, or all) into stg_{source}.

    rebuild: forget the selected stg rows and their ledger/rejected rows and load everything again, one
    transaction per entity (a failure leaves that entity as it was).
    Errors in the data are recorded in the results; database errors propagate (ConnectionLost when the
    session died)."""
    prepare_session(conn)
    results = []
    with advisory_lock(conn, f"load:{source}"):
        runs = complete_runs(store, source, scope)
        if rebuild:
            prove_rebuildable(conn, store, source, entities, scope, runs)
        for entity in entities:
            table = sql.Identifier(f"stg_{source}", entity.stg_table)
            mine = [r for r in runs if r.entity == entity.name]
            # A pipeline_runs row even when bronze holds nothing for the entity (scope NULL: none found).
            scopes = [scope] if scope else sorted({r.scope for r in mine}) or [None]
            if rebuild:
                jobs = [_start(conn, entity, source, s, mine) for s in scopes]
                _swap(conn, store, table, jobs, scope)
            else:
                jobs = []
                for each_scope in scopes:
                    jobs.append(_start(conn, entity, source, each_scope, mine))
                    _load_job(conn, store, table, jobs[-1], PartTx(conn))
            results += [job.result for job in jobs]
    return results


def prepare_session(conn) -> None:
    """Session settings every stg write uses (the benchmark's COPY baseline too, to compare like with like)."""
    conn.set_client_encoding("UTF8")  # COPY rows are UTF-8 bytes
    with conn.cursor() as cur:
        try:
            # Docs over ~2 kB get compressed on insert: lz4 is several times faster than the default
            # pglz and made the load ~25 % faster in the benchmark. A server built without lz4 keeps pglz.
            cur.execute("SET default_toast_compression = 'lz4'")
            conn.commit()  # a SET is undone with its transaction
        except (errors.InvalidParameterValue, errors.UndefinedObject):
            conn.rollback()
            log.info("this PostgreSQL has no lz4; docs are compressed with pglz")


def _start(conn, entity: Entity, source: str, scope: str | None, runs: list[BronzeRun]) -> _Job:
    """A load id and a committed 'running' meta.pipeline_runs row for one entity x scope."""
    result = EntityResult(source, scope, entity.name)
    with conn.cursor() as cur:  # taken under the 'load:{source}' lock, so load ids commit in order
        cur.execute("SELECT nextval('meta.load_id_seq')")
        result.load_id = cur.fetchone()[0]
    run_row = start_run(conn, stage="load", source=source, scope=scope, entity=entity.name, load_id=result.load_id)
    return _Job(entity, [r for r in runs if r.scope == scope], result, run_row)


def _swap(conn, store: Store, table, jobs: list[_Job], scope: str | None) -> None:
    """--rebuild of one entity: forget and reload every selected scope in ONE transaction. Any failure (a
    part unreadable after all, a database error) rolls back to the old stg rows, ledger and rejected rows;
    a lost session or a killed process does the same on the server's side."""
    source, entity = jobs[0].result.source, jobs[0].entity
    tx = PartTx(conn, swap=True)
    try:
        forget(conn, table, source, entity.name, scope)
        for job in jobs:
            _load_job(conn, store, table, job, tx)
    except ConnectionLost as exc:  # the server rolled the whole swap back
        raise ConnectionLost(f"{exc}; the --rebuild of {source}.{entity.name} was rolled back whole, its old stg "
                             "rows, ledger and rejected rows are kept") from exc
    except Exception as exc:
        if is_lost(conn):
            raise ConnectionLost(f"the database connection was lost during the --rebuild of {source}.{entity.name} "
                                 f"({first_line(exc)}); it was rolled back whole, its old stg rows, ledger and "
                                 "rejected rows are kept") from exc
        conn.rollback()
        why = (f"{exc} (a part that can never load: python -m load.quarantine, then rebuild)"
               if isinstance(exc, PartFailed) else f"{type(exc).__name__}: {first_line(exc)}")
        for job in jobs:  # nothing of the reload stayed: counts back to zero, each row says why
            job.result = EntityResult(source, job.result.scope, entity.name, load_id=job.result.load_id)
            _finish(conn, job, [f"rebuild rolled back, the old stg rows, ledger and rejected rows are kept: {why}"])
        if not isinstance(exc, PartFailed):
            raise
        return
    for job in jobs:  # the run rows say success in the transaction that holds the new rows
        _finish(conn, job, job.failures, commit=False)
    conn.commit()
    for job in jobs:
        _log_result(job.result)


def _load_job(conn, store: Store, table, job: _Job, tx: PartTx) -> None:
    """Every part of the job's runs not loaded yet. tx.swap (a rebuild): inside the caller's transaction,
    and the first failure is raised to the caller; otherwise each part commits and a failed run is
    recorded on the job while later runs still load."""
    result, entity, scope, source = job.result, job.entity, job.result.scope, job.result.source
    if tx.swap:  # forgotten in this very transaction: nothing loaded, nothing to deduplicate against
        loaded, fast = set(), True
    else:
        with conn.cursor() as cur:
            cur.execute("SELECT blob_path FROM meta.loaded_files WHERE source = %s AND scope = %s AND entity = %s",
                        (source, scope, entity.name))
            loaded = {path for (path,) in cur}
            # one index probe: is there anything to deduplicate against?
            cur.execute(sql.SQL("SELECT EXISTS (SELECT 1 FROM {} WHERE scope = %s)").format(table), (scope,))
            fast = not cur.fetchone()[0]
    held = quarantine.held(conn, source, scope, entity.name)
    if not tx.swap:
        conn.commit()
    checker = LineChecker(entity)
    memo: dict[bytes, int] = {}  # fast path: record_id -> hash of the newest line this invocation stored
    plan = [(run, _planned_parts(store, run)) for run in job.runs]  # manifests are small: read them first for a total
    todo = sum(p["rows"] for _, planned in plan if not isinstance(planned, PartFailed)
               for p in planned[0] if p["path"] not in loaded and quarantine.reason(held, p["path"]) is None)
    progress = Progress(f"{source}.{entity.name} scope={scope or '*'} load", todo or None, unit="lines")
    try:
        for run, planned in plan:
            try:
                folder = run.manifest_path.rpartition("/")[0] + "/"
                if folder in held:
                    parts = None if isinstance(planned, PartFailed) else planned[0]
                    result.quarantined += quarantine.skip_run(folder, parts, loaded, held[folder])
                    continue
                if isinstance(planned, PartFailed):
                    raise planned
                parts, sweep = planned
                if sweep is not None and any(quarantine.reason(held, p["path"]) is not None for p in parts):
                    log.warning("%s: a deletion sweep with quarantined parts is not a complete listing; its other "
                                "parts load as plain versions and the sweep is never applied", folder)
                    sweep = None
                checker.start_run(run.run_id)
                for n, part in enumerate(parts):
                    if part["path"] in loaded:
                        result.skipped += 1
                        continue
                    if (why := quarantine.reason(held, part["path"])) is not None:
                        quarantine.skip_part(part["path"], why)
                        result.quarantined += 1
                        continue
                    if fast and len(memo) > VERSION_MEMO_LIMIT:
                        fast, memo = False, {}
                    job.current = part["path"]
                    newest, fast = _load_part(conn, store, table, run, part, checker, result, fast, memo, tx,
                                              sweep=sweep, last=n == len(parts) - 1)
                    progress.add(part["rows"])
                    if fast:
                        memo.update(newest)
                if sweep is not None and not parts:
                    tx.begin()
                    with conn.cursor() as cur:
                        record_empty(cur, sweep)
                    tx.done()
            except PartFailed as exc:
                if tx.swap:
                    raise
                log.error("%s.%s scope=%s run %s failed, rest of the run not loaded: %s (if it can never load, "
                          "set it aside: python -m load.quarantine --help)", source, entity.name, scope, run.run_id, exc)
                job.failures.append(str(exc))
    except (ConnectionLost, PartFailed):
        raise
    except Exception as exc:  # a database or programming error: record it on the run row, then re-raise
        if is_lost(conn):
            raise ConnectionLost(f"the database connection was lost while loading {job.current or entity.name} "
                                 f"({first_line(exc)}); rerun the load (the ledger makes that safe)") from exc
        if tx.swap:
            raise
        conn.rollback()
        job.failures.append(f"{type(exc).__name__}: {exc}".strip())
        _finish(conn, job, job.failures)
        raise
    finally:
        progress.close()
    if not tx.swap:
        _finish(conn, job, job.failures)


def _planned_parts(store: Store, run: BronzeRun) -> tuple[list[dict], SweepRun | None] | PartFailed:
    """The run's parts and, for a deletion sweep, its SweepRun; or the PartFailed its manifest raises
    (the run then fails when its turn comes)."""
    try:
        return _manifest_parts(store, run)
    except PartFailed as exc:
        return exc


def _finish(conn, job: _Job, failures: list[str], *, commit: bool = True) -> None:
    result = job.result
    result.status = "failed" if failures else "success"
    result.error = "; ".join(failures) or None
    with conn.cursor() as cur:
        finish_run(cur, job.run_row, status=result.status, rows_in=result.rows_in, rows_out=result.rows_out,
                   rows_rejected=result.rejected, error=result.error)
    if commit:
        conn.commit()
        _log_result(result)


def _log_result(result: EntityResult) -> None:
    log.info("%s.%s scope=%s files=%d skipped=%d rows=%d loaded=%d duplicates=%d rejected=%d repaired=%d "
             "quarantined=%d load_id=%s status=%s", result.source, result.entity, result.scope or "*", result.files,
             result.skipped, result.rows_in, result.rows_out, result.duplicates, result.rejected, result.repaired,
             result.quarantined, result.load_id, result.status)


def _manifest_parts(store: Store, run: BronzeRun) -> tuple[list[dict], SweepRun | None]:
    try:
        manifest = run.manifest(store)
        parts, sweep = manifest["parts"], sweep_of(run, manifest)
        incomplete = [p.get("path", "?") for p in parts if not {"path", "rows", "bytes", "sha256"} <= p.keys()]
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise PartFailed(f"{run.manifest_path}: unreadable manifest ({type(exc).__name__}: {exc})") from exc
    if incomplete:
        raise PartFailed(f"{run.manifest_path}: parts without path/rows/bytes/sha256: {incomplete}")
    return parts, sweep


def _load_part(conn, store: Store, table, run: BronzeRun, part: dict, checker: LineChecker,
               result: EntityResult, fast: bool, memo: dict[bytes, int], tx: PartTx, *,
               sweep: SweepRun | None = None, last: bool = False) -> tuple[dict[bytes, int], bool]:
    """One part, one unit of work (tx): stg rows + ledger row + rejected rows (+ a sweep's ids), or nothing.
    Returns the part's newest line hash per record (for the memo) and whether the fast path still holds."""
    head = b"".join(checker.copy_field(v) + b"\t" for v in (run.scope, part["path"], str(result.load_id)))
    refused: dict[int, str] = {}  # line_no -> PostgreSQL's reason, for lines COPY refused
    # A retry either switches fast -> merge (once) or sets one more refused line aside (at most
    # MAX_DB_REJECTS, then it raises), so this many attempts always suffice.
    attempts = MAX_DB_REJECTS + 2
    for _ in range(attempts):
        stream = PartStream(store, part["path"], head, checker, refused, memo if fast else None,
                            collect_ids=sweep is not None and sweep.listed_to_end)
        tx.begin()
        try:
            inserted = copy_part(conn, table, stream, fast, part["path"])
        except errors.UniqueViolation:
            tx.undo()
            if not fast:
                raise
            log.warning("%s: rows already in %s without a ledger row; merging instead", part["path"],
                        table.as_string(conn))
            fast = False
            continue
        except psycopg2.DataError as exc:
            tx.undo()
            line_no = stream.line_for_copy_error(exc)
            if line_no is None or line_no in refused or len(refused) >= MAX_DB_REJECTS:
                raise
            refused[line_no] = exc.diag.message_primary or str(exc)
            continue
        except psycopg2.Error:
            tx.undo()
            failure = stream.failure  # the read side failed; libpq only reports "error in .read() call"
            if isinstance(failure, (OSError, EOFError, zlib.error)):  # missing, truncated, not gzip
                raise PartFailed(f"{part['path']}: unreadable ({type(failure).__name__}: {failure})") from failure
            if failure is not None:
                raise failure
            raise
        break
    else:
        raise PartFailed(f"{part['path']}: still failing after {attempts} attempts")
    duplicates = stream.lines - inserted - sum(not r.is_repaired for r in stream.rejects)
    mismatch = stream.mismatch(part)
    if mismatch:
        tx.undo()
        raise PartFailed(f"{part['path']}: does not match its manifest ({mismatch}); nothing of it was loaded")
    with conn.cursor() as cur:
        if stream.rejects:
            execute_values(cur, _query("record_rejects"), [
                (result.load_id, run.source, run.scope, run.entity, r.reason_code, r.detail, r.raw_text,
                 r.is_repaired, part["path"], r.line_no) for r in stream.rejects], page_size=500)
        cur.execute(_query("record_file"), {
            "blob_path": part["path"], "load_id": result.load_id, "source": run.source, "scope": run.scope,
            "entity": run.entity, "run_id": run.run_id, "sha256": stream.digest.hexdigest(),
            "rows": stream.lines, "bytes": stream.raw_bytes, "rows_duplicate": duplicates})
        if sweep is not None:
            record_part(cur, sweep, stream.ids, stream.lines, last)
    tx.done()
    result.files += 1
    result.rows_in += stream.lines
    result.rows_out += inserted
    result.duplicates += duplicates
    result.rejected += sum(not r.is_repaired for r in stream.rejects)
    result.repaired += sum(r.is_repaired for r in stream.rejects)
    return stream.newest, fast
