"""The Zendesk side of bench/powerbi.py: bench/zendesk.py's tickets, pointed at dimensions that exist.

Data flow: bench.zendesk.make_ticket (the ticket, its 15 custom fields and tags) -> link() (requester,
           submitter, organization, group ids moved into the ranges written here) -> bronze runs of tickets,
           ticket_fields, ticket_forms, groups, organizations, users (lake.bronze via bench.harness).
Run standalone: python -m bench.powerbi --deals 20000 --tickets 20000 (this module has no entry point).

- bench/zendesk.py draws tickets against 40 agents, 300,000 end users, 40,000 organizations, 6 groups and
  the catalog's 3 active forms, and writes none of them. Here: the 40 agents and N/200 end users (5,000 at
  1M tickets), N/500 organizations (2,000), 20 groups (the generator's 6 and 14 more, tickets spread over
  all), the 4 forms of the catalog (one retired), ids folded into those ranges by arithmetic on the ticket's
  own numbers (no rng draw: a change run gives the same links). One end user in 1,000 and one organization
  in 500 is never written: normalize adds inferred members for them.
- Ids are allocated exactly as bench.zendesk.account() allocates them (same World, same order), so the
  catalog, forms and first 6 groups are the ones its tickets carry.
- Change rounds: round 1 is bench/zendesk.py's own change run; round r > 1 the same rule with a
  round-specific seed, r days later (see bench/powerbi_pipedrive.py for why).
"""
from __future__ import annotations

import datetime as dt
import random

from bench import harness, zendesk as zd
from lake.bronze import RunWriter
from lake.sources.zendesk import SOURCE
from lake.store import open_store
from sandbox.zendesk import catalog, names
from sandbox.zendesk.records import CUSTOM_STATUS, GROUP_NAMES
from sandbox.zendesk.wire import encode_export_cursor, iso
from sandbox.zendesk.world import World

GROUPS, MISSING_USER_EVERY, MISSING_ORG_EVERY = 20, 1_000, 500


