"""The generic stg -> core normalizer: newest version of each record, cast to core types, upserted set-based.

Data flow: stg_{source}.{entity}_raw (rows with _load_id in (last normalized, max]) -> temp view `batch`
           (newest version per scope x record_id) -> normalize/{source}/{core_table}.sql (renaming, text out)
           -> casts chosen from the core column types (util.try_*) -> core.{core_table} upsert
           -> meta.normalize_state + meta.pipeline_runs, all in one transaction per entity.
Run standalone: python -m normalize.normalize_pipedrive [--entity deals]... [--full]

Source-agnostic; a source supplies its entity table (in normalize order) and its SQL folder. Each
entity's core_tables are CoreTable rows (lake/entities.py) saying how the table is written:
- upsert (default): the SQL file is a SELECT over `batch` whose columns are named as in the core table,
  as text (or already in the core type). The engine casts each text column with the util.try_* function
  for its core type, so types live in one place (the DDL). A value that does not cast becomes NULL and a
  meta.rejected_rows row (reason_code 'bad_type', detail '<column>: <value>', is_repaired true); the run
  goes on. In a NOT NULL column with a default (is_deleted) it becomes the default instead, so one bad
  value cannot fail the whole entity on every run. Upsert by primary key, only when the incoming version
  (_source_updated_at, then _blob_path, _line_no: bronze paths sort chronologically) is not older than the
  stored one, so replaying old bronze never regresses a row; a row that would not change is not written
  (_updated_at stays).
- script: the SQL file writes the table itself, from temp view `winners` (this run's versions that
  are now stored in the entity's first core table), e.g. long tables replaced per record.
- then: a script run after an upsert, with temp table `changed` (keys of the rows it wrote).
- refs: after the upsert, every id the written rows point at gets a member in the table pointed at
  (normalize/members.py), so Power BI's inner joins on member keys lose no fact. The engine adds
  scope_key and is_inferred false to every transform whose table has them.
- pivots: after the step, the custom-field tables it lists get columns for new fields and rows for the
  records the step's scripts put in temp table _nz_pivot_records (normalize/pivots.py).
Temp views for SQL files: batch, winners, stg_source (every version, for history lookups); `batch` has
the stg columns plus _entity (the stg entity name). Memory stays flat: all the work happens in PostgreSQL.
dim_date is extended within the same transaction from every date/timestamptz column the step wrote.
An entity with a Sweep then applies its pending deletion sweeps to its first core table, in the same
transaction and even when no stg row is new (normalize/sweeps.py); the rows flagged count in rows_out.
The advisory lock 'load:{source}' (held by the loader too) keeps normalize off half-committed loads.
"""
from __future__ import annotations

import functools
import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Sequence

import psycopg2
from psycopg2 import sql

from lake.db import advisory_lock
from lake.entities import CoreTable, Entity
from lake.progress import heartbeat
from lake.runs import finish_run, start_run
from lake.sources import source_entities
from normalize.members import ensure_members
from normalize.pivots import refresh_pivots
from normalize.sweeps import apply_sweeps

log = logging.getLogger(__name__)

SQL_ROOT = Path(__file__).resolve().parent
ENGINE_SQL = SQL_ROOT / "sql"  # the engine's own statements; identifiers filled in with psycopg2.sql
# core column type -> safe cast for text produced by a transform (sql/20_util/safe_casts.sql)
CASTS = {"bigint": "try_bigint", "integer": "try_int", "numeric": "try_numeric", "boolean": "try_boolean",
         "date": "try_date", "time without time zone": "try_time", "timestamp with time zone": "try_timestamptz"}
LINEAGE = ("_source_updated_at", "_blob_path", "_line_no")
DETAIL_VALUE_CHARS = 200  # a rejected value is quoted in meta.rejected_rows.detail up to this length
# A step that wrote at least this many rows analyzes its table before the next step or run probes it:
# autovacuum comes later, and a planner that still believes the table empty picks any index that
# matches a key prefix (a scan per probe instead of one lookup).
ANALYZE_AFTER_ROWS = 10_000


