"""List endpoints: cursor pagination (page[size], page[after]/page[before]), offset pagination and unpaginated.

Data flow: (table, rows in id order, query params) -> cursor / offset / whole-list page -> envelope dict;
invalid paging input raises wire.ApiError (400).
Run standalone: python -c "from sandbox.zendesk.generate import build_world; from sandbox.zendesk.lists import list_page; w = build_world(1); print(list_page('groups', w.truth('groups'), {'page[size]': '2'}, 'http://h')['meta'])"

Style is chosen per request, as on Zendesk (doc §3): any page[...] parameter -> cursor pagination, ordered
by id, page[size] at most 100 (more is a 400), stop rule `meta.has_more` false. Decision: after_cursor,
before_cursor and both links are present on every non-empty page, the last one included (following
links.next from the last page yields an empty page with null cursors and links), so a client must stop on
has_more, not on a missing link. Without page[...]: ticket_fields answers the whole catalog ordered by
position (unpaginated, as documented); the other lists answer offset pages (`page`, `per_page` <= 100,
next_page / previous_page / count), refusing pages beyond the first 10,000 records (400).
"""
from __future__ import annotations

import copy
from urllib.parse import urlencode

from sandbox.zendesk.wire import ApiError, decode_list_cursor, encode_list_cursor, parse_int

MAX_PAGE_SIZE = 100
OFFSET_DEPTH = 10_000
CURSOR_PARAMS = ("page[size]", "page[after]", "page[before]")
KEPT = ("exclude_deleted",)  # filters repeated in the links


def list_page(table: str, rows: list[dict], params: dict[str, str], base: str, *, unpaginated: bool = False) -> dict:
    """rows: the records this list shows, in id order (call with world.lock held)."""
    if any(name in params for name in CURSOR_PARAMS):
        return _cursor_page(table, rows, params, base)
    if unpaginated:
        ordered = sorted(rows, key=lambda r: (r["position"], r["id"]))
        return {table: copy.deepcopy(ordered), "next_page": None, "previous_page": None, "count": len(ordered)}
    return _offset_page(table, rows, params, base)


def _url(base: str, table: str, query: dict) -> str:
    return f"{base}/api/v2/{table}.json?{urlencode(query)}"


def _cursor_page(table: str, rows: list[dict], params: dict[str, str], base: str) -> dict:
    size = parse_int("page[size]", params.get("page[size]") or str(MAX_PAGE_SIZE), minimum=1,
                     maximum=MAX_PAGE_SIZE, error="InvalidPaginationParameter")
    if params.get("page[after]"):
        after_id = decode_list_cursor(params["page[after]"])
        rest = [r for r in rows if r["id"] > after_id]
        page, more = rest[:size], len(rest) > size
    elif params.get("page[before]"):
        before_id = decode_list_cursor(params["page[before]"])
        rest = [r for r in rows if r["id"] < before_id]
        page, more = rest[-size:], len(rest) > size
    else:
        page, more = rows[:size], len(rows) > size
    kept = {k: params[k] for k in KEPT if k in params}
    after = encode_list_cursor(page[-1]["id"]) if page else None
    before = encode_list_cursor(page[0]["id"]) if page else None
    links = {"prev": _url(base, table, {"page[before]": before, "page[size]": size, **kept}) if page else None,
             "next": _url(base, table, {"page[after]": after, "page[size]": size, **kept}) if page else None}
    return {table: copy.deepcopy(page), "meta": {"has_more": more, "after_cursor": after, "before_cursor": before},
            "links": links}


def _offset_page(table: str, rows: list[dict], params: dict[str, str], base: str) -> dict:
    per_page = parse_int("per_page", params.get("per_page") or str(MAX_PAGE_SIZE), minimum=1, maximum=MAX_PAGE_SIZE)
    number = parse_int("page", params.get("page") or "1", minimum=1)
    offset = (number - 1) * per_page
    if offset >= OFFSET_DEPTH:
        raise ApiError(400, "InvalidPaginationParameter",
                       "Offset pagination is limited to the first 10000 records. Use cursor pagination instead.")
    kept = {k: params[k] for k in KEPT if k in params}
    chunk = rows[offset:offset + per_page]
    more = offset + per_page < len(rows)

    def page_url(n: int) -> str:
        return _url(base, table, {"page": n, "per_page": per_page, **kept})

    return {table: copy.deepcopy(chunk), "next_page": page_url(number + 1) if more else None,
            "previous_page": page_url(number - 1) if number > 1 else None, "count": len(rows)}
