"""The generic bronze -> stg loader: every complete bronze run not yet loaded, streamed into stg_{source}.{entity}_raw.

Data flow: complete_runs(store, source) -> manifest parts -> iter_lines -> check each line -> COPY text stream
           -> stg_{source}.{entity}_raw  (+ meta.loaded_files, meta.rejected_rows, meta.pipeline_runs)
Run standalone: python -m load.load_pipedrive_stg [--scope S] [--entity E]... [--rebuild]

Source-agnostic: a source hands over its name and entity table; the rest is the same for all.
- Unit of work = one bronze part, in ONE transaction with its meta.loaded_files row and its rejected
  rows, so a crash at any point followed by a rerun converges: nothing lost, nothing twice.
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
- Memory stays flat: lines are checked and turned into COPY rows one at a time as PostgreSQL reads.
- One load id (meta.load_id_seq) per scope x entity per invocation, stamped on its rows; the loader
  holds advisory lock 'load:{source}' throughout, and normalize takes the same lock, so it never reads
  half of a load id's rows.
- A deletion sweep run (manifest mode 'sweep', extract/sweep.py) loads like any run; in each of its
  parts' transactions the ids of its lines also go to meta.sweep_ids, and the last part decides whether
  the sweep is complete (load/sweeps.py). Normalize then flags what it lacks.
Reading one part: load/part_stream.py; line checks and rejected_rows reason codes: load/lines.py.
"""
from __future__ import annotations

import functools
import logging
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import psycopg2
from psycopg2 import errors, sql
from psycopg2.extras import execute_values

from lake.bronze import BronzeRun, complete_runs
from lake.db import advisory_lock
from lake.entities import Entity
from lake.progress import Progress
from lake.runs import finish_run, start_run
from lake.store import Store
from load.lines import LineChecker
from load.part_stream import PartStream
from load.sweeps import SweepRun, record_empty, record_part, sweep_of

log = logging.getLogger(__name__)

SQL_DIR = Path(__file__).with_name("sql")
MAX_DB_REJECTS = 20        # lines PostgreSQL refuses that our checks passed, per part, before giving up
VERSION_MEMO_LIMIT = 1_500_000  # records remembered on the fast path (~110 bytes each); then the merge path
COLUMNS = ("scope", "_blob_path", "_load_id", "record_id", "source_updated_at", "_line_no", "doc")


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
    rows_in: int = 0                 # lines read
    rows_out: int = 0                # stg rows inserted
    duplicates: int = 0              # lines equal to the newest stored version of their record
    rejected: int = 0                # lines not loaded (meta.rejected_rows, is_repaired false)
    repaired: int = 0                # lines loaded after a repair (meta.rejected_rows, is_repaired true)
    error: str | None = None


@functools.cache
def _query(name: str) -> str:
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


def load_source(conn, store: Store, source: str, entities: Sequence[Entity], *, scope: str | None = None,
                rebuild: bool = False) -> list[EntityResult]:
    """Load every complete, not yet loaded bronze run of `entities` (one scope, or all) into stg_{source}.

    rebuild: first forget the selected stg rows and their ledger/rejected rows, then load everything again.
    Errors in the data are recorded in the results; database errors propagate."""
    prepare_session(conn)
    results = []
    with advisory_lock(conn, f"load:{source}"):
        runs = complete_runs(store, source, scope)
        if rebuild:
            _prove_rebuildable(conn, store, source, entities, scope, runs)
        for entity in entities:
            table = sql.Identifier(f"stg_{source}", entity.stg_table)
            if rebuild:
                _forget(conn, table, source, entity.name, scope)
            mine = [r for r in runs if r.entity == entity.name]
            # A pipeline_runs row even when bronze holds nothing for the entity (scope NULL: none found).
            for each_scope in [scope] if scope else sorted({r.scope for r in mine}) or [None]:
                results.append(_load_entity(conn, store, table, source, entity, each_scope,
                                            [r for r in mine if r.scope == each_scope]))
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


