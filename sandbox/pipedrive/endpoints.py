"""The endpoint table and the two list styles: v2 cursor pages and v1 offset pages.

Data flow: (path, query params) -> ROUTES[path] -> Endpoint row -> select (filters, status, updated_since/
until) -> sort -> page -> envelope dict; invalid input raises wire.ApiError (400).
Run standalone: python -c "from sandbox.pipedrive.generate import build_world; from sandbox.pipedrive.endpoints import ROUTES, serve; print(serve(build_world(1), ROUTES['/api/v2/deals'], {'limit': '2'})['additional_data'])"

Adding an endpoint is adding a row to ROUTES. Stop rules the client must follow (doc §2.1):
cursor pages end when additional_data.next_cursor is null; offset pages end when
additional_data.pagination.more_items_in_collection is false (next_start present only while true).
Cursors are keyset cursors (last sort value + id), so records changed while a client pages through
move rather than shift the pages: nothing is skipped, an updated record may be seen again later.
Accepted but ignored (no data behind them here): include_fields, filter_id, v1 sort. Unknown
parameters are ignored too, except updated_since/updated_until where the real API refuses them.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass

from sandbox.pipedrive.wire import (ApiError, decode_cursor, encode_cursor, envelope, parse_bool,
                                    parse_datetime_param, parse_int, parse_int_list)
from sandbox.pipedrive.world import World

MAX_LIMIT = 500
DEFAULT_LIMIT = 100
DEAL_STATUSES = ("open", "won", "lost", "deleted")
DEFAULT_DEAL_STATUSES = ("open", "won", "lost")  # deleted deals only when asked for (doc §2.4)
V2_LIST_COST, V1_LIST_COST = 10, 20  # daily-budget tokens per request (doc §3.1)


@dataclass(frozen=True)
class Endpoint:
    table: str                      # world table, or the catalog entity for *Fields endpoints
    paging: str                     # "cursor" (v2) | "offset" (v1)
    cost: int
    sort_by: tuple[str, ...] = ("id", "update_time", "add_time")
    filters: tuple[tuple[str, str, str], ...] = ()  # (query param, record key, "int" | "bool")
    incremental: bool = False       # accepts updated_since / updated_until
    deal_status: bool = False       # honours the deals `status` list
    fields_catalog: bool = False    # serves World.catalogs[table]
    all_by_default: bool = False    # v1 lists that return everything when no start/limit is sent


def _v2(table: str, *filters, incremental: bool = True, extra_sort: tuple = (), **kw) -> Endpoint:
    return Endpoint(table, "cursor", V2_LIST_COST, ("id", "update_time", "add_time") + extra_sort,
                    tuple(filters), incremental, **kw)


_OWNER, _IDS = ("owner_id", "owner_id", "int"), ("ids", "id", "int")
ROUTES: dict[str, Endpoint] = {
    "/api/v2/deals": _v2("deals", _OWNER, _IDS, ("person_id", "person_id", "int"), ("org_id", "org_id", "int"),
                         ("pipeline_id", "pipeline_id", "int"), ("stage_id", "stage_id", "int"), deal_status=True),
    "/api/v2/persons": _v2("persons", _OWNER, _IDS, ("org_id", "org_id", "int")),
    "/api/v2/organizations": _v2("organizations", _OWNER, _IDS),
    "/api/v2/activities": _v2("activities", _OWNER, _IDS, ("deal_id", "deal_id", "int"),
                              ("person_id", "person_id", "int"), ("org_id", "org_id", "int"),
                              ("done", "done", "bool"), extra_sort=("due_date",)),
    "/api/v2/pipelines": _v2("pipelines", incremental=False),
    "/api/v2/stages": _v2("stages", ("pipeline_id", "pipeline_id", "int"), incremental=False,
                          extra_sort=("order_nr",)),
}
for _prefix in ("/api/v1", "/v1"):  # v1 answers under both prefixes (doc §1.3)
    ROUTES[f"{_prefix}/users"] = Endpoint("users", "offset", V1_LIST_COST, all_by_default=True)
    for _entity in ("deal", "person", "organization", "activity"):
        ROUTES[f"{_prefix}/{_entity}Fields"] = Endpoint(_entity, "offset", V1_LIST_COST, fields_catalog=True)


def serve(world: World, endpoint: Endpoint, params: dict[str, str]) -> dict:
    """One list request -> the success envelope (call with world.lock held)."""
    if endpoint.paging == "cursor":
        return _cursor_page(world, endpoint, params)
    return _offset_page(world, endpoint, params)


def _limit(params: dict[str, str], default: int) -> int:
    return parse_int("limit", params["limit"], minimum=1, maximum=MAX_LIMIT) if "limit" in params else default


def _select(world: World, endpoint: Endpoint, params: dict[str, str]) -> list[dict]:
    if not endpoint.incremental:
        for name in ("updated_since", "updated_until"):
            if name in params:  # pipelines/stages have no incremental filter (doc §6 pitfall 8)
                raise ApiError(400, f'ERR_SCHEMA_VALIDATION_FAILED: querystring must NOT have additional properties ("{name}")')
    since = parse_datetime_param("updated_since", params["updated_since"]) if "updated_since" in params else None
    until = parse_datetime_param("updated_until", params["updated_until"]) if "updated_until" in params else None
    wanted = []
    for param, key, kind in endpoint.filters:
        if param in params and params[param] != "":
            if param == "ids":
                wanted.append((key, parse_int_list(param, params[param])))
            elif kind == "bool":
                wanted.append((key, {parse_bool(param, params[param])}))
            else:
                wanted.append((key, {parse_int(param, params[param], minimum=0)}))
    statuses = _deal_statuses(params) if endpoint.deal_status else None
    rows = []
    for record in world.tables[endpoint.table].values():
        if statuses is not None and not _status_matches(record, statuses):
            continue
        if since is not None and not (record["update_time"] is not None and record["update_time"] >= since):
            continue  # updated_since is inclusive
        if until is not None and not (record["update_time"] is not None and record["update_time"] < until):
            continue  # updated_until is exclusive
        if all(record[key] in allowed for key, allowed in wanted):
            rows.append(record)
    return rows


def _deal_statuses(params: dict[str, str]) -> set[str]:
    raw = params.get("status", "")
    statuses = {s.strip() for s in raw.split(",") if s.strip()} or set(DEFAULT_DEAL_STATUSES)
    unknown = statuses - set(DEAL_STATUSES)
    if unknown:
        raise ApiError(400, f'ERR_SCHEMA_VALIDATION_FAILED: "status" must be one of {", ".join(DEAL_STATUSES)}')
    return statuses


def _status_matches(deal: dict, statuses: set[str]) -> bool:
    return "deleted" in statuses if deal["is_deleted"] else deal["status"] in statuses


def _sort_value(record: dict, sort_by: str):
    value = record[sort_by]
    return "" if value is None else value  # only string columns (stage update_time) can be null


def _cursor_page(world: World, endpoint: Endpoint, params: dict[str, str]) -> dict:
    limit = _limit(params, DEFAULT_LIMIT)
    cursor = decode_cursor(params["cursor"]) if params.get("cursor") else None
    sort_by = params.get("sort_by") or (cursor or {}).get("s", "id")
    direction = params.get("sort_direction") or (cursor or {}).get("d", "asc")
    if sort_by not in endpoint.sort_by:
        raise ApiError(400, f'ERR_SCHEMA_VALIDATION_FAILED: "sort_by" must be one of {", ".join(endpoint.sort_by)}')
    if direction not in ("asc", "desc"):
        raise ApiError(400, 'ERR_SCHEMA_VALIDATION_FAILED: "sort_direction" must be one of asc, desc')
    rows = _select(world, endpoint, params)

    def key(record: dict) -> tuple:
        return (_sort_value(record, sort_by), record["id"])

    rows.sort(key=key, reverse=direction == "desc")
    if cursor is not None:
        if cursor.get("s", "id") != sort_by or cursor.get("d", "asc") != direction or endpoint.table not in cursor:
            raise ApiError(400, "Invalid cursor: it was issued for a different sort or entity")
        after = (cursor.get("v", cursor[endpoint.table]), cursor[endpoint.table])
        rows = [r for r in rows if (key(r) > after if direction == "asc" else key(r) < after)]
    page = rows[:limit]
    next_cursor = None
    if len(rows) > limit:
        last = page[-1]
        payload = {endpoint.table: last["id"]}
        if sort_by != "id" or direction != "asc":
            payload.update(v=_sort_value(last, sort_by), s=sort_by, d=direction)
        next_cursor = encode_cursor(payload)
    data = [_project(record, params) for record in page]
    return envelope(data, {"next_cursor": next_cursor})


def _project(record: dict, params: dict[str, str]) -> dict:
    """Deep copy for the response; `custom_fields=k1,k2` keeps only those keys (doc §2.2, at most 15)."""
    out = copy.deepcopy(record)
    wanted = [k for k in params.get("custom_fields", "").split(",") if k]
    if wanted and "custom_fields" in out:
        if len(wanted) > 15:
            raise ApiError(400, 'ERR_SCHEMA_VALIDATION_FAILED: "custom_fields" accepts at most 15 keys')
        out["custom_fields"] = {k: v for k, v in out["custom_fields"].items() if k in wanted}
    return out


def _offset_page(world: World, endpoint: Endpoint, params: dict[str, str]) -> dict:
    if endpoint.fields_catalog:
        rows = world.catalogs[endpoint.table]
    else:
        rows = [world.tables[endpoint.table][i] for i in sorted(world.tables[endpoint.table])]
    paged = "start" in params or "limit" in params or not endpoint.all_by_default
    start = parse_int("start", params["start"], minimum=0) if "start" in params else 0
    limit = _limit(params, DEFAULT_LIMIT) if paged else max(1, len(rows))
    page = rows[start:start + limit]
    more = start + limit < len(rows)
    pagination = {"start": start, "limit": limit, "more_items_in_collection": more}
    if more:
        pagination["next_start"] = start + limit
    return envelope(copy.deepcopy(page), {"pagination": pagination})
