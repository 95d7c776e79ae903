"""Custom fields as columns: keep each custom-field table (one row per record, one column per field) in step
with the long values tables and the field catalogs.

Data flow: normalize/<source>/custom_columns.sql (the catalog's fields and their column types)
           -> new fields: ALTER TABLE core.<pivot> ADD COLUMN, core.custom_columns
           -> temp table _nz_pivot_records (records whose values or labels changed this run, filled by the
              values and catalog scripts) + normalize/<source>/custom_values.sql -> upsert core.<pivot>.
Run standalone: called by normalize/engine.py after a core table step whose CoreTable lists pivots.

Why stored, not a view: DirectQuery sends SQL on every click, and pivoting a long table of 15M values per
visual is the slow path powerbi.md §4.4 warns about. A column is named once, after the field's
first-seen name (lower snake_case, ASCII, unique in its table, never a base column's name), recorded in
core.custom_columns and never renamed or dropped: a report that uses it keeps working when the field is
renamed in the CRM. Its type comes from the field type (custom_columns.sql); a value that does not cast
is NULL here and stays whole in the long table (value_raw).
"""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from psycopg2 import sql

from lake.entities import Pivot

NAME_CHARS = 50                    # leaves room for _currency and a _<n> suffix within 63 bytes
TYPES = {"numeric": "numeric", "money": "numeric", "date": "date", "boolean": "boolean", "bigint": "bigint",
         "text": "text"}
VALUE = {  # column type -> (column of custom_values.sql that holds the value, cast applied to it)
    "numeric": ("value_numeric", None), "money": ("value_numeric", None), "date": ("value_text", "try_date"),
    "boolean": ("value_text", "try_boolean"), "bigint": ("value_text", "try_bigint"), "text": ("value_text", None)}


def refresh_pivots(cur, pivots: tuple[Pivot, ...], folder: Path, key_of) -> int:
    """Add columns for fields met for the first time, then rewrite the rows of the records listed in
    _nz_pivot_records; returns the rows written. key_of(cur, table) -> primary key columns."""
    catalog, values = _read(folder, "custom_columns"), _read(folder, "custom_values")
    written = 0
    for pivot in pivots:
        record_id = [k for k in key_of(cur, pivot.table) if k != "scope"][0]
        _add_columns(cur, pivot, catalog, values)
        _first_time(cur, pivot, key_of)
        written += _upsert(cur, pivot, record_id, values)
    return written


def _first_time(cur, pivot: Pivot, key_of) -> None:
    """The first refresh of a pivot table (a fresh database, or the upgrade that introduced it) covers every
    record already in core, so each has its row even if it never changes again (meta.members_ensured)."""
    cur.execute("INSERT INTO meta.members_ensured (core_table) VALUES (%s) ON CONFLICT DO NOTHING", (pivot.table,))
    if cur.rowcount == 1:
        record_id = [k for k in key_of(cur, pivot.records) if k != "scope"][0]
        cur.execute(sql.SQL("INSERT INTO _nz_pivot_records SELECT scope, %s, {} FROM {}").format(
            sql.Identifier(record_id), sql.Identifier("core", pivot.records)), (pivot.entity,))


def _read(folder: Path, name: str) -> sql.Composable:
    return sql.SQL((folder / f"{name}.sql").read_text(encoding="utf-8"))