class RebuildRefused(Exception):
    """--rebuild would replace stg rows with bronze it cannot read: nothing was changed."""


def _prove_rebuildable(conn, store: Store, source: str, entities: Sequence[Entity], scope: str | None,
                       runs: list[BronzeRun]) -> None:
    """A rebuild forgets stg and reloads it from bronze, so every part the ledger says was loaded must be
    listed by a complete run and start as a gzip stream, before anything is forgotten. A mistyped
    LAKE_ROOT or a lost part would otherwise turn a rebuild into the loss of every version that only
    lived there."""
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


def _forget(conn, table: sql.Composable, source: str, entity: str, scope: str | None) -> None:
    with conn.cursor() as cur:
        if scope is None:  # TRUNCATE instead of a long DELETE; same transaction as the ledger deletes
            cur.execute(sql.SQL("TRUNCATE {}").format(table))
        cur.execute(sql.SQL(_query("rebuild_clear")).format(table=table),
                    {"source": source, "entity": entity, "scope": scope})
    conn.commit()
    log.info("%s.%s scope=%s rebuild: stg rows, ledger and rejected rows cleared", source, entity, scope or "*")


def _load_entity(conn, store: Store, table, source: str, entity: Entity, scope: str | None,
                 runs: list[BronzeRun]) -> EntityResult:
    result = EntityResult(source, scope, entity.name)
    with conn.cursor() as cur:  # taken under the 'load:{source}' lock, so load ids commit in order
        cur.execute("SELECT nextval('meta.load_id_seq')")
        result.load_id = cur.fetchone()[0]
    run_row = start_run(conn, stage="load", source=source, scope=scope, entity=entity.name, load_id=result.load_id)
    with conn.cursor() as cur:
        cur.execute("SELECT blob_path FROM meta.loaded_files WHERE source = %s AND scope = %s AND entity = %s",
                    (source, scope, entity.name))
        loaded = {path for (path,) in cur}
        conn.commit()
    checker = LineChecker(entity)
    failures = []
    with conn.cursor() as cur:  # one index probe: is there anything to deduplicate against?
        cur.execute(sql.SQL("SELECT EXISTS (SELECT 1 FROM {} WHERE scope = %s)").format(table), (scope,))
        fast = not cur.fetchone()[0]
        conn.commit()
    memo: dict[bytes, int] = {}  # fast path: record_id -> hash of the newest line this invocation stored
    plan = [(run, _planned_parts(store, run)) for run in runs]  # manifests are small: read them first for a total
    todo = sum(p["rows"] for _, planned in plan if not isinstance(planned, PartFailed)
               for p in planned[0] if p["path"] not in loaded)
    progress = Progress(f"{source}.{entity.name} scope={scope or '*'} load", todo or None, unit="lines")
    try:
        for run, planned in plan:
            try:
                if isinstance(planned, PartFailed):
                    raise planned
                parts, sweep = planned
                checker.start_run(run.run_id)
                for n, part in enumerate(parts):
                    if part["path"] in loaded:
                        result.skipped += 1
                        continue
                    if fast and len(memo) > VERSION_MEMO_LIMIT:
                        fast, memo = False, {}
                    newest, fast = _load_part(conn, store, table, run, part, checker, result, fast, memo,
                                              sweep=sweep, last=n == len(parts) - 1)
                    progress.add(part["rows"])
                    if fast:
                        memo.update(newest)
                if sweep is not None and not parts:
                    record_empty(conn, sweep)
            except PartFailed as exc:
                log.error("%s.%s scope=%s run %s failed, rest of the run not loaded: %s",
                          source, entity.name, scope, run.run_id, exc)
                failures.append(str(exc))
    except Exception as exc:  # a database or programming error: record it on the run row, then re-raise
        conn.rollback()
        failures.append(f"{type(exc).__name__}: {exc}".strip())
        _finish(conn, run_row, result, failures)
        raise
    finally:
        progress.close()
    _finish(conn, run_row, result, failures)
    return result


