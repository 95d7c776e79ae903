"""Inferred members: every id a core row points at (CoreTable.refs) has a row in the table it points at.

Data flow: temp table changed (rows an upsert wrote) -> their ids per ref -> normalize/sql/members.sql
           -> core.<target> rows with is_inferred, then the "(none)" members those rows point at in turn.
Run standalone: called by normalize/engine.py after each upsert of a table with refs.

Power BI relates a fact to a dimension by one member key (util.member_key) and, with "Assume referential
integrity", by an inner join: a deal whose person was purged, or an unassigned ticket, would drop out of
every total. The Kimball answer is a member per missing id, kept in the dimension itself and replaced by
the real record when (if) it arrives. An inferred member's own refs are null, so they point at the
"(none)" members of the tables it refers to, which are added here too (a chain: deal -> stage -> pipeline).
The whole table instead of `changed` on --full, and once per table (meta.members_ensured), so rows
written before members existed get theirs too.
"""
from __future__ import annotations

from typing import Callable, Mapping

from psycopg2 import sql

from lake.entities import CoreTable


def ensure_members(cur, spec: CoreTable, tables: Mapping[str, CoreTable], key_of: Callable, *,
                   full: bool, template: Callable) -> int:
    """Add the missing members every ref of spec points at, for the rows just written (all rows on a full
    run or a table not ensured yet); returns the members added. key_of(cur, table) -> primary key columns;
    template(name, **identifiers) -> an engine SQL file. A member of a table whose records have a
    custom-field table (Pivot.records) gets its (empty) row there too: one row per record, always."""
    cur.execute("INSERT INTO meta.members_ensured (core_table) VALUES (%s) ON CONFLICT DO NOTHING", (spec.name,))
    whole = full or cur.rowcount == 1
    table = sql.Identifier("core", spec.name)
    source = sql.SQL("{} t").format(table) if whole else sql.SQL("changed c JOIN {} t ON {}").format(
        table, sql.SQL(" AND ").join(sql.SQL("t.{0} = c.{0}").format(sql.Identifier(k)) for k in key_of(cur, spec.name)))
    fks = sql.SQL(", ").join(sql.Identifier("t", fk) for fk in spec.refs)
    cur.execute(sql.SQL("CREATE TEMP TABLE _nz_refs AS SELECT t.scope, t.scope_key, {} FROM {}").format(fks, source))
    added = 0
    for fk, target in spec.refs.items():
        cur.execute(sql.SQL("CREATE TEMP TABLE _nz_wanted AS SELECT DISTINCT scope, scope_key, coalesce({}, 0) AS id "
                            "FROM _nz_refs").format(sql.Identifier(fk)))
        added += _add(cur, tables, target, key_of, template)
    cur.execute("DROP TABLE _nz_refs")
    return added


def _add(cur, tables, target: str, key_of, template) -> int:
    spec = tables[target]
    target_id = [k for k in key_of(cur, target) if k != "scope"]
    cur.execute("CREATE TEMP TABLE _nz_added (scope text, scope_key integer, id bigint)")
    cur.execute(template("members", target=sql.Identifier("core", target), target_id=sql.Identifier(*target_id),
                         label=sql.Identifier(spec.label)))
    for pivot in {p for t in tables.values() for p in t.pivots if p.records == target}:
        cur.execute(sql.SQL("INSERT INTO {} (scope, {}, scope_key) SELECT scope, id, scope_key FROM _nz_added "
                            "ON CONFLICT DO NOTHING").format(sql.Identifier("core", pivot.table),
                                                             sql.Identifier(*target_id)))
    cur.execute("SELECT scope, scope_key, count(*) FROM _nz_added GROUP BY scope, scope_key")
    scopes = cur.fetchall()
    cur.execute("DROP TABLE _nz_wanted, _nz_added")
    added = sum(n for _, _, n in scopes)
    for further in spec.refs.values() if scopes else ():  # the new members' refs are null: (none) members
        cur.execute("CREATE TEMP TABLE _nz_wanted AS SELECT scope, scope_key, 0::bigint AS id "
                    "FROM unnest(%s::text[], %s::integer[]) AS w(scope, scope_key)",
                    ([s for s, _, _ in scopes], [k for _, k, _ in scopes]))
        added += _add(cur, tables, further, key_of, template)
    return added
