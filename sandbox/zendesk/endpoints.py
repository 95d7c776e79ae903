"""The endpoint table: which path serves which table in which style.

Data flow: request path -> route_for() (with or without `.json`) -> Route row -> serve(): exports.py for the
incremental exports, lists.py for the lists -> envelope dict; refusals raise wire.ApiError.
Run standalone: python -c "from sandbox.zendesk.endpoints import ROUTES; print(*ROUTES, sep='\\n')"

Adding an endpoint is adding a row. What each list shows (doc §2.7, §3.3): /api/v2/tickets leaves out
archived and deleted tickets (only the export has them: the reason the pipeline uses it); /api/v2/groups
includes deleted groups (`deleted: true`) unless exclude_deleted=true; ticket_forms answers 403 on plans
without forms. The time-based ticket and user exports are served too (doc §2.1), for comparison.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from sandbox.zendesk.exports import cursor_export, time_export
from sandbox.zendesk.lists import list_page
from sandbox.zendesk.wire import ApiError, parse_bool
from sandbox.zendesk.world import World

INCREMENTAL_PREFIX = "/api/v2/incremental/"
FORBIDDEN = ("Forbidden", "You do not have access to this page. Please contact the account owner of this "
                          "help desk for further help.")


@dataclass(frozen=True)
class Route:
    kind: str                   # "cursor_export" | "time_export" | "list"
    table: str
    unpaginated: bool = False   # lists: whole list when no page[...] parameter is sent
    plan_gated: bool = False    # 403 when the account's plan lacks the feature


ROUTES = {
    "/api/v2/incremental/tickets/cursor": Route("cursor_export", "tickets"),
    "/api/v2/incremental/users/cursor": Route("cursor_export", "users"),
    "/api/v2/incremental/tickets": Route("time_export", "tickets"),
    "/api/v2/incremental/users": Route("time_export", "users"),
    "/api/v2/incremental/organizations": Route("time_export", "organizations"),
    "/api/v2/groups": Route("list", "groups"),
    "/api/v2/ticket_fields": Route("list", "ticket_fields", unpaginated=True),
    "/api/v2/ticket_forms": Route("list", "ticket_forms", plan_gated=True),
    "/api/v2/tickets": Route("list", "tickets"),
}


def canonical(path: str) -> str:
    """'/api/v2/groups.json' and '/api/v2/groups/' -> '/api/v2/groups' (both forms work, doc §1)."""
    path = path.rstrip("/") or "/"
    return path[:-5] if path.endswith(".json") else path


def route_for(path: str) -> Route | None:
    return ROUTES.get(canonical(path))


def is_incremental(path: str) -> bool:
    return canonical(path).startswith(INCREMENTAL_PREFIX)


def _list_rows(world: World, table: str, params: dict[str, str]) -> list[dict]:
    rows = [world.tables[table][i] for i in sorted(world.tables[table])]
    if table == "tickets":
        return [t for t in rows if t["status"] != "deleted" and not world.is_archived(t)]
    if table == "groups" and parse_bool("exclude_deleted", params.get("exclude_deleted", "false")):
        return [g for g in rows if not g["deleted"]]
    return rows


def serve(world: World, route: Route, params: dict[str, str], base: str,
          take_empty: Callable[[], bool] = lambda: False) -> dict:
    """One GET -> the response body (call with world.lock held). `base`: scheme://host the client called."""
    if route.plan_gated and not world.forms_on_plan:
        raise ApiError(403, *FORBIDDEN)
    if route.kind == "cursor_export":
        return cursor_export(world, route.table, params, base, take_empty)
    if route.kind == "time_export":
        return time_export(world, route.table, params, base)
    return list_page(route.table, _list_rows(world, route.table, params), params, base, unpaginated=route.unpaginated)
