"""Pagination styles: a small closed set, each with its stop rule written next to it.

Data flow: extract engine -> pages(entity, session, params) -> ApiSession.get_json -> Page(records, state).
Run standalone: used by extract/engine.py; no entry point of its own.

A Page carries its records and, for the incremental exports, the position to resume from once those
records are durable (`state`: an export cursor, or a time-based export's end_time). The engine keeps the
state of the last page it wrote; it never has to guess a position from the records.
Every loop is bounded: a server that keeps answering "more" without progress (same cursor, offset or
start time twice) is a PagingError, not an endless loop.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from lake.entities import Entity
from lake.http import ApiSession

MAX_PAGES = 1_000_000


class PagingError(Exception):
    """The API's paging did not progress (a repeated cursor, offset or start time)."""


@dataclass(frozen=True)
class Page:
    records: list[dict]
    state: str | None = None     # where the next run resumes once these records are written (exports only)
    last: bool = False           # the API said this page ends the stream


def _records(body: dict, member: str) -> list[dict]:
    records = body.get(member)
    return records if isinstance(records, list) else []


def cursor_pages(session: ApiSession, entity: Entity, params: dict) -> Iterator[Page]:
    """Pipedrive v2 cursor pages. Stop rule: `additional_data.next_cursor` null or missing
    (some v2 endpoints omit `additional_data` entirely on the last page)."""
    cursor = None
    for _ in range(MAX_PAGES):
        body = session.get_json(entity.path, {**params, **({"cursor": cursor} if cursor else {})})
        nxt = (body.get("additional_data") or {}).get("next_cursor")
        yield Page(_records(body, entity.records), last=not nxt)
        if not nxt:
            return
        if nxt == cursor:
            raise PagingError(f"{entity.path}: next_cursor repeated, the API is not advancing")
        cursor = nxt
    raise PagingError(f"{entity.path}: more than {MAX_PAGES} pages")


def offset_pages(session: ApiSession, entity: Entity, params: dict) -> Iterator[Page]:
    """Pipedrive v1 offset pages. Stop rule: `additional_data.pagination.more_items_in_collection`
    false or missing (unpaginated endpoints like /v1/users send no pagination block at all)."""
    start = 0
    for _ in range(MAX_PAGES):
        body = session.get_json(entity.path, {**params, "start": str(start)})
        pagination = (body.get("additional_data") or {}).get("pagination") or {}
        more = bool(pagination.get("more_items_in_collection"))
        yield Page(_records(body, entity.records), last=not more)
        if not more:
            return
        nxt = int(pagination.get("next_start", start + int(params.get("limit", 100))))
        if nxt <= start:
            raise PagingError(f"{entity.path}: next_start {nxt} does not advance past {start}")
        start = nxt
    raise PagingError(f"{entity.path}: more than {MAX_PAGES} pages")


def export_cursor_pages(session: ApiSession, entity: Entity, params: dict) -> Iterator[Page]:
    """Zendesk cursor-based incremental export: the first call carries start_time (or a saved cursor),
    every later one `cursor=<after_cursor>`. Stop rule: `end_of_stream` true; when it is missing, go on
    while an after_cursor/after_url comes back (Airbyte's fix), stop when neither does. An empty page
    with end_of_stream false is NOT the end. State = the newest after_cursor: it is also the start of the
    next scheduled run (an export that matched nothing may return none: the old position stays)."""
    state = params.get("cursor")
    for _ in range(MAX_PAGES):
        body = session.get_json(entity.path, params)
        records = _records(body, entity.records)
        after = body.get("after_cursor") or None
        end = body.get("end_of_stream")
        last = end is True or (end is None and not (after or body.get("after_url")))
        if after and after == state and not records and not last:
            raise PagingError(f"{entity.path}: after_cursor repeated on an empty page, the export is not advancing")
        state = after or state
        yield Page(records, state=state, last=last)
        if last:
            return
        if not after:
            raise PagingError(f"{entity.path}: end_of_stream false but no after_cursor to continue from")
        params = {k: v for k, v in params.items() if k != "start_time"} | {"cursor": after}
    raise PagingError(f"{entity.path}: more than {MAX_PAGES} pages")


def export_time_pages(session: ApiSession, entity: Entity, params: dict) -> Iterator[Page]:
    """Zendesk time-based incremental export: `start_time` (inclusive) = the previous page's `end_time`.
    Stop rule: `end_of_stream` true, never a missing next_page (it is never null, the zenpy#451 loop).
    Boundary records repeat by design (the loader stores a version once). A page whose end_time does not
    move past its start_time is pinned on one second and would loop forever: PagingError. State =
    end_time (epoch seconds, as text)."""
    start = int(params["start_time"])
    for _ in range(MAX_PAGES):
        body = session.get_json(entity.path, {**params, "start_time": str(start)})
        records = _records(body, entity.records)
        end_time = body.get("end_time")
        last = body.get("end_of_stream") is True
        nxt = int(end_time) if isinstance(end_time, (int, float)) and not isinstance(end_time, bool) else None
        yield Page(records, state=str(nxt if nxt is not None else start), last=last)
        if last:
            return
        if nxt is None or nxt <= start:
            raise PagingError(f"{entity.path}: end_time {end_time!r} does not advance past start_time {start}")
        start = nxt
    raise PagingError(f"{entity.path}: more than {MAX_PAGES} pages")


def links_pages(session: ApiSession, entity: Entity, params: dict) -> Iterator[Page]:
    """Zendesk cursor-paginated lists (`page[size]`, `page[after]`). Stop rule: `meta.has_more` false;
    when has_more is absent (some endpoints omit it), go on while `links.next` is present."""
    after = None
    for _ in range(MAX_PAGES):
        body = session.get_json(entity.path, {**params, **({"page[after]": after} if after else {})})
        meta, links = body.get("meta") or {}, body.get("links") or {}
        more = meta["has_more"] is True if "has_more" in meta else bool(links.get("next"))
        nxt = meta.get("after_cursor")
        yield Page(_records(body, entity.records), last=not more)
        if not more:
            return
        if not nxt or nxt == after:
            raise PagingError(f"{entity.path}: has_more but after_cursor {nxt!r} does not advance")
        after = nxt
    raise PagingError(f"{entity.path}: more than {MAX_PAGES} pages")


STYLES = {"cursor": cursor_pages, "offset": offset_pages, "export_cursor": export_cursor_pages,
          "export_time": export_time_pages, "links": links_pages}


def pages(entity: Entity, session: ApiSession, params: dict) -> Iterator[Page]:
    return STYLES[entity.paging](session, entity, params)
