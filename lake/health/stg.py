"""Checks on what stg holds: duplicates (a version stored twice) and reconciliation (ledger = stg = core).

Data flow: stg_{source}.{entity}_raw + meta.loaded_files + meta.rejected_rows + meta.normalize_state + core.*
           -> lake/health/sql/duplicates.sql, reconciliation_*.sql -> [CheckRow].
Run standalone: python -m scripts.health_check (these are two of its checks).

duplicates. Core keys are primary keys, so PostgreSQL already refuses a duplicate there; what nothing
enforces is stg's rule that a version is stored once (the loader skips a line equal to the newest
stored version). Two stg rows with the same scope, record_id, source_updated_at and doc are one
version stored twice. A duplicate can only appear when a row is loaded, so a check looks at the rows
loaded since the previous check (less an hour, for loads committing meanwhile), each probed against
its record's other rows through the (scope, record_id) index. The first check, an entity where the
previous check found some (so the warning stays until stg is repaired) and one with more than
FULL_SCAN_ABOVE new rows (a --rebuild) scan the whole table once instead.
Core is not affected (it keeps one version), so this is a warning: a loader bug to report; stg can be
rebuilt from bronze.

reconciliation, two rules, both from the database alone (no bronze object is read):
- every loaded bronze part: its lines in meta.loaded_files (checked against its manifest when it was
  loaded) = its stg rows + rows_duplicate (lines equal to the stored version) + its lines rejected and
  not repaired. Compared per scope in total (counts from indexes); only when a total does not add up
  are the parts compared one by one, to name them (stg rows of a part the ledger does not know count
  as a mismatch too). Fails.
- every entity whose first core table is its own (not pd_custom_fields, which four catalogs feed and
  which keeps only custom fields): distinct (scope, record_id) in stg among the rows normalize has
  read (_load_id <= meta.normalize_state) = rows of that core table. Fewer in core fails (records the
  reports lack); more in core warns (stg lost rows that core still has, e.g. a partial --rebuild).
"""
from __future__ import annotations

import datetime as dt

from psycopg2 import sql

from lake.health import CheckRow
from lake.health.context import Context, when
from lake.health.core import core_counts, first_tables


# New rows beyond which one scan of the table (~1.5 s per million rows) beats probing each (~8 us a row).
FULL_SCAN_ABOVE = 200_000


def _stg(source: str, entity) -> sql.Identifier:
    return sql.Identifier(f"stg_{source}", entity.stg_table)


def duplicates(ctx: Context) -> list[CheckRow]:
    rows, since = [], ctx.previous_at and ctx.previous_at - dt.timedelta(hours=1)
    for source in ctx.sources:
        flagged = {e for (e,) in ctx.query("duplicates_previous", {"check_run_id": ctx.previous_run_id,
                                                                   "source": source})}
        first_load = dict(ctx.query("duplicates_since", {"source": source, "since": since})) if since else {}
        for e in ctx.entities(source):
            where, params = f"stg_{source}.{e.stg_table}", {"scope": ctx.scope}
            if since is None or e.name in flagged or None in flagged:
                scanned = "whole table"
                found = ctx.query("duplicates_all", params, stg=_stg(source, e))[0]
            elif e.name in first_load:
                window = {**params, "from_load": first_load[e.name], "cap": FULL_SCAN_ABOVE}
                if ctx.query("duplicates_window", window, stg=_stg(source, e))[0][0] >= FULL_SCAN_ABOVE:
                    scanned = "whole table: many rows loaded since the previous check"
                    found = ctx.query("duplicates_all", params, stg=_stg(source, e))[0]
                else:
                    scanned = f"rows loaded since the check of {when(ctx.previous_at)}"
                    found = ctx.query("duplicates_new", window, stg=_stg(source, e))[0]
            else:
                scanned, found = f"nothing loaded since the check of {when(ctx.previous_at)}", (0, 0, None)
            records, extra, example = found
            if records:
                rows.append(CheckRow("duplicates", source, ctx.scope, e.name, "warn",
                                     f"{records:,} records have a version stored more than once in {where} "
                                     f"({extra:,} extra rows), e.g. {example}", "none allowed",
                                     "core is not affected (it keeps one version); report it as a loader bug. "
                                     f"python -m load.load_{source}_stg --rebuild --entity {e.name} rebuilds stg from bronze"))
            else:
                rows.append(CheckRow("duplicates", source, ctx.scope, e.name, "ok",
                                     f"no version stored twice in {where} ({scanned})", "none allowed", ""))
    return rows


