"""Deletion sweep: every current record of an entity listed into an ordinary bronze run (mode 'sweep').

Data flow: Entity.sweep (lake/entities.py) -> paging.pages() over the entity's path, then each Sweep.also
           path -> RunWriter parts -> commit(mode='sweep') -> _manifest.json, then _sweep.json
           -> load/engine.py records the run's ids (meta.sweep_ids) -> normalize flags what is gone.
Run standalone: python -m extract.pipedrive_bronze --sweep-deletions [--scope S] [--entity deals]

Why: an API may stop reporting a deletion after a while (Pipedrive purges deleted records after 30
days, and reports deleted persons, organizations and activities only as updates), so a pipeline that
was down longer never hears of it. A complete listing of what exists now settles it: a record that core
holds from before the sweep began and that the listing lacks is gone (normalize/sql/sweep_flag.sql).
Rules:
- records are written as received, like any run: the loader stores the versions it has not seen yet
  (an archived deal, a deletion still inside the 30 days) and counts the rest as duplicates;
- the watermark never moves (the manifest says from = to): incremental runs are not disturbed;
- a sweep stopped part-way (daily budget spent, retries exhausted) still commits what it wrote, with
  its stopped_reason: those records are real, but its id set is not complete, so the loader records
  the sweep as incomplete and nothing is flagged from it. A killed sweep leaves no manifest at all;
- an `also` path answering 403/404 on its first page means the account has no such listing (logged,
  named in the manifest's sweep.skipped); the sweep stays complete;
- `_sweep.json` (written last, only for a complete sweep) says when the last one ran: sweep_due().
Cost: one list request per page; Pipedrive's is in lake/sources/pipedrive.py (1M deals = 2,000 requests).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import logging

from extract.engine import EntityResult, Source, parse_ts, stopped_by
from extract.paging import PagingError, pages
from lake.bronze import RunWriter, read_last_sweep, read_watermark
from lake.entities import Entity
from lake.http import ApiSession, FatalHttpError, HttpError
from lake.progress import Progress
from lake.settings import Settings
from lake.store import Store, open_store

log = logging.getLogger(__name__)

EVERY_DAYS_SETTING, DEFAULT_EVERY_DAYS = "SWEEP_DELETIONS_EVERY_DAYS", 7
# A daily schedule drifts by minutes: a sweep that started 6 days 23 h ago is due on a 7-day period.
DUE_SLACK = dt.timedelta(hours=12)


def sweepable(entities: list[Entity], named: list[str] | None) -> list[Entity]:
    """The entities a sweep lists: those with a Sweep; naming one without is a usage error."""
    refused = [e.name for e in entities if named and e.sweep is None]
    if refused:
        raise ValueError(f"entity {', '.join(refused)} cannot be swept: its API reports its deletions "
                         "(or it is read whole every run)")
    return [e for e in entities if e.sweep is not None]


def sweep_entity(*, store: Store, session: ApiSession, source: str, scope: str, entity: Entity,
                 started_at: dt.datetime, version: str) -> EntityResult:
    watermark = read_watermark(store, source, scope, entity.name) if entity.incremental else None
    writer = RunWriter(store, source, scope, entity.name, started_at=started_at, extractor_version=version)
    result = EntityResult(source, scope, entity.name, "success", watermark_before=watermark,
                          watermark_after=watermark, sweep=True)
    listed, skipped, stopped = [], [], None
    progress = Progress(f"{source}.{entity.name} scope={scope} sweep", unit="records")
    try:
        for path in (entity.path, *entity.sweep.also):
            listing = dataclasses.replace(entity, path=path, params=entity.sweep.params)
            first_page = result.pages
            try:
                for page in pages(listing, session, dict(listing.params)):
                    result.pages += 1
                    progress.add(len(page.records))
                    for record in page.records:
                        writer.write(record)
            except FatalHttpError as exc:
                if path == entity.path or exc.status not in (403, 404) or result.pages > first_page:
                    raise
                skipped.append(f"{path} (HTTP {exc.status})")
                log.warning("%s.%s scope=%s sweep: %s answered %d, taken as no such listing on this account",
                            source, entity.name, scope, path, exc.status)
                continue
            listed.append(path)
    except (HttpError, PagingError) as exc:
        stopped = stopped_by(exc, result)
    except BaseException:
        writer.abort()
        raise
    finally:
        progress.close()
    manifest = writer.commit(cursor_field=entity.cursor_field, watermark_kind=entity.watermark,
                             watermark_from=watermark, watermark_to=watermark, mode="sweep",
                             stopped_reason=stopped, extra={"sweep": {"paths": listed, "skipped": skipped}})
    result.rows, result.run_id = manifest["rows"], manifest["run_id"]
    log.info("%s.%s scope=%s sweep status=%s requests=%d rows=%d%s (watermark unchanged)", source, entity.name,
             scope, result.status, result.pages, result.rows,
             "" if stopped is None else ": incomplete, nothing will be flagged from it")
    return result


def sweep_every_days(settings: Settings) -> int:
    """SWEEP_DELETIONS_EVERY_DAYS: days between deletion sweeps (default 7; 0 = never sweep)."""
    return settings.whole_number(EVERY_DAYS_SETTING, DEFAULT_EVERY_DAYS, minimum=0)


def sweep_due(settings: Settings, source: Source, now: dt.datetime | None = None) -> bool:
    """True when a sweepable entity of a configured scope has had no complete sweep for
    SWEEP_DELETIONS_EVERY_DAYS (less DUE_SLACK), or never had one. For the daily runner:
    `if sweep_due(...): extract main(["--sweep-deletions"])`. Reads one small file per scope x entity."""
    days = sweep_every_days(settings)
    if days == 0:
        return False
    store, now = open_store(settings), now or dt.datetime.now(dt.timezone.utc)
    for scope in source.scopes(settings):
        for entity in sweepable(list(source.entities), None):
            last = read_last_sweep(store, source.name, scope, entity.name)
            if last is None or now - parse_ts(last["started_at"]) >= dt.timedelta(days=days) - DUE_SLACK:
                return True
    return False
