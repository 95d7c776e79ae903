"""The generic extract loop: one entity row in, one committed bronze run out; a source is a few facts.

Data flow: Source (entities, session, window) -> extract_source() -> extract_entity() per scope x entity
           -> paging.pages() -> RunWriter (parts) -> commit (manifest, then watermark).
           (--sweep-deletions: extract_source(sweep=True) -> extract/sweep.py sweep_entity() instead.)
Run standalone: called by extract/cli.py run_extractor() (python -m extract.zendesk_bronze --help).

Rules (DESIGN.md §2, STYLE habit 5):
- the watermark moves only in RunWriter.commit, after every part and the manifest are durable;
- 'max_field': it becomes the maximum cursor_field seen (never the last one), never later than the
  run's start and never earlier than where it was;
- 'page_state': it becomes the resume state of the last page written (an export cursor, an end_time).
  A run that began elsewhere than the watermark (--since, --full-refresh) moves it only if it reached
  the end of the stream: a backfill stopped half-way must not pull the next run back into the past;
- a run stopped part-way (daily budget spent, retries exhausted, a refused request) still commits what
  it wrote (a failure before the first record commits nothing), marked with stopped_reason: lists are read in cursor order, so what was written is a
  prefix and its watermark a safe resume point. A process killed outright leaves no manifest:
  nothing moves;
- an optional entity (a plan feature) that answers 403/404 is 'skipped' with a warning, not failed;
- a time-like watermark later than the run start is refused (the entity fails with a message saying how
  to repair it): resuming from it would silently return nothing every day;
- a 401, or a host that never answers (refused, DNS, TLS), stops the scope at once: every other request
  would meet the same answer, and a daily run must not sit through every entity's retries.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import logging
from dataclasses import dataclass
from typing import Callable

from extract.paging import PagingError, pages
from lake.bronze import CLOCK_SKEW, RunWriter, iso, read_watermark
from lake.entities import Entity, select
from lake.http import ApiSession, BudgetExhausted, FatalHttpError, HttpError, Unreachable
from lake.logs import first_line
from lake.progress import Progress
from lake.settings import Settings, SettingsError
from lake.store import Store, open_store

log = logging.getLogger(__name__)

# (entity, resume, since, until) -> query params that select the incremental window. resume: the saved
# watermark when continuing from it, else None; since: ISO start of a backfill (--since), else None.
WindowParams = Callable[[Entity, "str | None", "str | None", str], dict]


@dataclass(frozen=True)
class Source:
    """What an extractor needs to know about a source beyond its entity table."""
    name: str
    entities: tuple[Entity, ...]
    version: str                                         # written into every manifest
    session_for: Callable[[Settings, str], ApiSession]   # raises SettingsError naming what is missing
    window_params: WindowParams
    start_setting: str | None = None                     # where a first run starts (ISO 8601), per scope

    def scopes(self, settings: Settings) -> list[str]:
        """<SOURCE>_SCOPES=acme,globex, else the one scope 'default'."""
        names = [s.strip() for s in (settings.environ.get(f"{self.name.upper()}_SCOPES") or "").split(",")]
        return [s for s in names if s] or ["default"]


@dataclass
class EntityResult:
    source: str
    scope: str
    entity: str
    status: str                      # success | partial | failed | skipped
    rows: int = 0
    pages: int = 0
    run_id: str | None = None
    watermark_before: str | None = None
    watermark_after: str | None = None
    error: str | None = None
    budget_exhausted: bool = False
    auth_failed: bool = False
    unreachable: bool = False
    sweep: bool = False              # a deletion sweep's listing (extract/sweep.py): every record there is,
                                     # not the day's changes, so not the entity's daily volume


def parse_ts(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(dt.timezone.utc)


def extract_source(source: Source, settings: Settings, *, scope_names: list[str] | None = None,
                   entity_names: list[str] | None = None, since: str | None = None,
                   full_refresh: bool = False, sweep: bool = False) -> list[EntityResult]:
    """Extract the chosen scopes and entities; raises SettingsError / ValueError on bad configuration
    (before any request is sent: every scope's settings are checked first). sweep: instead of the
    incremental runs, list every current record of the entities that have a Sweep (extract/sweep.py)."""
    from extract.sweep import sweep_entity, sweepable  # it builds on this module
    entities = select(source.entities, entity_names)
    if sweep:
        entities = sweepable(entities, entity_names)
        if not entities:
            log.info("%s: no entity needs a deletion sweep (its API reports deletions)", source.name)
            return []
    sessions = {scope: source.session_for(settings, scope) for scope in scope_names or source.scopes(settings)}
    starts = {scope: _start(source, settings, scope) for scope in sessions}
    store = open_store(settings)
    results = []
    for scope, session in sessions.items():
        started_at = dt.datetime.now(dt.timezone.utc)
        start = starts[scope]
        for n, entity in enumerate(entities):
            if sweep:
                result = sweep_entity(store=store, session=session, source=source.name, scope=scope, entity=entity,
                                      started_at=started_at, version=source.version)
            else:
                result = extract_entity(store=store, session=session, source=source.name, scope=scope,
                                        entity=entity, window_params=source.window_params, started_at=started_at,
                                        version=source.version, since=since, full_refresh=full_refresh, start=start)
            results.append(result)
            if result.budget_exhausted:
                why = "the daily API budget is spent"
                log.error("%s scope=%s: daily API budget exhausted after %s; what was written is committed "
                          "and %s", source.name, scope, entity.name,
                          "the sweep is incomplete: nothing is flagged from it" if sweep else
                          f"the next run resumes from watermark {result.watermark_after}")
            elif result.auth_failed:
                why = "the API refused the credentials"
                log.error("%s scope=%s: the API refused the credentials; check them (nothing else was asked)",
                          source.name, scope)
            elif result.unreachable:
                why = "the API host did not answer"
                log.error("%s scope=%s: the API host did not answer (%s); the other entities were not tried",
                          source.name, scope, result.error)
            else:
                continue
            # The rest of the scope is not asked (every request would meet the same answer), but each entity
            # still gets its outcome, so meta.pipeline_runs and the health check see all of them.
            results += [EntityResult(source.name, scope, e.name, result.status, error=f"not attempted: {why}",
                                     sweep=sweep) for e in entities[n + 1:]]
            break
    return results


def _start(source: Source, settings: Settings, scope: str) -> str | None:
    value = settings.scoped(source.start_setting, scope) if source.start_setting else None
    if value:
        try:
            return iso(parse_ts(value))
        except ValueError:
            raise SettingsError(f"{settings.scoped_name(source.start_setting, scope)}={value!r} is not an "
                                "ISO 8601 time") from None
    return None


def extract_entity(*, store: Store, session: ApiSession, source: str, scope: str, entity: Entity,
                   window_params: WindowParams, started_at: dt.datetime, version: str,
                   since: str | None = None, full_refresh: bool = False, start: str | None = None) -> EntityResult:
    """start: where the entity begins when there is no watermark to resume from (first run, --full-refresh)."""
    until = iso(started_at)
    before = read_watermark(store, source, scope, entity.name) if entity.incremental else None
    resume = None if (full_refresh or since or not entity.incremental) else before
    if resume and _in_the_future(entity, resume, started_at):
        # Resuming from it would return nothing, every day, with exit 0, while core goes stale (a restored
        # backup, a hand edit, clock skew between hosts). Refuse loudly; --since or --full-refresh repairs it.
        error = (f"watermark {resume} is later than the run start {until}: refusing to resume from it; fix "
                 f"{source}/scope={scope}/entity={entity.name}/_watermark.json or rerun with --since")
        log.error("%s.%s scope=%s %s", source, entity.name, scope, error)
        return EntityResult(source, scope, entity.name, "failed", watermark_before=before, watermark_after=before,
                            error=error)
    since = None if full_refresh else since
    begin = since or (start if resume is None else None)
    window = window_params(entity, resume, begin, until) if entity.incremental else {}
    params = {**entity.params, **window}
    writer = RunWriter(store, source, scope, entity.name, started_at=started_at, extractor_version=version)
    result = EntityResult(source, scope, entity.name, "success", watermark_before=before)
    newest: dt.datetime | None = None
    state, reached_end, stopped = None, False, None
    progress = Progress(f"{source}.{entity.name} scope={scope} extract", unit="records")
    try:
        for page in pages(entity, session, params):
            result.pages += 1
            progress.add(len(page.records))
            for record in page.records:
                writer.write(record)
                value = record.get(entity.cursor_field) if entity.watermark == "max_field" else None
                if value:
                    ts = parse_ts(value)
                    newest = ts if newest is None or ts > newest else newest
            state, reached_end = page.state or state, page.last
    except FatalHttpError as exc:
        if entity.optional and exc.status in (403, 404) and writer.rows == 0:
            writer.abort()
            result.status, result.error = "skipped", f"not available to this account ({exc})"
            log.warning("%s.%s scope=%s skipped: %s", source, entity.name, scope, result.error)
            return result
        stopped = stopped_by(exc, result)
    except (HttpError, PagingError) as exc:
        stopped = stopped_by(exc, result)
    except OSError as exc:  # the lake refused a write (read-only, full disk): this entity fails, in one line
        return _lake_failed(writer, result, exc, before)
    except BaseException:
        writer.abort()
        raise
    finally:
        progress.close()
    if result.status == "failed" and writer.rows == 0:  # nothing to publish: no empty run, no manifest
        writer.abort()
        log.info("%s.%s scope=%s status=failed pages=%d rows=0 watermark %s unchanged", source, entity.name,
                 scope, result.pages, _short(before))
        return result
    # a watermark in the future is no floor: a --since or --full-refresh run replaces it
    floor = None if before and _in_the_future(entity, before, started_at) else before
    after = _next_watermark(entity, floor, resume, newest, state, reached_end, started_at)
    try:
        manifest = writer.commit(cursor_field=entity.cursor_field, watermark_kind=entity.watermark,
                                 watermark_from=before, watermark_to=after,
                                 mode="incremental" if (resume or since) else "full", stopped_reason=stopped)
    except OSError as exc:
        return _lake_failed(writer, result, exc, before)
    result.rows, result.run_id, result.watermark_after = manifest["rows"], manifest["run_id"], after
    log.info("%s.%s scope=%s status=%s pages=%d rows=%d watermark %s -> %s", source, entity.name, scope,
             result.status, result.pages, result.rows, _short(before), _short(after))
    return result


def _lake_failed(writer: RunWriter, result: EntityResult, exc: OSError, before: str | None) -> EntityResult:
    """A lake that refuses writes fails the entity with one line; the run has no manifest, so no loader
    reads it and the watermark stays: the next run reads the same data again."""
    with contextlib.suppress(OSError):
        writer.abort()
    result.status, result.watermark_after = "failed", before
    result.error = f"the lake refused a write ({type(exc).__name__}: {first_line(exc)}); nothing was published"
    log.error("%s.%s scope=%s failed: %s", result.source, result.entity, result.scope, result.error)
    return result


def stopped_by(exc: Exception, result: EntityResult) -> str:
    """Record on result why a listing stopped early; returns the manifest's stopped_reason. A spent daily
    budget is 'partial' (the next run resumes); anything else is 'failed'; a 401 also stops the scope."""
    result.error = str(exc)
    if isinstance(exc, BudgetExhausted):
        result.status, result.budget_exhausted = "partial", True
        return "daily_budget"
    result.status, result.auth_failed = "failed", isinstance(exc, FatalHttpError) and exc.status == 401
    result.unreachable = isinstance(exc, Unreachable)
    return "error"


def _in_the_future(entity: Entity, watermark: str, started_at: dt.datetime) -> bool:
    """A time-like watermark later than the run start (plus CLOCK_SKEW); export cursors are opaque."""
    try:
        if entity.watermark == "max_field":
            at = parse_ts(watermark)
        elif entity.paging == "export_time":
            at = dt.datetime.fromtimestamp(int(watermark), dt.timezone.utc)
        else:
            return False
    except (ValueError, OverflowError, OSError):
        return False
    return at > started_at + CLOCK_SKEW


def _next_watermark(entity: Entity, before: str | None, resume: str | None, newest: dt.datetime | None,
                    state: str | None, reached_end: bool, started_at: dt.datetime) -> str | None:
    if entity.watermark == "max_field":
        if newest is None:
            return before
        candidate = iso(min(newest, started_at))
        return candidate if before is None or parse_ts(candidate) > parse_ts(before) else before
    if entity.watermark == "page_state" and state is not None:
        if entity.paging == "export_time":  # an end_time: epoch seconds, never past the run's start
            state = str(min(int(state), int(started_at.timestamp())))
        if before is None or resume is not None or reached_end:
            return state
    return before


def _short(watermark: str | None) -> str | None:
    """Watermarks in log lines: an opaque export cursor can be long; its head tells runs apart."""
    return watermark if watermark is None or len(watermark) <= 32 else watermark[:29] + "..."
