"""Pagination styles: a small closed set, each with its stop rule written next to it.

Data flow: extract engine -> pages(style, session, path, params) -> ApiSession.get_json -> (records, response).
Run standalone: used by extract/*_bronze.py; no entry point of its own.

Every loop is bounded: a server that keeps answering "more" without progress (same cursor or offset
twice) is an error, not an endless loop.
"""
from __future__ import annotations

from typing import Iterator

from lake.http import ApiSession

MAX_PAGES = 1_000_000


class PagingError(Exception):
    """The API's paging did not progress (a repeated cursor or offset)."""


def cursor_pages(session: ApiSession, path: str, params: dict) -> Iterator[list[dict]]:
    """Pipedrive v2 cursor pages. Stop rule: `additional_data.next_cursor` null or missing
    (some v2 endpoints omit `additional_data` entirely on the last page)."""
    cursor = None
    for _ in range(MAX_PAGES):
        body = session.get_json(path, {**params, **({"cursor": cursor} if cursor else {})})
        yield body.get("data") or []
        nxt = (body.get("additional_data") or {}).get("next_cursor")
        if not nxt:
            return
        if nxt == cursor:
            raise PagingError(f"{path}: next_cursor repeated, the API is not advancing")
        cursor = nxt
    raise PagingError(f"{path}: more than {MAX_PAGES} pages")


def offset_pages(session: ApiSession, path: str, params: dict) -> Iterator[list[dict]]:
    """Pipedrive v1 offset pages. Stop rule: `additional_data.pagination.more_items_in_collection`
    false or missing (unpaginated endpoints like /v1/users send no pagination block at all)."""
    start = 0
    for _ in range(MAX_PAGES):
        body = session.get_json(path, {**params, "start": str(start)})
        yield body.get("data") or []
        pagination = (body.get("additional_data") or {}).get("pagination") or {}
        if not pagination.get("more_items_in_collection"):
            return
        nxt = int(pagination.get("next_start", start + int(params.get("limit", 100))))
        if nxt <= start:
            raise PagingError(f"{path}: next_start {nxt} does not advance past {start}")
        start = nxt
    raise PagingError(f"{path}: more than {MAX_PAGES} pages")


STYLES = {"cursor": cursor_pages, "offset": offset_pages}


def pages(style: str, session: ApiSession, path: str, params: dict) -> Iterator[list[dict]]:
    return STYLES[style](session, path, params)