class NormalizeError(Exception):
    """A transform and its core table do not fit (missing key or lineage column, unsupported type). Fatal
    for the entity: nothing of it is written, its run is 'failed'."""


@dataclass
class EntityResult:
    source: str
    entity: str
    status: str = "success"            # success | failed (meta.pipeline_runs vocabulary)
    rows_in: int = 0                   # stg rows read (every version in the window)
    rows_out: int = 0                  # core rows written (inserted, updated or deleted)
    rows_rejected: int = 0             # stg rows with a value that did not cast
    load_id_before: int = 0
    load_id_after: int = 0
    error: str | None = None


@functools.cache
def read_sql(folder: Path, name: str) -> str:
    return (folder / f"{name}.sql").read_text(encoding="utf-8")


def _template(name: str, **identifiers: sql.Composable) -> sql.Composable:
    return sql.SQL(read_sql(ENGINE_SQL, name)).format(**identifiers)


def normalize_source(conn, source: str, entities: Sequence[Entity], *, full: bool = False,
                     sql_dir: Path | None = None, batch_id: str | None = None) -> list[EntityResult]:
    """Normalize each entity (in the order given) in its own transaction; a failed entity is rolled back,
    recorded, and the next one still runs. full=True reads every stg row instead of the new ones."""
    folder = sql_dir or SQL_ROOT / source
    tables = {t.name: t for e in (*source_entities(source), *entities) for t in e.core_tables}
    with advisory_lock(conn, f"load:{source}"):
        return [_entity(conn, source, e, full, folder, batch_id, tables) for e in entities]


def _entity(conn, source, entity, full, folder, batch_id, tables) -> EntityResult:
    result = EntityResult(source, entity.name)
    started = time.monotonic()
    names = {"source": source, "entity": entity.name}
    # normalize covers every scope at once: the run row's scope stays null
    run_id = start_run(conn, stage="normalize", source=source, entity=entity.name, batch_id=batch_id)
    try:
        with conn.cursor() as cur:
            stg = sql.Identifier(f"stg_{source}", entity.stg_table)
            after = _read_window(cur, stg, names, full, result)
            if result.rows_in:
                cur.execute(_template("keys", stg=stg), {**names, "after": after, "upto": result.load_id_after})
                cur.execute("CREATE TEMP TABLE _nz_pivot_records (scope text, entity text, record_id bigint) "
                            "ON COMMIT DROP")
                specs = entity.core_tables
                for i, spec in enumerate(specs):
                    winners = i == 0 and any(s.script for s in specs[1:])
                    with heartbeat(f"{source}.{entity.name} normalize {spec.name} ({result.rows_in:,} stg rows)"):
                        _table_step(cur, names, spec, folder, result, tables, winners=winners, full=full)
                _drop(cur, views=("winners", "batch", "stg_source"), tables=("_nz_won", "_nz_keys"))
                cur.execute(read_sql(ENGINE_SQL, "state"), {**names, "load_id_after": result.load_id_after})
            if entity.sweep is not None:  # even with no new stg rows: a sweep's records may all be known
                _sweep_step(cur, entity, result, full)
            _finish_run(cur, run_id, result)
        conn.commit()
    except (psycopg2.Error, NormalizeError, OSError) as exc:
        conn.rollback()
        result.status, result.error = "failed", f"{type(exc).__name__}: {str(exc).strip()}"
        log.error("%s.%s normalize failed: %s", source, entity.name, result.error)
        with conn.cursor() as cur:
            _finish_run(cur, run_id, result)
        conn.commit()
    log.info("%s.%s normalize rows_in=%d rows_out=%d rejected=%d load_id %d -> %d%s in %.1f s",
             source, entity.name, result.rows_in, result.rows_out, result.rows_rejected, result.load_id_before,
             result.load_id_after, " (full)" if full else "", time.monotonic() - started)
    return result