def reconciliation(ctx: Context) -> list[CheckRow]:
    rows = []
    for source in ctx.sources:
        position = dict(ctx.query("reconciliation_position", {"source": source}))
        counts, owners = core_counts(ctx, source), first_tables(ctx, source)
        for e in ctx.entities(source):
            found = _parts(ctx, source, e)
            table = e.core_table_names[0]
            if table in owners:
                found += _keys(ctx, source, e, table, position.get(e.name, 0), counts[table])
            rows += found or [CheckRow("reconciliation", source, ctx.scope, e.name, "ok",
                                       "nothing loaded yet", None, "")]
    return rows


def _parts(ctx: Context, source: str, e) -> list[CheckRow]:
    rows, rule = [], "ledger lines = stg rows + duplicates + rejected, per part"
    params = {"source": source, "entity": e.name, "scope": ctx.scope}
    for scope, parts, lines, stored, dup, rejected in ctx.query("reconciliation_totals", params, stg=_stg(source, e)):
        measured = f"{parts:,} parts: {lines:,} lines, {stored:,} stg + {dup:,} duplicates + {rejected:,} rejected"
        if lines == stored + dup + rejected:
            rows.append(CheckRow("reconciliation", source, scope, e.name, "ok", measured, rule, ""))
            continue
        bad, first_bad = next(((b, f) for s, b, f in ctx.query("reconciliation_parts", {**params, "scope": scope},
                                                              stg=_stg(source, e)) if s == scope and b),
                              (0, "none: the rejected lines belong to parts neither the ledger nor stg knows"))
        rows.append(CheckRow("reconciliation", source, scope, e.name, "fail",
                             f"{measured}: {bad:,} parts do not add up; first {first_bad}", rule,
                             "stg rows were removed or added outside the loader, or the ledger was edited: "
                             f"python -m load.load_{source}_stg --rebuild --entity {e.name} --scope {scope}, "
                             f"then python -m normalize.normalize_{source} --entity {e.name}"))
    return rows


def _keys(ctx: Context, source: str, e, table: str, upto: int, core: dict) -> list[CheckRow]:
    newest = ctx.query("stg_newest_load", stg=_stg(source, e))[0][0] or 0
    caught_up = newest <= upto  # then no _load_id filter: the planner may count on the (scope, record_id) index
    stg_keys = dict(ctx.query("reconciliation_keys", {"upto": None if caught_up else upto, "scope": ctx.scope},
                              stg=_stg(source, e)))
    rows, rule = [], f"distinct records in stg (normalized) = core.{table} rows"
    for scope in sorted(set(stg_keys) | set(core)):
        in_stg, in_core = stg_keys.get(scope, 0), core.get(scope, (0, None))[0]
        measured = (f"{in_stg:,} records in stg{'' if caught_up else ' (those normalized so far)'}, "
                    f"{in_core:,} rows in core.{table}")
        if in_stg > in_core:
            status, hint = "fail", (f"{in_stg - in_core:,} records never reached core: see meta.rejected_rows "
                                    f"(bad_type on the key) or rerun python -m normalize.normalize_{source} "
                                    f"--entity {e.name} --full")
        elif in_core > in_stg:
            status, hint = "warn", (f"core has {in_core - in_stg:,} records stg no longer holds (a --rebuild "
                                    f"from an incomplete lake?): python -m load.load_{source}_stg --rebuild "
                                    f"--entity {e.name} reloads stg from bronze")
        else:
            status, hint = "ok", ""
        rows.append(CheckRow("reconciliation", source, scope, e.name, status, measured, rule, hint))
    return rows
