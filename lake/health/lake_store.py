"""Check on the bronze lake: crashed and unloaded runs (lake).

Data flow: store.list('bronze/{source}/') (names only) + manifests of runs not fully in meta.loaded_files
           -> [CheckRow].
Run standalone: python -m scripts.health_check (this is one of its checks).

No part is ever opened: a run's age is its run_id (the time it started), its parts are the listing's,
and its manifest is read only when a listed part is missing from the ledger (to know what is waiting).

lake. A run folder without _manifest.json is a crashed extract (loaders ignore it; the watermark did not
move, so the next run reads that data again). It warns when older than HEALTH_STUCK_MINUTES (60) and
younger than HEALTH_INCOMPLETE_RUN_DAYS (7) and no daily run that could be writing it is in progress
(lock 'daily_pipeline'); older ones are only counted. A complete run whose manifest parts are not all in
meta.loaded_files after HEALTH_BACKLOG_HOURS (24) fails (a load that keeps failing or never runs). A part
or run an operator quarantined (meta.quarantined_parts, python -m load.quarantine) is not a backlog: it
warns instead, every day until released, since its records are missing downstream.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass

from lake.health import CheckRow
from lake.health.context import Context, hours, when

RUN_FILE = re.compile(r"^bronze/(?P<source>[^/]+)/scope=(?P<scope>[^/]+)/entity=(?P<entity>[^/]+)/"
                      r"ingestion_date=[^/]+/run_id=(?P<run_id>[^/]+)/(?P<name>[^/]+)$")


@dataclass
class RunDir:
    source: str
    scope: str
    entity: str
    run_id: str
    path: str
    complete: bool = False
    parts: tuple[str, ...] = ()

    @property
    def started(self) -> dt.datetime | None:
        try:
            return dt.datetime.strptime(self.run_id, "%Y%m%dT%H%M%S%fZ").replace(tzinfo=dt.timezone.utc)
        except ValueError:
            return None


def run_dirs(ctx: Context, source: str) -> list[RunDir]:
    """Every run folder of the source (of --scope only, when given), from one listing."""
    runs: dict[str, RunDir] = {}
    prefix = f"bronze/{source}/" + (f"scope={ctx.scope}/" if ctx.scope else "")
    for path in ctx.store.list(prefix):
        m = RUN_FILE.match(path)
        if not m:
            continue
        folder = path.rsplit("/", 1)[0] + "/"
        run = runs.setdefault(folder, RunDir(source, m["scope"], m["entity"], m["run_id"], folder))
        if m["name"] == "_manifest.json":
            run.complete = True
        elif m["name"].startswith("part-"):
            run.parts += (path,)
    return sorted(runs.values(), key=lambda r: (r.scope, r.entity, r.run_id))


def lake(ctx: Context) -> list[CheckRow]:
    lim = ctx.limits
    daily_since = ctx.query("lake_daily_run")[0][0]  # backend_start of a daily runner holding its lock
    rows = []
    for source in ctx.sources:
        loaded = {p for (p,) in ctx.query("lake_loaded", {"source": source})}
        quarantined = ctx.query("lake_quarantined", {"source": source})
        held = {path for *_x, path, _r in quarantined}
        loaded |= held  # set aside on purpose: not a backlog, reported below
        held_runs = tuple(path for *_x, path, _r in quarantined if path.endswith("/"))
        crashed, backlog, old, complete = {}, {}, 0, 0
        for run in run_dirs(ctx, source):
            age = ctx.ago(run.started) if run.started else float("inf")
            if not run.complete:
                if age > lim.incomplete_run_days * 24:
                    old += 1
                elif age * 60 > lim.stuck_minutes and not (daily_since and run.started >= daily_since):
                    crashed.setdefault((run.scope, run.entity), []).append(run)
                continue
            complete += 1
            if any(p not in loaded for p in run.parts) and not run.path.startswith(held_runs):
                with ctx.store.open(run.path + "_manifest.json") as f:
                    waiting = [p for p in json.load(f).get("parts", []) if p.get("path") not in loaded]
                if waiting:
                    backlog.setdefault((run.scope, run.entity), []).append(
                        (run, age, sum(p.get("rows", 0) for p in waiting)))
        for (scope, entity), runs in crashed.items():
            rows.append(CheckRow(
                "lake", source, scope, entity, "warn",
                f"{len(runs)} bronze run(s) without manifest (crashed extract), newest started {when(runs[-1].started)}: "
                f"{runs[-1].path}", f"none older than {lim.stuck_minutes:g} min",
                "an extract died mid-run (see its log of that day); loaders ignore these parts and the watermark did "
                "not move, so the next run reads the data again; the folder may be deleted"))
        for (scope, entity), runs in backlog.items():
            first, oldest, _n = runs[0]
            late = oldest > lim.backlog_hours
            rows.append(CheckRow(
                "lake", source, scope, entity, "fail" if late else "ok",
                f"{len(runs)} complete run(s) not loaded yet ({sum(n for *_r, n in runs):,} lines), oldest "
                f"run_id={first.run_id} ({hours(oldest)} old)", f"loaded within {lim.backlog_hours:g} h",
                f"run python -m load.load_{source}_stg; if a part keeps failing its manifest check, the load's "
                "error in meta.pipeline_runs says which" if late else ""))
        by_entity: dict[tuple, list] = {}
        for scope, entity, kind, path, reason in quarantined:
            if ctx.scope in (None, scope):
                by_entity.setdefault((scope, entity), []).append((kind, path, reason))
        for (scope, entity), items in by_entity.items():
            kind, path, reason = items[0]
            rows.append(CheckRow(
                "lake", source, scope, entity, "warn",
                f"{len(items)} quarantined bronze {'object' if len(items) == 1 else 'objects'} not loaded, e.g. "
                f"{kind} {path}: {reason}", "none quarantined",
                f"their records are missing from stg and core until released: python -m load.quarantine --list; "
                "restore the object from a copy, then --release it"))
        if not crashed and not backlog and not by_entity:
            rows.append(CheckRow("lake", source, ctx.scope, None, "ok",
                                 f"{complete:,} complete runs, all loaded; no recent crashed run"
                                 + (f" ({old} older than {lim.incomplete_run_days:g} d ignored)" if old else ""),
                                 None, ""))
    return rows
