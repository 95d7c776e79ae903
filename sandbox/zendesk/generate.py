"""Initial data set of a simulated Zendesk account, deterministic from the seed.

Data flow: (seed, counts, start) -> random.Random(seed) -> brands, groups, field catalog, ticket forms,
organizations, users, tickets -> deletions, deactivations, system updates, a bulk edit -> World.
Run standalone: python -c "from sandbox.zendesk.generate import build_world; w = build_world(7); print({t: len(r) for t, r in w.tables.items()})"

Every timestamp lies at least 61 s before `start` (the sim clock's now), so the whole data set is visible
to the exports at once (they hold back the last minute). Ids follow creation order. Two years of history:
most old tickets are closed long ago and therefore archived; AI-agent tickets are every AI_EVERY-th one
(~3 %); a share of tickets carries a system update (generated_timestamp later than updated_at); a bulk edit
gives BULK_ORGS organizations one shared updated_at second (the time-based export's page overflow).
"""
from __future__ import annotations

import random

from sandbox.zendesk import catalog, records
from sandbox.zendesk.wire import epoch, iso, parse_iso
from sandbox.zendesk.world import HOLD_BACK, World

DEFAULT_START = "2026-11-01T00:00:00Z"
DEFAULT_COUNTS = {"tickets": 300, "users": 120, "organizations": 40, "groups": 6}
DEFAULT_SUBDOMAIN = "simco"
HISTORY_DAYS = 2 * 365
AI_EVERY, AI_AT = 33, 4
DELETED_TICKET_SHARE = 0.08    # of the tickets not yet archived
SYSTEM_UPDATE_SHARE = 0.12
INACTIVE_USER_SHARE = 0.05
DELETED_ORG_SHARE = 0.06
BULK_ORGS = 8
STATUS_OLD = (("closed", 0.8), ("solved", 0.08), ("open", 0.05), ("pending", 0.04), ("hold", 0.03))
STATUS_RECENT = (("new", 0.15), ("open", 0.3), ("pending", 0.15), ("hold", 0.05), ("solved", 0.2), ("closed", 0.15))


def between(world: World, low: int, high: int) -> int:
    return world.rng.randint(low, max(low, high))


def _times(world: World, count: int, low: int, high: int) -> list[int]:
    return sorted(between(world, low, high) for _ in range(count))


def _check(counts: dict) -> dict:
    unknown = set(counts) - set(DEFAULT_COUNTS)
    if unknown:
        raise ValueError(f"unknown record counts {sorted(unknown)}; known: {sorted(DEFAULT_COUNTS)}")
    merged = {**DEFAULT_COUNTS, **{k: v for k, v in counts.items() if v is not None}}
    if merged["users"] < 3 or merged["groups"] < 1 or merged["organizations"] < 0 or merged["tickets"] < 0:
        raise ValueError("need at least 3 users (an admin, an agent, an end-user) and 1 group")
    return merged


def build_world(seed: int = 1, counts: dict | None = None, start: str = DEFAULT_START,
                subdomain: str = DEFAULT_SUBDOMAIN, forms_on_plan: bool = True) -> World:
    counts = _check(counts or {})
    now = parse_iso(start)
    world = World(seed=seed, now=now, rng=random.Random(seed), base=f"https://{subdomain}.zendesk.com",
                  forms_on_plan=forms_on_plan)
    founded, last = epoch(start) - HISTORY_DAYS * 86400, epoch(start) - HOLD_BACK - 1
    world.brand_ids = [world.allocate("brand"), world.allocate("brand")]
    for nth, created in enumerate(_times(world, counts["groups"], founded, founded + 86400 * 30)):
        world.add("groups", records.make_group(world, nth, iso(created), iso(between(world, created, last))))
    for row in catalog.build_fields(world.allocate, world.base, iso(founded)):
        world.add("ticket_fields", row)
    for row in catalog.build_forms(world.allocate, world.base, iso(founded), world.fields()):
        world.add("ticket_forms", row)
    for nth, created in enumerate(_times(world, counts["organizations"], founded, last - 86400)):
        updated = iso(between(world, created, last))
        world.add("organizations", records.make_organization(world, nth, iso(created), updated))
    staff = max(2, counts["users"] // 10)
    for nth, created in enumerate(_times(world, counts["users"], founded, last - 86400)):
        role = "admin" if nth == 0 else "agent" if nth < staff else "end-user"
        world.add("users", records.make_user(world, nth, iso(created), iso(between(world, created, last)), role))
    pools = records.ticket_pools(world)
    for nth, created in enumerate(_times(world, counts["tickets"], founded, last - 3600)):
        _add_ticket(world, nth, created, last, pools)
    _deletions(world, last)
    _bulk_edit(world, last)
    return world


def _add_ticket(world: World, nth: int, created: int, last: int, pools: dict) -> None:
    old = world.now_epoch - created > 45 * 86400
    labels, weights = zip(*(STATUS_OLD if old else STATUS_RECENT))
    status = world.rng.choices(labels, weights)[0]
    if status in ("solved", "closed"):
        updated = min(last, created + world.rng.randint(3600, 21 * 86400))
    else:
        updated = between(world, created, last)
    ai = nth % AI_EVERY == AI_AT
    world.add("tickets", records.make_ticket(world, nth, iso(created), iso(updated), status, ai, pools))


def _deletions(world: World, last: int) -> None:
    """Deleted tickets, deactivated users, deleted organizations, and system updates (at least one of each)."""
    rng = world.rng
    editable = world.editable_ticket_ids(include_closed=True)
    doomed = [i for i in editable if rng.random() < DELETED_TICKET_SHARE] or editable[:1]
    for ticket_id in doomed:
        ticket = world.tables["tickets"][ticket_id]
        at = iso(between(world, epoch(ticket["updated_at"]), last))
        ticket.update(status="deleted", updated_at=at, generated_timestamp=epoch(at))
    for ticket_id in world.editable_ticket_ids():
        ticket = world.tables["tickets"][ticket_id]
        if rng.random() < SYSTEM_UPDATE_SHARE:
            ticket["generated_timestamp"] = between(world, epoch(ticket["updated_at"]) + 1, last)
    end_users = world.user_ids()
    for user_id in [i for i in end_users if rng.random() < INACTIVE_USER_SHARE] or end_users[-1:]:
        user = world.tables["users"][user_id]
        user.update(active=False, updated_at=iso(between(world, epoch(user["updated_at"]), last)))
    orgs = world.live_ids("organizations")
    for org_id in [i for i in orgs if rng.random() < DELETED_ORG_SHARE] or orgs[-1:]:
        org = world.tables["organizations"][org_id]
        at = iso(between(world, epoch(org["updated_at"]), last))
        org.update(deleted_at=at, updated_at=at)


def _bulk_edit(world: World, last: int) -> None:
    """An admin's bulk update: BULK_ORGS live organizations get one shared updated_at second."""
    instant = iso(last - world.rng.randint(86400, 30 * 86400))
    orgs = [i for i in world.live_ids("organizations") if world.tables["organizations"][i]["updated_at"] < instant]
    for org_id in world.rng.sample(orgs, min(BULK_ORGS, len(orgs))):
        world.tables["organizations"][org_id]["updated_at"] = instant