def _planned_parts(store: Store, run: BronzeRun) -> tuple[list[dict], SweepRun | None] | PartFailed:
    """The run's parts and, for a deletion sweep, its SweepRun; or the PartFailed its manifest raises
    (the run then fails when its turn comes)."""
    try:
        return _manifest_parts(store, run)
    except PartFailed as exc:
        return exc


def _finish(conn, run_row: int, result: EntityResult, failures: list[str]) -> None:
    result.status = "failed" if failures else "success"
    result.error = "; ".join(failures) or None
    with conn.cursor() as cur:
        finish_run(cur, run_row, status=result.status, rows_in=result.rows_in, rows_out=result.rows_out,
                   rows_rejected=result.rejected, error=result.error)
    conn.commit()
    log.info("%s.%s scope=%s files=%d skipped=%d rows=%d loaded=%d duplicates=%d rejected=%d repaired=%d "
             "load_id=%s status=%s", result.source, result.entity, result.scope or "*", result.files,
             result.skipped, result.rows_in, result.rows_out, result.duplicates, result.rejected, result.repaired,
             result.load_id, result.status)


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
               result: EntityResult, fast: bool, memo: dict[bytes, int], *, sweep: SweepRun | None = None,
               last: bool = False) -> tuple[dict[bytes, int], bool]:
    """One part, one transaction: stg rows + ledger row + rejected rows (+ a sweep's ids), or nothing.
    Returns the part's newest line hash per record (for the memo) and whether the fast path still holds."""
    head = b"".join(checker.copy_field(v) + b"\t" for v in (run.scope, part["path"], str(result.load_id)))
    refused: dict[int, str] = {}  # line_no -> PostgreSQL's reason, for lines COPY refused
    # A retry either switches fast -> merge (once) or sets one more refused line aside (at most
    # MAX_DB_REJECTS, then it raises), so this many attempts always suffice.
    attempts = MAX_DB_REJECTS + 2
    for _ in range(attempts):
        stream = PartStream(store, part["path"], head, checker, refused, memo if fast else None,
                            collect_ids=sweep is not None and sweep.listed_to_end)
        try:
            inserted = _copy(conn, table, stream, fast)
        except errors.UniqueViolation:
            conn.rollback()
            if not fast:
                raise
            log.warning("%s: rows already in %s without a ledger row; merging instead", part["path"],
                        table.as_string(conn))
            fast = False
            continue
        except psycopg2.DataError as exc:
            conn.rollback()
            line_no = stream.line_for_copy_error(exc)
            if line_no is None or line_no in refused or len(refused) >= MAX_DB_REJECTS:
                raise
            refused[line_no] = exc.diag.message_primary or str(exc)
            continue
        except psycopg2.Error:
            conn.rollback()
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
        conn.rollback()
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
    conn.commit()
    result.files += 1
    result.rows_in += stream.lines
    result.rows_out += inserted
    result.duplicates += duplicates
    result.rejected += sum(not r.is_repaired for r in stream.rejects)
    result.repaired += sum(r.is_repaired for r in stream.rejects)
    return stream.newest, fast


def _copy(conn, table, stream: PartStream, fast: bool) -> int:
    """COPY the part into the stg table (fast) or into a temp table merged by primary key; rows inserted."""
    columns = sql.SQL(", ").join(map(sql.Identifier, COLUMNS))
    target = table if fast else sql.Identifier("_load_part")
    with conn.cursor() as cur:
        if not fast:
            cur.execute(sql.SQL("CREATE TEMP TABLE {} (LIKE {} INCLUDING DEFAULTS) ON COMMIT DROP")
                        .format(target, table))
        cur.copy_expert(sql.SQL("COPY {} ({}) FROM STDIN").format(target, columns).as_string(conn),
                        stream, size=PartStream.CHUNK)
        if fast:
            return cur.rowcount
        cur.execute(sql.SQL(_query("merge_part")).format(table=table, part=target))
        return cur.rowcount
