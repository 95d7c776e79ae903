"""The generic extract loop: one entity row in, one committed bronze run out.

Data flow: Entity + ApiSession -> paging.pages() -> RunWriter (parts) -> commit (manifest, then watermark).
Run standalone: called by extract/<source>_bronze.py main(); no entry point of its own.

Rules (DESIGN.md §2, STYLE habit 5):
- the watermark moves only in RunWriter.commit, after every part and the manifest are durable;
- it becomes the maximum cursor seen (never the last one), never later than the run's start and never
  earlier than where it was;
- a run stopped part-way (daily budget spent, retries exhausted, a refused request) still commits what
  it wrote, marked with stopped_reason: incremental lists are sorted by the cursor ascending, so the
  maximum seen is a safe resume point. A process killed outright leaves no manifest: nothing moves.
"""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Callable

from extract.paging import PagingError, pages
from lake.bronze import RunWriter, iso, read_watermark
from lake.entities import Entity
from lake.http import ApiSession, BudgetExhausted, HttpError
from lake.store import Store

log = logging.getLogger(__name__)

# (entity, since, until) -> extra query params that select the incremental window
WindowParams = Callable[[Entity, str | None, str], dict]


@dataclass
class EntityResult:
    source: str
    scope: str
    entity: str
    status: str                      # success | partial | failed
    rows: int = 0
    pages: int = 0
    run_id: str | None = None
    watermark_before: str | None = None
    watermark_after: str | None = None
    error: str | None = None
    budget_exhausted: bool = False


def parse_ts(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(dt.timezone.utc)


def extract_entity(*, store: Store, session: ApiSession, source: str, scope: str, entity: Entity,
                   window_params: WindowParams, started_at: dt.datetime, version: str,
                   since: str | None = None, full_refresh: bool = False) -> EntityResult:
    until = iso(started_at)
    before = read_watermark(store, source, scope, entity.name) if entity.incremental else None
    window_from = None if (full_refresh or not entity.incremental) else (since or before)
    params = {**entity.params, **(window_params(entity, window_from, until) if entity.incremental else {})}
    writer = RunWriter(store, source, scope, entity.name, started_at=started_at, extractor_version=version)
    result = EntityResult(source, scope, entity.name, "success", watermark_before=before)
    newest: dt.datetime | None = None
    stopped = None
    try:
        for page in pages(entity.paging, session, entity.path, params):
            result.pages += 1
            for record in page:
                writer.write(record)
                value = record.get(entity.cursor_field) if entity.incremental else None
                if value:
                    ts = parse_ts(value)
                    newest = ts if newest is None or ts > newest else newest
    except BudgetExhausted as exc:
        stopped, result.status, result.budget_exhausted = "daily_budget", "partial", True
        result.error = str(exc)
    except (HttpError, PagingError) as exc:
        stopped, result.status, result.error = "error", "failed", str(exc)
    except BaseException:
        writer.abort()
        raise
    after = before
    if newest is not None:
        candidate = iso(min(newest, started_at))
        after = candidate if before is None or parse_ts(candidate) > parse_ts(before) else before
    manifest = writer.commit(cursor_field=entity.cursor_field, watermark_from=before, watermark_to=after,
                             mode="full" if window_from is None else "incremental", stopped_reason=stopped)
    result.rows, result.run_id, result.watermark_after = manifest["rows"], manifest["run_id"], after
    log.info("%s.%s scope=%s status=%s pages=%d rows=%d watermark %s -> %s", source, entity.name, scope,
             result.status, result.pages, result.rows, before, after)
    return result