def _read_window(cur, stg, names, full, result) -> int:
    """Sets the window (last normalized, max _load_id now] and rows_in; returns the lower bound (exclusive).
    Under the advisory lock no load can commit meanwhile, so nothing lands inside the window later."""
    cur.execute("SELECT last_load_id FROM meta.normalize_state WHERE source = %(source)s AND entity = %(entity)s",
                names)
    row = cur.fetchone()
    result.load_id_before = row[0] if row else 0
    after = -1 if full else result.load_id_before
    cur.execute(sql.SQL("SELECT max(_load_id) FROM {}").format(stg))
    result.load_id_after = max(cur.fetchone()[0] or 0, result.load_id_before)
    cur.execute(sql.SQL("SELECT count(*) FROM {} WHERE _load_id > %s AND _load_id <= %s").format(stg),
                (after, result.load_id_after))
    result.rows_in = cur.fetchone()[0]
    return after


def _table_step(cur, names, spec, folder, result, tables, *, winners, full) -> None:
    _write_table(cur, names, spec, folder, result, tables, winners=winners, full=full)
    if spec.pivots:  # not counted in rows_out: derived from the rows the step wrote
        written = refresh_pivots(cur, spec.pivots, folder, _primary_key)
        cur.execute("TRUNCATE _nz_pivot_records")
        if written:
            log.info("%s.%s normalize %s: %d custom-field table rows written", names["source"], names["entity"],
                     ", ".join(p.table for p in spec.pivots), written)
        for pivot in spec.pivots:
            _analyze_if_big(cur, pivot.table, written)


def _write_table(cur, names, spec, folder, result, tables, *, winners, full) -> None:
    text = read_sql(folder, spec.name)
    if spec.script:
        cur.execute(text)
        written = cur.fetchone()[0]
        result.rows_out += written
        _analyze_if_big(cur, spec.name, written)
        return
    table = sql.Identifier("core", spec.name)
    core, pk = _columns(cur, "core", spec.name), _primary_key(cur, spec.name)
    cur.execute(sql.SQL("CREATE TEMP VIEW _nz_source AS {}").format(sql.SQL(text)))
    cur.execute(_renamed_sql(core))
    given = _columns(cur, _temp_schema(cur), "_nz_renamed")
    _check_fit(spec.name, core, pk, given)
    cur.execute(_typed_sql(core, given, _not_null_defaults(cur, spec.name)))
    cur.execute("ANALYZE _nz_typed")
    cur.execute(_template("rejects", key_present=_key_present(pk)), names)
    cur.execute("SELECT count(*) FROM _nz_typed WHERE _bad <> ''")
    result.rows_rejected += cur.fetchone()[0]
    cur.execute(sql.SQL("CREATE TEMP TABLE changed AS SELECT {}, _blob_path, _line_no FROM {} WITH NO DATA")
                .format(_ids(pk), table))
    cur.execute(_upsert_sql(table, spec, list(given), pk))
    result.rows_out += cur.rowcount
    _analyze_if_big(cur, spec.name, cur.rowcount)
    _extend_dim_date(cur, core, given)
    if spec.refs:  # not counted in rows_out: members stand for records, they are not records
        members = ensure_members(cur, spec, tables, _primary_key, full=full, template=_template)
        if members:
            log.info("%s.%s normalize %s: %d inferred members added", names["source"], names["entity"],
                     spec.name, members)
    if winners:
        won = sql.SQL("SELECT _blob_path, _line_no FROM changed") if not full else sql.SQL(
            "SELECT t._blob_path, t._line_no FROM _nz_typed t JOIN {} c ON {} "
            "WHERE c._blob_path = t._blob_path AND c._line_no = t._line_no").format(table, _match("c", "t", pk))
        cur.execute(_template("winners", won=won))
    if spec.then:
        cur.execute(read_sql(folder, spec.then))
        result.rows_out += cur.fetchone()[0]
    _drop(cur, views=("_nz_renamed", "_nz_source"), tables=("_nz_typed", "changed"))


