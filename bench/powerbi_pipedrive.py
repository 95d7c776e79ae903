"""The Pipedrive side of bench/powerbi.py: bench/pipedrive.py's deals, pointed at dimensions that exist.

Data flow: bench.pipedrive.make_deal (the deal and its 20 custom fields) -> link() (owner, person,
           organization ids moved into the ranges written here) -> bronze runs of deals, deal_fields, users,
           pipelines, stages, persons, organizations (lake.bronze via bench.harness) in LAKE_ROOT.
Run standalone: python -m bench.powerbi --deals 20000 --tickets 20000 (this module has no entry point).

- bench/pipedrive.py draws deals against 8 users, stages 1..12 of pipelines 1..3, persons 1..200,000 and
  organizations 1..40,000, none of which it writes. Here: 50 users (owners spread over all of them),
  3 pipelines of 5 stages (13..15 hold no deal, as a stage nobody uses yet), N/10 persons and N/50
  organizations (100k and 20k at 1M deals), ids folded into those ranges. One person and one organization
  id in 5,000 is never written, so normalize meets unknown ids and adds inferred members, as it would for
  records purged in Pipedrive.
- Change rounds: round 1 is bench/pipedrive.py's own change run (1 % of the deals a day later); round r > 1
  applies the same rule with a round-specific seed, r days later, so every round rewrites as much as round
  1 (a second identical draw would leave the custom values unchanged and cost less).
"""
from __future__ import annotations

import datetime as dt
import random

from bench import harness, pipedrive as pd
from lake.bronze import RunWriter, iso
from lake.sources.pipedrive import SOURCE
from lake.store import open_store
from sandbox.pipedrive import catalog, names
from sandbox.pipedrive.records import PIPELINE_NAMES, STAGE_NAMES
from sandbox.pipedrive.wire import to_v1_time

USERS = tuple(range(pd.USERS[0], pd.USERS[0] + 50))   # the generator's 8 users are the first of them
PIPELINES, STAGES_PER_PIPELINE = 3, 5
MISSING_EVERY = 5_000                                  # person/organization ids never written: inferred members


def sizes(n: int) -> tuple[int, int]:
    """(persons, organizations) for n deals."""
    return max(100, n // 10), max(20, n // 50)


def link(deal: dict, n: int) -> dict:
    """Fold the deal's ids into the dimensions written here (arithmetic on the id: no rng draw, so a change
    run gives the same links)."""
    persons, organizations = sizes(n)
    deal["owner_id"] = USERS[deal["id"] * 7919 % len(USERS)]
    if deal["person_id"] is not None:
        deal["person_id"] = (deal["person_id"] - 1) % persons + 1
    if deal["org_id"] is not None:
        deal["org_id"] = (deal["org_id"] - 1) % organizations + 1
    return deal


def change(deal: dict, custom: list[dict], rnd: int) -> None:
    """Round 1 is bench/pipedrive.py's change; later rounds the same rule, drawn again, rnd days later."""
    if rnd == 1:
        pd.change(deal, custom)
        return
    rng = random.Random(f"{pd.SEED} powerbi change {rnd} {deal['id']}")
    at = pd.START + dt.timedelta(days=rnd - 1, seconds=rng.randrange(86_400))
    deal["update_time"] = iso(at)
    deal["value"] = float(rng.randint(100, 90_000))
    pd.set_status(deal, rng, rng.choice([s for s in ("open", "won", "lost") if s != deal["status"]]), at)
    for field in rng.sample(custom, 3):
        deal["custom_fields"][field["key"]] = catalog.custom_value(rng, field, list(pd.USERS), 0)


def dimensions(n: int) -> dict[str, list[dict]]:
    """Every dimension row, in the API shapes normalize reads (users v1, the others v2)."""
    rng, created = random.Random(f"{pd.SEED} powerbi"), pd.START - pd.HISTORY - dt.timedelta(days=30)
    at, v1 = iso(created), to_v1_time(iso(created))
    persons, organizations = sizes(n)
    users = []
    for k, user_id in enumerate(USERS):
        name, first, last = names.person_name(rng, 0)
        users.append({"id": user_id, "name": name, "email": names.email_for(first, last, k), "role_id": 1,
                      "default_currency": "EUR", "locale": "en_US", "timezone_name": "Europe/Berlin",
                      "active_flag": k != 7, "is_admin": int(k == 0), "created": v1, "modified": v1,
                      "last_login": v1, "is_deleted": False})
    pipelines = [{"id": p, "name": PIPELINE_NAMES[p - 1], "order_nr": p, "is_deleted": False,
                  "is_deal_probability_enabled": p == 2, "add_time": at, "update_time": at, "is_selected": p == 1}
                 for p in range(1, PIPELINES + 1)]
    stages = [{"id": s, "pipeline_id": (s - 1) % PIPELINES + 1, "order_nr": (s - 1) // PIPELINES + 1,
               "name": STAGE_NAMES[(s - 1) // PIPELINES], "deal_probability": 20 * ((s - 1) // PIPELINES + 1),
               "is_deal_rot_enabled": False, "days_to_rotten": None, "is_deleted": False,
               "add_time": at, "update_time": at} for s in range(1, PIPELINES * STAGES_PER_PIPELINE + 1)]
    orgs = [{"id": o, "name": names.org_name(rng, 0), "owner_id": rng.choice(USERS), "add_time": at,
             "update_time": at, "label_ids": [], "is_deleted": False, "address": None, "custom_fields": {}}
            for o in range(1, organizations + 1) if o % MISSING_EVERY]
    people = []
    for p in range(1, persons + 1):
        if p % MISSING_EVERY:
            name, first, last = names.person_name(rng, 0)
            people.append({"id": p, "name": name, "first_name": first, "last_name": last,
                           "org_id": p * 7 % organizations + 1, "owner_id": rng.choice(USERS),
                           "add_time": at, "update_time": at, "label_ids": [], "is_deleted": False,
                           "emails": [{"label": "work", "value": names.email_for(first, last, p), "primary": True}],
                           "phones": [], "custom_fields": {}})
    return {"users": users, "pipelines": pipelines, "stages": stages, "organizations": orgs, "persons": people}


def write_bronze(n: int, rnd: int) -> None:
    """Round 0: complete runs of every dimension, the deals and their field catalog. Round r >= 1: the
    changed 1 % of the deals (and the catalog again, as bench/pipedrive.py writes it)."""
    store, fields = open_store(), pd.field_catalog()
    custom = catalog.value_fields(fields)
    label_ids = [option["id"] for f in fields if f["key"] == "label" for option in f["options"]]
    started = pd.START + dt.timedelta(days=rnd)
    if rnd == 0:
        for entity, rows in dimensions(n).items():
            harness.write_catalog(store, SOURCE, entity, started, rows)

    def deals():
        for deal_id in harness.record_ids("bronze" if rnd == 0 else "changes", n, pd.SEED):
            deal = link(pd.make_deal(deal_id, n, custom, label_ids), n)
            if rnd:
                change(deal, custom, rnd)
            yield deal

    writer = RunWriter(store, SOURCE, harness.SCOPE, "deals", started_at=started, extractor_version="bench")
    newest, size = harness.write_records(writer, deals(), lambda deal: deal["update_time"])
    manifest = writer.commit(cursor_field="update_time", watermark_from=None, watermark_to=newest,
                             mode="full" if rnd == 0 else "incremental")
    harness.write_catalog(store, SOURCE, "deal_fields", started, fields)
    harness.describe(f"pipedrive round {rnd}", manifest, f"deals with {len(custom)} custom fields", size)