def _add_columns(cur, pivot: Pivot, catalog, values) -> None:
    cur.execute(sql.SQL("SELECT c.scope, c.field_key, c.field_name, c.field_type, c.column_type FROM ({}) c "
                        "WHERE c.entity = %s AND NOT EXISTS (SELECT FROM core.custom_columns r WHERE r.scope = c.scope "
                        "AND r.table_name = %s AND r.field_key = c.field_key) ORDER BY 1, 3, 2").format(catalog),
                (pivot.entity, pivot.table))
    new = cur.fetchall()
    if not new:
        return
    cur.execute("SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0", (f"core.{pivot.table}",))
    taken = {r[0] for r in cur.fetchall()}
    table = sql.Identifier("core", pivot.table)
    for scope, field_key, field_name, field_type, column_type in new:
        name = column_name(field_name, field_key, taken, money=column_type == "money")
        currency = f"{name}_currency" if column_type == "money" else None
        taken.update(n for n in (name, currency) if n)
        cur.execute(sql.SQL("ALTER TABLE {} ADD COLUMN {} {}").format(table, sql.Identifier(name),
                                                                      sql.SQL(TYPES[column_type])))
        about = f"{field_name} ({field_type} custom field {field_key} of scope {scope}; core.custom_columns)"
        cur.execute(sql.SQL("COMMENT ON COLUMN {}.{} IS {}").format(table, sql.Identifier(name), sql.Literal(about)))
        if currency:
            cur.execute(sql.SQL("ALTER TABLE {} ADD COLUMN {} text").format(table, sql.Identifier(currency)))
            cur.execute(sql.SQL("COMMENT ON COLUMN {}.{} IS {}").format(table, sql.Identifier(currency), sql.Literal(
                f"ISO 4217 currency of {name} ({field_name})")))
        cur.execute("INSERT INTO core.custom_columns (scope, table_name, field_key, column_name, currency_column, "
                    "column_type, field_name, field_type) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                    (scope, pivot.table, field_key, name, currency, TYPES[column_type], field_name, field_type))
    # records that already hold values of the new fields get them in their new columns
    cur.execute(sql.SQL("INSERT INTO _nz_pivot_records SELECT DISTINCT x.scope, x.entity, x.record_id FROM ({}) x "
                        "WHERE x.entity = %s AND (x.scope, x.field_key) IN (SELECT * FROM unnest(%s::text[], %s::text[]))")
                .format(values), (pivot.entity, [r[0] for r in new], [r[1] for r in new]))


def column_name(field_name: str | None, field_key: str, taken: set[str], *, money: bool = False) -> str:
    """A safe, unique column name for a field: its name folded to ASCII lower snake_case."""
    ascii_name = unicodedata.normalize("NFKD", field_name or "").encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "_", ascii_name.lower()).strip("_")[:NAME_CHARS].rstrip("_")
    if not base:
        base = "field_" + re.sub(r"[^a-z0-9]+", "_", field_key.lower()).strip("_")[:NAME_CHARS - 6]
    if base[0].isdigit():
        base = "f_" + base
    name, n = base, 2
    while name in taken or (money and f"{name}_currency" in taken):
        name, n = f"{base}_{n}", n + 1
    return name


def _upsert(cur, pivot: Pivot, record_id: str, values) -> int:
    cur.execute("SELECT scope, field_key, column_name, currency_column, column_type FROM core.custom_columns "
                "WHERE table_name = %s ORDER BY created_at, column_name", (pivot.table,))
    columns, aggregates = [], []
    for scope, field_key, name, currency, column_type in cur.fetchall():
        only = sql.SQL(" FILTER (WHERE v.field_key = {} AND r.scope = {})").format(sql.Literal(field_key),
                                                                                  sql.Literal(scope))
        kind = "money" if currency else column_type
        columns.append(name)
        aggregates.append(_aggregate(*VALUE[kind], only))
        if currency:
            columns.append(currency)
            aggregates.append(_aggregate("value_currency", None, only))
    ids = [sql.Identifier(c) for c in columns]
    update = sql.SQL("DO UPDATE SET {}, _updated_at = excluded._updated_at WHERE ROW({}) IS DISTINCT FROM ROW({})").format(
        sql.SQL(", ").join(sql.SQL("{0} = excluded.{0}").format(i) for i in ids),
        sql.SQL(", ").join(sql.SQL("w.{}").format(i) for i in ids),
        sql.SQL(", ").join(sql.SQL("excluded.{}").format(i) for i in ids)) if ids else sql.SQL("DO NOTHING")
    cur.execute(sql.SQL("""
        INSERT INTO {table} AS w (scope, {record_id}, scope_key, {columns} _updated_at)
        SELECT r.scope, r.record_id, d.scope_key, {aggregates} now()
        FROM (SELECT DISTINCT scope, record_id FROM _nz_pivot_records WHERE entity = %(entity)s) AS r
        JOIN core.dim_scope d ON d.scope = r.scope
        LEFT JOIN LATERAL (SELECT * FROM ({values}) x WHERE x.scope = r.scope AND x.entity = %(entity)s
                           AND x.record_id = r.record_id OFFSET 0) AS v ON true
        GROUP BY r.scope, r.record_id, d.scope_key
        ON CONFLICT (scope, {record_id}) {update}
    """).format(table=sql.Identifier("core", pivot.table), record_id=sql.Identifier(record_id),
                columns=sql.SQL("").join(sql.SQL("{}, ").format(i) for i in ids),
                aggregates=sql.SQL("").join(sql.SQL("{}, ").format(a) for a in aggregates),
                values=values, update=update), {"entity": pivot.entity})
    return cur.rowcount


def _aggregate(column: str, cast: str | None, only: sql.Composable) -> sql.Composable:
    """One field's value of a record: the only row of that field among the record's values."""
    value = sql.SQL("max(v.{}){}").format(sql.Identifier(column), only)
    return sql.SQL("{}({})").format(sql.Identifier("util", cast), value) if cast else value