def _renamed_sql(core: Mapping[str, str]) -> sql.Composable:
    """Temp view _nz_renamed: the transform's columns plus those every keyed core table has and no
    transform states: scope_key (high bits of the generated member keys) and is_inferred false (a version
    from the source is never an inferred member)."""
    extra = [sql.SQL("d.scope_key")] if "scope_key" in core else []
    extra += [sql.SQL("false AS is_inferred")] if "is_inferred" in core else []
    if not extra:
        return sql.SQL("CREATE TEMP VIEW _nz_renamed AS SELECT * FROM _nz_source")
    return sql.SQL("CREATE TEMP VIEW _nz_renamed AS SELECT r.*, {} FROM _nz_source r "
                   "JOIN core.dim_scope d ON d.scope = r.scope").format(sql.SQL(", ").join(extra))


def _sweep_step(cur, entity: Entity, result: EntityResult, full: bool) -> None:
    """Apply the entity's pending deletion sweeps to its first core table (normalize/sweeps.py)."""
    table = entity.core_tables[0].name
    key = [c for c in _primary_key(cur, table) if c != "scope"]
    if len(key) != 1:
        raise NormalizeError(f"core.{table}: a swept table needs a key of scope and one id column, not {key}")
    with heartbeat(f"{result.source}.{entity.name} normalize deletion sweep"):
        result.rows_out += apply_sweeps(cur, result.source, entity.name, table, key[0], full)


def _analyze_if_big(cur, table: str, written: int) -> None:
    if written >= ANALYZE_AFTER_ROWS:
        cur.execute(sql.SQL("ANALYZE {}").format(sql.Identifier("core", table)))


def _columns(cur, schema: str, table: str) -> dict[str, str]:
    """{column: type} in table order."""
    cur.execute("""
        SELECT a.attname, format_type(a.atttypid, a.atttypmod)
        FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = %s AND c.relname = %s AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum
    """, (schema, table))
    return dict(cur.fetchall())


def _primary_key(cur, table: str) -> list[str]:
    cur.execute("""
        SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
        WHERE i.indrelid = to_regclass(%s) AND i.indisprimary ORDER BY array_position(i.indkey::int2[], a.attnum)
    """, (f'core."{table}"',))
    return [r[0] for r in cur.fetchall()]


def _not_null_defaults(cur, table: str) -> dict[str, str]:
    """{column: default expression} of the NOT NULL columns that have a default (e.g. is_deleted false)."""
    cur.execute("""
        SELECT a.attname, pg_get_expr(d.adbin, d.adrelid)
        FROM pg_attribute a JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE a.attrelid = to_regclass(%s) AND a.attnotnull AND a.attgenerated = '' AND NOT a.attisdropped
    """, (f'core."{table}"',))
    return dict(cur.fetchall())


def _temp_schema(cur) -> str:
    cur.execute("SELECT nspname FROM pg_namespace WHERE oid = pg_my_temp_schema()")
    return cur.fetchone()[0]


def _check_fit(table, core, pk, given) -> None:
    if not core:
        raise NormalizeError(f"core.{table} does not exist (migrations not applied?)")
    missing = [c for c in (*pk, *LINEAGE) if c not in given]
    unknown = [c for c in given if c not in core]
    if missing or unknown:
        raise NormalizeError(f"normalize SQL for core.{table}: missing columns {missing}, "
                             f"columns not in the table {unknown}")
    for column, kind in given.items():
        if kind != core[column] and not (kind == "text" and core[column] in CASTS) and core[column] != "text":
            raise NormalizeError(f"core.{table}.{column} is {core[column]} but the SQL gives {kind}")


