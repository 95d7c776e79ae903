"""Check on watermarks: none in the future, none stuck while data keeps coming (watermarks).

Data flow: bronze/{source}/scope=S/entity=E/_watermark.json (via the store) + meta.pipeline_runs (extract rows)
           + meta.loaded_files -> [CheckRow].
Run standalone: python -m scripts.health_check (this is one of its checks).

watermarks. Time-like watermarks (Pipedrive's update_time, Zendesk organizations' end_time in epoch
seconds) must not be in the future (5 min of clock skew allowed): the extract would skip everything
before them, for good, since a watermark never moves back. Export cursors are opaque and not compared.
Stuck: a watermark no successful extract has moved for HEALTH_WATERMARK_STUCK_DAYS (3) while data kept
coming warns. "Data kept coming" is, for a cursor export (which repeats nothing), any row extracted
since; for update_time and end_time windows, whose inclusive start re-reads the boundary records every
day, new lines in the ledger (lines minus rows_duplicate) of bronze runs since.
"""
from __future__ import annotations

import datetime as dt
import json

from lake.bronze import CLOCK_SKEW, entity_prefix, new_run_id
from lake.health import CheckRow
from lake.health.context import Context, hours, when



def watermark_time(value: str | None) -> dt.datetime | None:
    """A watermark as a time when it is one (ISO 8601 or epoch seconds); None for an opaque cursor."""
    if not value:
        return None
    if value.isdigit():
        try:
            return dt.datetime.fromtimestamp(int(value), dt.timezone.utc)
        except (OverflowError, OSError, ValueError):
            return dt.datetime.max.replace(tzinfo=dt.timezone.utc)  # absurdly far: in the future for sure
    try:
        ts = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return ts if ts.tzinfo else ts.replace(tzinfo=dt.timezone.utc)


def watermarks(ctx: Context) -> list[CheckRow]:
    days, rows = ctx.limits.watermark_stuck_days, []
    for source in ctx.sources:
        moves = {(scope, entity): (last_move, first, last, rows_since)
                 for scope, entity, last_move, first, last, rows_since in ctx.query("watermarks", {"source": source})}
        for scope in ctx.scopes_of(source):
            for e in (e for e in ctx.entities(source) if e.incremental):
                try:
                    with ctx.store.open(entity_prefix(source, scope, e.name) + "_watermark.json") as f:
                        value = str(json.load(f).get("watermark") or "")
                except FileNotFoundError:
                    value = ""
                ts = watermark_time(value)
                shown = ("none yet (no run has committed one)" if not value else
                         f"export cursor {value[:16]}..." if ts is None else
                         when(ts) + (f" (end_time {value})" if value.isdigit() else ""))
                last_move, first, last, rows_since = moves.get((scope, e.name), (None, None, None, 0))
                since = last_move or first
                if ts is not None and ts > ctx.now + CLOCK_SKEW:
                    rows.append(CheckRow("watermarks", source, scope, e.name, "fail", f"{shown} is in the future",
                                         "not after now + 5 min",
                                         "the extract now skips everything before it, for good: fix the clock or the "
                                         "source, then replace its _watermark.json with the last good watermark_after "
                                         "in meta.pipeline_runs"))
                    continue
                stuck = since is not None and last > since and ctx.ago(since) > days * 24
                new = (rows_since if e.paging == "export_cursor" else
                       ctx.query("watermarks_new_lines", {"source": source, "scope": scope, "entity": e.name,
                                                          "after": new_run_id(since)})[0][0]) if stuck else 0
                if stuck and new:
                    rows.append(CheckRow("watermarks", source, scope, e.name, "warn",
                                         f"{shown} unmoved since {when(since)} ({hours(ctx.ago(since))}) while "
                                         f"{new:,} new lines arrived", f"moves within {days:g} d while data comes",
                                         f"each run re-reads from the same point: look at the extract log of "
                                         f"{e.name} (do its records still carry the cursor field?) and report it"))
                else:
                    moved = f"; last moved {hours(ctx.ago(last_move))} ago" if last_move else ""
                    rows.append(CheckRow("watermarks", source, scope, e.name, "ok", shown + moved,
                                         f"not in the future; moves within {days:g} d while data comes", ""))
    return rows
