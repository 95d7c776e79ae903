"""Checks that look at each entity's data flow and core tables: freshness and volume.

Data flow: meta.pipeline_runs + core.* (one count per table and scope) + meta.health_core_counts
           -> lake/health/sql/freshness.sql, volume_*.sql, core_counts.sql -> [CheckRow].
Run standalone: python -m scripts.health_check (these are two of its checks).

freshness. Per source x scope x entity: hours since its last successful extract (skipped counts) and
since its last successful normalize (normalize covers every scope). Over HEALTH_FRESHNESS_HOURS (24)
fails; when the only recent extracts are partial (the API's daily budget ran out) it warns. The newest
_updated_at of the entity's first core table is shown beside it but not judged: a quiet table whose
runs succeed is not stale.

volume, two parts.
- Rows extracted by the newest successful extract, against the median of the HEALTH_VOLUME_RUNS (7)
  successful extracts before it (at least 3 needed). A full-refresh entity returns the whole table each
  time, so more than HEALTH_VOLUME_TOLERANCE (10 %) off the median warns and 0 when the median is > 0
  fails. An incremental entity returns one day's changes, which vary naturally (weekends, campaigns),
  so it is not held to +-10 %: only 0 rows when each of the previous runs returned some fails.
- Core row counts against the counts the previous check accepted (meta.health_core_counts). Core
  never deletes (deletions are flags), so an entity's own table that shrank warns and one that lost
  more than the tolerance fails; long tables (custom values, tags) shrink naturally when values are
  cleared, so only the large drop counts there. A failed count keeps its baseline, so the check stays
  red until the count recovers or --accept-counts accepts it; other counts move the baseline on.
"""
from __future__ import annotations

import statistics

from psycopg2 import sql
from psycopg2.extras import execute_values

from lake.health import CheckRow
from lake.health.context import Context, hours

MIN_HISTORY = 3


def core_counts(ctx: Context, source: str) -> dict[str, dict[str, tuple[int, object]]]:
    """{table: {scope: (rows, newest _updated_at)}} for every core table of the source, counted once per run.
    An entity's first table is counted with its newest _updated_at (one scan of a table with a row per
    record); the other (long) tables by count alone, which PostgreSQL takes from their smallest index.
    Inferred members (in the tables some CoreTable.refs point at) are not counted: they are not records."""
    key = ("core_counts", source)
    if key not in ctx.cache:
        firsts = {e.core_table_names[0] for e in ctx.entities(source)}
        tables = dict.fromkeys(t for e in ctx.entities(source) for t in e.core_table_names)
        inferable = {t for e in ctx.entities(source) for spec in e.core_tables for t in spec.refs.values()}
        ctx.cache[key] = {t: {scope: (n, newest) for scope, n, newest in ctx.query(
            "core_counts" if t in firsts else "core_counts_long", {"scope": ctx.scope},
            table=sql.Identifier("core", t), received=sql.SQL("NOT is_inferred" if t in inferable else "true"))}
            for t in tables}
    return ctx.cache[key]


def first_tables(ctx: Context, source: str) -> dict[str, str]:
    """{core table: entity} for tables that are the first core table of exactly one entity."""
    owners: dict[str, list[str]] = {}
    for e in ctx.entities(source):
        owners.setdefault(e.core_table_names[0], []).append(e.name)
    return {t: names[0] for t, names in owners.items() if len(names) == 1}


def freshness(ctx: Context) -> list[CheckRow]:
    limit, rows = ctx.limits.freshness_hours, []
    for source in ctx.sources:
        last = {(stage, scope, entity): (ok, partial) for stage, scope, entity, ok, partial
                in ctx.query("freshness", {"source": source})}
        counts = core_counts(ctx, source)
        for scope in ctx.scopes_of(source):
            for e in ctx.entities(source):
                extract, partial = last.get(("extract", scope, e.name), (None, None))
                normalize = last.get(("normalize", None, e.name), (None, None))[0]
                table = e.core_table_names[0]
                n, newest = counts[table].get(scope, (0, None))
                measured = (f"extract {hours(ctx.ago(extract))}{' ago' if extract else ''}, normalize "
                            f"{hours(ctx.ago(normalize))}{' ago' if normalize else ''}; core.{table} "
                            + (f"newest row written {hours(ctx.ago(newest))} ago ({n:,} rows)" if n else "empty"))
                stale_extract = extract is None or ctx.ago(extract) > limit
                stale_normalize = normalize is None or ctx.ago(normalize) > limit
                if stale_normalize or (stale_extract and (partial is None or ctx.ago(partial) > limit)):
                    status, hint = "fail", ("not refreshed: see did_it_run for the stage that failed or never ran, "
                                            "then rerun python -m scripts.daily_pipeline")
                elif stale_extract:
                    measured += f"; partial extract {hours(ctx.ago(partial))} ago"
                    status, hint = "warn", ("only partial extracts lately (the API's daily budget runs out): the "
                                            "backlog shrinks each day; if not, raise the budget or extract less often")
                else:
                    status, hint = "ok", ""
                rows.append(CheckRow("freshness", source, scope, e.name, status, measured, f"<= {limit:g} h", hint))
    return rows