def sizes(n: int) -> tuple[int, int]:
    """(end users, organizations) for n tickets."""
    return max(100, n // 200), max(20, n // 500)


def catalog_ids() -> tuple[list[dict], list[dict], list[int]]:
    """(ticket fields, forms, group ids): bench.zendesk.account()'s allocations, then GROUPS - 6 more groups."""
    world = World(seed=zd.SEED, now=zd.START, rng=random.Random(zd.SEED), base=zd.BASE)
    created = iso(zd.START_S - zd.HISTORY_S - 86_400)
    fields = catalog.build_fields(world.allocate, zd.BASE, created)
    forms = catalog.build_forms(world.allocate, zd.BASE, created, fields)
    return fields, forms, [world.allocate("groups") for _ in range(GROUPS)]  # one counter per kind


def link(ticket: dict, nth: int, n: int, groups: list[int]) -> dict:
    end_users, organizations = sizes(n)
    requester = zd.END_USER_0 + 97 * ((ticket["requester_id"] - zd.END_USER_0) // 97 % end_users)
    if ticket["submitter_id"] == ticket["requester_id"]:
        ticket["submitter_id"] = requester
    ticket["requester_id"] = requester
    if ticket["organization_id"] is not None:
        k = (ticket["organization_id"] - zd.ORGANIZATION_0) // 311 % organizations
        ticket["organization_id"] = zd.ORGANIZATION_0 + 311 * k
    if ticket["group_id"] is not None:
        ticket["group_id"] = groups[nth * 7919 % len(groups)]
    return ticket


def change(ticket: dict, nth: int, acct: zd.Account, rnd: int) -> None:
    """Round 1 is bench/zendesk.py's change; later rounds the same rule, drawn again, rnd days later."""
    if rnd == 1:
        zd.change(ticket, nth, acct)
        return
    rng = random.Random(f"{zd.SEED} powerbi change {rnd} {nth}")
    at = zd.START_S + (rnd - 1) * 86_400 + rng.randrange(86_400)
    status = rng.choice([s for s in zd.CHANGE_STATUSES if s != ticket["status"]])
    ticket.update(updated_at=iso(at), generated_timestamp=at, status=status, custom_status_id=CUSTOM_STATUS[status],
                  assignee_id=rng.choice([a for a in zd.AGENTS if a != ticket["assignee_id"]]))
    for field in rng.sample(acct.custom, 3):
        catalog.set_custom_value(ticket, field, catalog.custom_value(rng, field, nth))


def dimensions(n: int, forms: list[dict], groups: list[int]) -> dict[str, list[dict]]:
    """Every dimension row in the export/list shapes normalize reads."""
    rng, at = random.Random(f"{zd.SEED} powerbi"), iso(zd.START_S - zd.HISTORY_S - 86_400)
    end_users, organizations = sizes(n)
    group_rows = [{"id": g, "name": GROUP_NAMES[k % 6] + ("" if k < 6 else f" {k}"), "description": "",
                   "default": k == 0, "is_public": True, "deleted": False, "created_at": at, "updated_at": at}
                  for k, g in enumerate(groups)]
    orgs = [{"id": zd.ORGANIZATION_0 + 311 * k, "name": names.org_name(rng, k), "group_id": None,
             "external_id": None, "domain_names": [], "tags": [], "shared_tickets": False,
             "shared_comments": False, "created_at": at, "updated_at": at, "deleted_at": None}
            for k in range(organizations) if k % MISSING_ORG_EVERY != MISSING_ORG_EVERY - 1]
    users = []
    for k, user_id in [(k, a) for k, a in enumerate(zd.AGENTS)] + [
            (k, zd.END_USER_0 + 97 * k) for k in range(end_users) if k % MISSING_USER_EVERY != MISSING_USER_EVERY - 1]:
        agent = user_id < zd.END_USER_0
        name, first, last = names.person_name(rng)
        users.append({"id": user_id, "name": name, "email": names.email_for(first, last, k),
                      "role": "agent" if agent else "end-user", "active": True, "suspended": False,
                      "verified": True, "locale": "en-US", "time_zone": "Paris", "iana_time_zone": "Europe/Paris",
                      "organization_id": None if agent else zd.ORGANIZATION_0 + 311 * (k % organizations),
                      "default_group_id": groups[k % len(groups)] if agent else None, "custom_role_id": None,
                      "external_id": None, "created_at": at, "updated_at": at, "last_login_at": None})
    return {"ticket_forms": forms, "groups": group_rows, "organizations": orgs, "users": users}


def write_bronze(n: int, rnd: int) -> None:
    """Round 0: complete runs of every dimension, the tickets and their field catalog. Round r >= 1: the
    changed 1 % of the tickets (and the catalog again, as bench/zendesk.py writes it)."""
    store, acct = open_store(), zd.account()
    fields, forms, groups = catalog_ids()
    started = zd.START + dt.timedelta(days=rnd)
    if rnd == 0:
        for entity, rows in dimensions(n, forms, groups).items():
            harness.write_catalog(store, SOURCE, entity, started, rows)

    def tickets():
        for nth in harness.record_ids("bronze" if rnd == 0 else "changes", n, zd.SEED):
            ticket = link(zd.make_ticket(nth, n, acct), nth, n, groups)
            if rnd:
                change(ticket, nth, acct, rnd)
            yield ticket

    writer = RunWriter(store, SOURCE, harness.SCOPE, "tickets", started_at=started, extractor_version="bench")
    newest, size = harness.write_records(writer, tickets(), lambda t: (t["generated_timestamp"], t["id"]))
    manifest = writer.commit(cursor_field=None, watermark_kind="page_state", watermark_from=None,
                             watermark_to=encode_export_cursor(*newest), mode="full" if rnd == 0 else "incremental")
    harness.write_catalog(store, SOURCE, "ticket_fields", started, fields)
    harness.describe(f"zendesk round {rnd}", manifest, f"tickets with {len(acct.custom)} custom fields", size)
