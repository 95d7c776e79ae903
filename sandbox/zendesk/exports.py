"""The incremental exports: cursor-based (tickets, users) and time-based (organizations; tickets and users too).

Data flow: (table, query params) -> visible stream sorted by (timestamp, id) -> one page -> envelope dict;
invalid input raises wire.ApiError (400 / 422).
Run standalone: python -c "from sandbox.zendesk.generate import build_world; from sandbox.zendesk.exports import cursor_export; b = cursor_export(build_world(1), 'tickets', {'start_time': '0', 'per_page': '2'}, 'http://h'); print(b['after_cursor'], b['end_of_stream'])"

Rules (doc §2.2-§2.5, §2.7): the timestamp is generated_timestamp for tickets and updated_at for the
others; records stamped within the last 60 s of now are held back; start_time is refused when in the
future (400) or less than a minute old (422). support_type_scope (tickets): agent (default, leaves out
AI-agent tickets) | all | ai_agent. exclude_deleted=true drops deleted tickets; by default they come
with status "deleted". Archived tickets are exported like any other. `include` is accepted, no sideload.
Cursor export: the first call takes start_time (>=), later calls `cursor` (strictly after its position);
after_cursor comes back on every non-empty page, the last one included (a client resumes from it later);
a start_time call that matched nothing returns after_cursor null; a cursor call with nothing new returns
the cursor it was given. Paging parameters are read from each request, not kept in the cursor; after_url
repeats them. Time-based export: start_time inclusive, so boundary records repeat on the next call;
next_page is never null; a full page grows past per_page to keep every record of its last second
(the documented overflow; with more than per_page records in one second the export is pinned there).
"""
from __future__ import annotations

import copy
from typing import Callable
from urllib.parse import urlencode

from sandbox.zendesk.wire import ApiError, decode_export_cursor, encode_export_cursor, epoch, parse_bool, parse_int
from sandbox.zendesk.world import HOLD_BACK, World

MAX_PER_PAGE = 1000
SCOPES = ("agent", "all", "ai_agent")
PASSED_ON = ("per_page", "support_type_scope", "exclude_deleted", "include")
TOO_RECENT = "Too recent start_time. Use a start_time older than 1 minute"


def _start_time(world: World, params: dict[str, str]) -> int:
    start = parse_int("start_time", params["start_time"], minimum=0)
    if start > world.now_epoch:
        raise ApiError(400, "InvalidValue", "start_time cannot be in the future")
    if start > world.now_epoch - HOLD_BACK:
        raise ApiError(422, "InvalidValue", TOO_RECENT)
    return start


def _per_page(params: dict[str, str]) -> int:
    if "per_page" not in params:
        return MAX_PER_PAGE
    return parse_int("per_page", params["per_page"], minimum=1, maximum=MAX_PER_PAGE)


def _stamp(table: str, record: dict) -> int:
    return record["generated_timestamp"] if table == "tickets" else epoch(record["updated_at"])


def _stream(world: World, table: str, params: dict[str, str]) -> list[tuple[int, int, dict]]:
    """Visible records of `table` as (timestamp, id, record), sorted, filters applied."""
    scope = params.get("support_type_scope") or "agent"
    if scope not in SCOPES:
        raise ApiError(400, "InvalidValue", f"support_type_scope must be one of {', '.join(SCOPES)}")
    exclude_deleted = parse_bool("exclude_deleted", params.get("exclude_deleted", "false"))
    until, rows = world.visible_until(), []
    for record in world.tables[table].values():
        stamp = _stamp(table, record)
        if stamp > until:
            continue  # the last minute is held back
        if table == "tickets":
            ai = world.is_ai_agent(record)
            if (scope == "agent" and ai) or (scope == "ai_agent" and not ai):
                continue
            if exclude_deleted and record["status"] == "deleted":
                continue
        rows.append((stamp, record["id"], record))
    rows.sort(key=lambda row: (row[0], row[1]))
    return rows


def _passed_on(params: dict[str, str]) -> dict[str, str]:
    return {k: params[k] for k in PASSED_ON if k in params}


def cursor_export(world: World, table: str, params: dict[str, str], base: str,
                  take_empty: Callable[[], bool] = lambda: False) -> dict:
    per_page = _per_page(params)
    if params.get("cursor"):
        stamp, record_id, seq = decode_export_cursor(params["cursor"])
        position, first_call = (stamp, record_id), False
    elif params.get("start_time"):
        position, seq, first_call = (_start_time(world, params), 0), 0, True  # (start, 0): every id at start counts
    else:
        raise ApiError(400, "InvalidValue", "start_time or cursor is required")
    rows = [row for row in _stream(world, table, params) if (row[0], row[1]) > position]
    if take_empty():  # sim.empty_pages(): nothing on this page, yet a fresh cursor and more to come
        page, after, end = [], encode_export_cursor(*position, seq + 1), False
    else:
        page, end = rows[:per_page], len(rows) <= per_page
        if page:
            after = encode_export_cursor(page[-1][0], page[-1][1])
        else:
            after = None if first_call else params["cursor"]
    after_url = None
    if after is not None:
        query = urlencode({"cursor": after, **_passed_on(params)})
        after_url = f"{base}/api/v2/incremental/{table}/cursor.json?{query}"
    return {table: [copy.deepcopy(row[2]) for row in page], "after_url": after_url, "after_cursor": after,
            "before_url": None, "before_cursor": None, "end_of_stream": end}


def time_export(world: World, table: str, params: dict[str, str], base: str) -> dict:
    if not params.get("start_time"):
        raise ApiError(400, "InvalidValue", "start_time is required")
    start, per_page = _start_time(world, params), _per_page(params)
    rows = [row for row in _stream(world, table, params) if row[0] >= start]
    size = min(per_page, len(rows))
    while 0 < size < len(rows) and rows[size][0] == rows[size - 1][0]:
        size += 1  # never split a second across pages: the page overflows instead
    page = rows[:size]
    end_time = page[-1][0] if page else start
    query = urlencode({"per_page": per_page, "start_time": end_time,
                       **{k: v for k, v in _passed_on(params).items() if k != "per_page"}})
    return {table: [copy.deepcopy(row[2]) for row in page], "count": len(page), "end_time": end_time,
            "next_page": f"{base}/api/v2/incremental/{table}.json?{query}", "end_of_stream": len(page) < per_page}