def volume(ctx: Context) -> list[CheckRow]:
    rows = []
    for source in ctx.sources:
        rows += _extracted(ctx, source)
        rows += _core_drops(ctx, source)
    return rows


def _extracted(ctx: Context, source: str) -> list[CheckRow]:
    tol, runs = ctx.limits.volume_tolerance, ctx.limits.volume_runs
    history: dict[tuple[str, str], list[int]] = {}
    for scope, entity, n in ctx.query("volume_extract", {"source": source, "runs": runs + 1}):
        history.setdefault((scope, entity), []).append(n)
    rows = []
    for scope in ctx.scopes_of(source):
        for e in ctx.entities(source):
            latest, *before = history.get((scope, e.name), [None])
            if latest is None or len(before) < MIN_HISTORY:
                measured = ("no successful extract recorded" if latest is None else
                            f"{latest:,} rows; {len(before)} earlier runs, {MIN_HISTORY} needed for a median")
                rows.append(CheckRow("volume", source, scope, e.name, "ok", measured, None, ""))
                continue
            median = statistics.median(before)
            measured = f"{latest:,} rows extracted, median {median:,.0f} over the {len(before)} runs before"
            if e.incremental:
                threshold = "> 0 when every earlier run had rows (daily changes vary: no +-limit)"
                bad = latest == 0 and min(before) > 0
                status = "fail" if bad else "ok"
            else:
                threshold = f"within {tol:.0%} of the median"
                off = abs(latest - median) / median if median else 0
                status = "fail" if latest == 0 and median > 0 else "warn" if off > tol else "ok"
            hint = {"ok": "", "fail": "the source returned nothing: check the credentials' permissions and filters "
                    "in the extract log; rerun the extract for this entity once fixed",
                    "warn": "the whole table changed size: confirm the change in the source (bulk delete or import)"
                    " or look for a permission change on the API user"}[status]
            rows.append(CheckRow("volume", source, scope, e.name, status, measured, threshold, hint))
    return rows


def _core_drops(ctx: Context, source: str) -> list[CheckRow]:
    tol, owners = ctx.limits.volume_tolerance, first_tables(ctx, source)
    counts = core_counts(ctx, source)
    baseline = {(t, scope): (n, at) for t, scope, n, at in ctx.query("volume_baseline", {"tables": list(counts)})}
    rows, accepted = [], []
    for table, by_scope in counts.items():
        for scope in sorted(set(by_scope) | {s for t, s in baseline if t == table and ctx.scope in (None, s)}):
            now_n = by_scope.get(scope, (0, None))[0]
            before, at = baseline.get((table, scope), (None, None))
            change = (now_n - before) / before if before else 0.0
            drop = max(-change, 0.0)
            status, hint = "ok", ""
            if drop > tol and not ctx.accept_counts:
                status, hint = "fail", (f"core.{table} lost rows, which the pipeline never deletes: look for a manual "
                                        "DELETE/TRUNCATE or restore; if intended, run python -m scripts.health_check "
                                        "--accept-counts")
            elif drop and table in owners:
                status, hint = "warn", f"core.{table} lost rows, which the pipeline never deletes: look for a manual DELETE"
            if status != "fail":
                accepted.append((table, scope, now_n, ctx.now))
            measured = (f"core.{table} {now_n:,} rows" + (f", {before:,} at the check of {at:%Y-%m-%d %H:%M}"
                                                         f" ({change:+.1%})" if before is not None else ", first count"))
            rows.append(CheckRow("volume", source, scope, owners.get(table), status, measured,
                                 f"no drop over {tol:.0%}", hint))
    if accepted:
        with ctx.conn.cursor() as cur:
            execute_values(cur, ctx.sql("volume_baseline_save"), accepted)
    return rows