def _typed_sql(core, given, defaults: Mapping[str, str]) -> sql.Composable:
    """CREATE TEMP TABLE _nz_typed: every column in its core type, plus _bad = '<col>: <value>; ...'.
    A NULL in a column of `defaults` (NOT NULL with a default) becomes that default; _bad still says why."""
    inner, checks = [], []
    for column, kind in given.items():
        col, raw, target = sql.Identifier(column), sql.Identifier(column + ":raw"), core[column]
        if kind == target:
            inner.append(col)
        elif kind == "text" and target in CASTS:
            inner.append(sql.SQL("{}({}) AS {}, {} AS {}").format(
                sql.Identifier("util", CASTS[target]), col, col, col, raw))
            checks.append(sql.SQL("CASE WHEN {raw} IS NOT NULL AND {col} IS NULL THEN {label} || left({raw}, {n}) END")
                          .format(raw=raw, col=col, label=sql.Literal(column + ": "), n=sql.Literal(DETAIL_VALUE_CHARS)))
        else:  # anything -> text
            inner.append(sql.SQL("{}::text AS {}").format(col, col))
    bad = sql.SQL("concat_ws('; ', {})").format(sql.SQL(", ").join(checks)) if checks else sql.SQL("''::text")
    # OFFSET 0 fences keep the planner from flattening the subqueries: each JSON value is extracted
    # once (inlined casts name their argument several times) and each cast runs once, not again in _bad.
    return sql.SQL("CREATE TEMP TABLE _nz_typed AS SELECT {outer}, {bad} AS _bad FROM (SELECT {inner} FROM "
                   "(SELECT * FROM _nz_renamed OFFSET 0) AS r OFFSET 0) AS t").format(
                       outer=sql.SQL(", ").join(
                           sql.SQL("coalesce({0}, {1}) AS {0}").format(sql.Identifier(c), sql.SQL(defaults[c]))
                           if c in defaults else sql.Identifier(c) for c in given),
                       bad=bad, inner=sql.SQL(", ").join(inner))


def _upsert_sql(table, spec: CoreTable, columns: list[str], pk: list[str]) -> sql.Composable:
    updated = [c for c in columns if c not in pk and c not in spec.keep_first]
    return _template(
        "upsert", table=table, columns=_ids(columns), t_columns=_ids(columns, "t"), key=_ids(pk),
        key_match=_match("s", "t", pk), first_key=sql.Identifier(pk[0]),
        key_present=_key_present(pk),
        assignments=sql.SQL(", ").join(sql.SQL("{0} = excluded.{0}").format(sql.Identifier(c)) for c in updated),
        t_updated=_ids(updated, "t"), s_updated=_ids(updated, "s"),
        incoming=_ids(updated, "excluded"), stored=_ids(updated, "c"),
        returned=_ids([*pk, "_blob_path", "_line_no"], "c"))


def _key_present(pk: list[str]) -> sql.Composable:
    """'every key column of _nz_typed (alias t) cast': the row can land in its core table."""
    return sql.SQL(" AND ").join(sql.SQL("{} IS NOT NULL").format(sql.Identifier("t", k)) for k in pk)


def _extend_dim_date(cur, core, given) -> None:
    """core.dim_date covers every date written: span of the step's date/timestamptz columns (UTC days), each
    day within the calendar's 1990..2100 (util.report_date): a year 9999 adds nothing, it is not clipped to 2100."""
    days = [sql.SQL("util.report_date({})").format(sql.Identifier(c))
            for c in given if not c.startswith("_") and core[c] in ("date", "timestamp with time zone")]
    if days:
        cur.execute(sql.SQL("SELECT util.extend_dim_date(min(least({d})), max(greatest({d}))) FROM _nz_typed")
                    .format(d=sql.SQL(", ").join(days)))


def _ids(names, alias: str | None = None) -> sql.Composable:
    return sql.SQL(", ").join(sql.Identifier(alias, n) if alias else sql.Identifier(n) for n in names)


def _match(left: str, right: str, columns) -> sql.Composable:
    return sql.SQL(" AND ").join(sql.SQL("{} = {}").format(sql.Identifier(left, c), sql.Identifier(right, c))
                                 for c in columns)


def _drop(cur, *, views=(), tables=()) -> None:
    for kind, names in (("VIEW", views), ("TABLE", tables)):
        for name in names:
            cur.execute(sql.SQL("DROP {} IF EXISTS pg_temp.{}").format(sql.SQL(kind), sql.Identifier(name)))


def _finish_run(cur, run_id: int, r: EntityResult) -> None:
    """The stg _load_id position before/after is the normalize watermark (as text)."""
    ok = r.status == "success"
    finish_run(cur, run_id, status=r.status, rows_in=r.rows_in, rows_out=r.rows_out, rows_rejected=r.rows_rejected,
               error=r.error, watermark_before=str(r.load_id_before),
               watermark_after=str(r.load_id_after if ok else r.load_id_before))
