"""Checks on the pipeline's own bookkeeping: rejected_rows (what the load set aside), schema (migrations).

Data flow: meta.rejected_rows + meta.health_check_runs (the previous check's mark) -> [CheckRow];
           sql/ files (lake.migrate.discover) + meta.schema_migrations -> [CheckRow].
Run standalone: python -m scripts.health_check (these are two of its checks).

rejected_rows. The rows added since the previous check that covered the same sources and scope (its
meta.health_check_runs.rejected_id_seen; the first check reports everything), by source, scope, entity,
reason and repaired or not, with the first bronze blob_path:line_no. A line that was not loaded is a
warning (it is missing from core until fixed at the source); a repair (\\u0000 stripped, a version time
or a value that did not cast, loaded as NULL) is reported as ok: the row is in core.

schema. Every sql/ file is applied and unchanged (same SHA-256 as when applied), which is what every
stage checks when it connects; pending or edited files fail, files the database has but this checkout
lacks warn (older code than the database). Nothing is applied.
"""
from __future__ import annotations

from lake.health import CheckRow
from lake.health.context import Context, when
from lake.migrate import discover


def rejected_rows(ctx: Context) -> list[CheckRow]:
    after, upto = ctx.rejected_id_before, ctx.query("rejected_rows_newest")[0][0]
    ctx.rejected_id_seen = upto
    since = f"since the check of {when(ctx.previous_at)}" if ctx.previous_at else "so far (first check)"
    rows, reported = [], set()
    for source, scope, entity, reason, repaired, n, first in ctx.query(
            "rejected_rows", {"after": after, "upto": upto, "sources": ctx.sources, "scope": ctx.scope}):
        reported.add(source)
        if repaired:
            rows.append(CheckRow("rejected_rows", source, scope, entity, "ok",
                                 f"{n:,} line{'s' * (n != 1)} loaded after a repair ({reason}) {since}, first {first}", None, ""))
        else:
            rows.append(CheckRow("rejected_rows", source, scope, entity, "warn",
                                 f"{n:,} line{'s' * (n != 1)} not loaded ({reason}) {since}, first {first}", "0 new",
                                 "they are not in core: the raw text and reason are in meta.rejected_rows (_blob_path, "
                                 "_line_no); fix the record at the source, or accept the loss"))
    rows += [CheckRow("rejected_rows", s, ctx.scope, None, "ok", f"no new rejected rows {since}", "0 new", "")
             for s in ctx.sources if s not in reported]
    return rows


def schema(ctx: Context) -> list[CheckRow]:
    files = discover()
    if not ctx.query("schema_history_exists")[0][0]:
        return [CheckRow("schema", None, None, None, "fail", "no migration history (meta.schema_migrations)",
                         "every file applied", "run python -m scripts.migrate")]
    applied = dict(ctx.query("schema_applied"))
    pending = [m.path for m in files if m.path not in applied]
    changed = [m.path for m in files if m.path in applied and applied[m.path] != m.sha256]
    unknown = sorted(set(applied) - {m.path for m in files})
    rows = []
    if pending:
        rows.append(CheckRow("schema", None, None, None, "fail", f"{len(pending)} migration(s) not applied: "
                             + ", ".join(pending), "every file applied",
                             "run python -m scripts.migrate (every stage also applies them when it starts)"))
    if changed:
        rows.append(CheckRow("schema", None, None, None, "fail", f"{len(changed)} applied migration(s) edited since: "
                             + ", ".join(changed), "applied files unchanged",
                             "restore them (git checkout -- sql/<file>) and put the change in a new <table>.<V>.sql; "
                             "stages refuse to start until then"))
    if unknown:
        rows.append(CheckRow("schema", None, None, None, "warn", f"{len(unknown)} applied migration(s) this checkout "
                             "lacks: " + ", ".join(unknown), None, "this code is older than the database: update it"))
    if not rows:
        rows.append(CheckRow("schema", None, None, None, "ok", f"{len(files)} migration files applied, none edited",
                             "every file applied, unchanged", ""))
    return rows
