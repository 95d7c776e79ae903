"""Benchmark of the Zendesk load and normalize stages on N synthetic tickets, against a raw COPY baseline.

Data flow: generator (child) -> bronze runs of tickets + ticket_fields in a throwaway lake folder (lake.bronze)
           -> bench/harness.py: (a) raw COPY child, (b) (c) python -m load.load_zendesk_stg,
              (d) (e) python -m normalize.normalize_zendesk
           -> throwaway database bench_zendesk_<pid> -> a table on stdout, whose last line is
           load/copy=<ratio> normalize_1pct/full=<ratio> peak_rss_mb=<n>
Run standalone: python -m bench.zendesk --records 20000 [--keep]     (default 1,000,000; not part of the tests)

Only what is Zendesk's lives here: the tickets, their field catalog, the change rule and the step labels;
the steps, checks, baseline and report are bench/harness.py's (bench/README.md has the figures).
- Tickets have the incremental export's shape (../shared/api/zendesk.md §5.1): large int ids, epoch
  generated_timestamp, ISO 'Z' times, and the 15 active custom fields of the simulator's catalog
  (sandbox/zendesk/catalog.py) in `custom_fields` and its duplicate `fields`: text, textarea, regexp,
  checkbox bools, dates, integers and decimals as strings, drop-down tags, multiselect tag lists, ~30 %
  null. As on Zendesk, a chosen option (and a ticked checkbox with a tag) is also in `tags`, next to 3 to 6
  free tags. The description (sentences of sandbox/zendesk/names.py) is most of a ticket's ~3 KB.
- No control characters (the simulator's NUL ticket and 200 KB descriptions are not drawn): the raw COPY
  baseline cannot take a \\u0000 (jsonb refuses it) and the loader's repair path is not what is measured.
- Ticket i is drawn from its own random.Random seeded with SEED and i, so the change run rebuilds exactly the
  tickets it changes, the generator streams (nothing held in memory), and every run writes the same records.
- A change is a day later: newer updated_at and generated_timestamp, a new status and assignee, 3 custom
  values drawn again (their option tags move with them) and one free tag added or removed.
"""
from __future__ import annotations

import datetime as dt
import random
import sys
from dataclasses import dataclass

from bench import harness
from lake.bronze import RunWriter
from lake.sources.zendesk import SOURCE
from lake.store import open_store
from sandbox.zendesk import catalog, names
from sandbox.zendesk.generate import STATUS_OLD, STATUS_RECENT
from sandbox.zendesk.records import CHANNELS, CUSTOM_STATUS
from sandbox.zendesk.wire import encode_export_cursor, iso
from sandbox.zendesk.world import ID_START, World

SEED = 20261201
START = dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc)  # the initial run; the change run is a day later
START_S = int(START.timestamp())
HISTORY_S = 2 * 365 * 86_400
RECENT_S = 45 * 86_400                  # younger tickets have the simulator's recent status mix
SYSTEM_UPDATE_SHARE = 0.12              # generated_timestamp later than updated_at (a system update)
BASE = "https://bench.zendesk.com"
AGENTS = tuple(ID_START["users"] + 97 * k for k in range(40))
END_USER_0, END_USERS = ID_START["users"] + 100_000, 300_000       # requester k: END_USER_0 + 97 * k
ORGANIZATION_0, ORGANIZATIONS = ID_START["organizations"], 40_000  # organization k: ORGANIZATION_0 + 311 * k
DESCRIPTION_BYTES = (400, 1_200)        # drawn per ticket: its largest member
RATING_COMMENTS = ("Merci beaucoup !", "Great support!", "とても助かりました", "", "Danke, schnell gelöst 👍")
CHANGE_STATUSES = ("open", "pending", "hold", "solved")
LABELS = {"generate": "generate bronze (not timed)", "copy": "(a) raw COPY, unlogged jsonb",
          "load": "(b) load_zendesk_stg", "reload": "(c) load again (ledger: no-op)",
          "full": "(d) normalize --full", "generate_changes": "generate 1 % changes (not timed)",
          "load_changes": "load 1 % changes", "incremental": "(e) normalize after 1 % changed"}


# ---------------------------------------------------------------------------------------------- generator

@dataclass(frozen=True)
class Account:
    fields: list[dict]       # the ticket_fields catalog: 7 system fields, 15 active custom ones, 1 retired
    custom: list[dict]       # the custom fields that carry values on tickets
    form_ids: list[int]
    group_ids: list[int]
    brand_ids: list[int]


def account() -> Account:
    """The catalog and the ids tickets point at, allocated as the simulator allocates them (no rng draw)."""
    world = World(seed=SEED, now=START, rng=random.Random(SEED), base=BASE)
    created = iso(START_S - HISTORY_S - 86_400)
    fields = catalog.build_fields(world.allocate, BASE, created)
    forms = catalog.build_forms(world.allocate, BASE, created, fields)
    return Account(fields, catalog.value_fields(fields), [f["id"] for f in forms if f["active"]],
                   [world.allocate("groups") for _ in range(6)], [world.allocate("brand") for _ in range(2)])


def description(rng: random.Random, nth: int) -> str:
    target, parts, size = rng.randint(*DESCRIPTION_BYTES), [], 0
    while size < target:
        sentence = rng.choice(names.SENTENCES).format(n=nth)
        parts.append(sentence)
        size += len(sentence.encode("utf-8")) + 2
    return "\n\n".join(parts)


def rating(rng: random.Random, status: str, nth: int):
    """Only solved and closed tickets are rated: null, offered, or a rating object (doc §5.1)."""
    roll = rng.random()
    if status not in ("solved", "closed") or roll < 0.15:
        return None
    if roll < 0.45:
        return {"score": "offered"}
    good = rng.random() < 0.8
    return {"id": ID_START["rating"] + nth, "score": "good" if good else "bad", "comment": rng.choice(RATING_COMMENTS)}


def unset(acct: Account) -> list[dict]:
    """Every custom field's slot, in id order, before set_custom_value fills it (no append, no sort)."""
    return [{"id": field["id"], "value": None} for field in acct.custom]


def make_ticket(nth: int, n: int, acct: Account) -> dict:
    rng, tid = random.Random(f"{SEED} ticket {nth}"), ID_START["tickets"] + nth - 1
    created = START_S - HISTORY_S + HISTORY_S * (nth - 1) // n   # ids follow creation order
    labels, weights = zip(*(STATUS_OLD if START_S - created > RECENT_S else STATUS_RECENT))
    status = rng.choices(labels, weights)[0]
    if status in ("solved", "closed"):
        updated = min(START_S - 1, created + rng.randint(3600, 21 * 86_400))
    else:
        updated = created + int((START_S - 1 - created) * rng.random())
    generated = updated if rng.random() >= SYSTEM_UPDATE_SHARE else rng.randint(updated, START_S - 1)
    requester = END_USER_0 + 97 * rng.randrange(END_USERS)
    name, first, last = names.person_name(rng)
    channel = rng.choice(CHANNELS)
    kind, subject = rng.choice((None, "question", "incident", "problem", "task")), names.subject(rng, nth)
    via = {"channel": channel, "source": {"from": {}, "to": {}, "rel": None}}
    if channel == "email":
        via["source"] = {"from": {"address": names.email_for(first, last, nth), "name": name},
                         "to": {"address": "support@bench.example", "name": "Support"}, "rel": None}
    ticket = {"url": f"{BASE}/api/v2/tickets/{tid}.json", "id": tid,
              "external_id": None if rng.random() < 0.7 else f"ext-{nth}", "via": via,
              "created_at": iso(created), "updated_at": iso(updated), "generated_timestamp": generated,
              "type": kind, "subject": subject, "raw_subject": subject, "description": description(rng, nth),
              "priority": rng.choice((None, "low", "normal", "normal", "high", "urgent")), "status": status,
              "recipient": "support@bench.example" if channel == "email" else None,
              "requester_id": requester, "submitter_id": requester if rng.random() < 0.8 else rng.choice(AGENTS),
              "assignee_id": None if status == "new" or rng.random() < 0.1 else rng.choice(AGENTS),
              "organization_id": ORGANIZATION_0 + 311 * rng.randrange(ORGANIZATIONS) if rng.random() < 0.75 else None,
              "group_id": None if status == "new" else rng.choice(acct.group_ids),
              "collaborator_ids": [], "follower_ids": [], "email_cc_ids": [], "forum_topic_id": None,
              "problem_id": None, "has_incidents": False, "is_public": True,
              "due_at": f"{iso(updated)[:10]}T17:00:00Z" if kind == "task" else None,
              "tags": sorted(rng.sample(names.TAGS, rng.randint(3, 6))), "custom_fields": unset(acct),
              "satisfaction_rating": rating(rng, status, nth), "sharing_agreement_ids": [],
              "custom_status_id": CUSTOM_STATUS[status], "fields": unset(acct), "followup_ids": [],
              "ticket_form_id": None if rng.random() < 0.2 else rng.choice(acct.form_ids),
              "brand_id": rng.choice(acct.brand_ids), "allow_channelback": False, "allow_attachments": True,
              "from_messaging_channel": channel == "native_messaging"}
    if rng.random() < 0.2:
        ticket["collaborator_ids"] = sorted(rng.sample(AGENTS, 2))
        ticket["follower_ids"] = list(ticket["collaborator_ids"])
    for field in acct.custom:  # custom_fields and fields, option tags into tags
        catalog.set_custom_value(ticket, field, catalog.custom_value(rng, field, nth))
    return ticket


def change(ticket: dict, nth: int, acct: Account) -> None:
    """A day later: newer updated_at and generated_timestamp, new status and assignee, 3 custom values
    drawn again, one free tag added or removed."""
    rng = random.Random(f"{SEED} change {nth}")
    at = START_S + rng.randrange(86_400)
    status = rng.choice([s for s in CHANGE_STATUSES if s != ticket["status"]])
    ticket.update(updated_at=iso(at), generated_timestamp=at, status=status, custom_status_id=CUSTOM_STATUS[status],
                  assignee_id=rng.choice([a for a in AGENTS if a != ticket["assignee_id"]]))
    for field in rng.sample(acct.custom, 3):
        catalog.set_custom_value(ticket, field, catalog.custom_value(rng, field, nth))
    free = [t for t in ticket["tags"] if t in names.TAGS]
    if len(free) > 3 and rng.random() < 0.5:
        ticket["tags"].remove(rng.choice(free))
    else:
        ticket["tags"] = sorted(ticket["tags"] + [rng.choice([t for t in names.TAGS if t not in free])])


def write_bronze(kind: str, n: int) -> None:
    """One complete bronze run of tickets (all of them, or the changed 1 %) and one of the field catalog."""
    store, acct = open_store(), account()
    started = START if kind == "bronze" else START + dt.timedelta(days=1)

    def tickets():
        for nth in harness.record_ids(kind, n, SEED):
            ticket = make_ticket(nth, n, acct)
            if kind == "changes":
                change(ticket, nth, acct)
            yield ticket

    writer = RunWriter(store, SOURCE, harness.SCOPE, "tickets", started_at=started, extractor_version="bench")
    newest, size = harness.write_records(writer, tickets(), lambda t: (t["generated_timestamp"], t["id"]))
    manifest = writer.commit(cursor_field=None, watermark_kind="page_state", watermark_from=None,
                             watermark_to=encode_export_cursor(*newest),  # the export's after_cursor there
                             mode="full" if kind == "bronze" else "incremental")
    harness.write_catalog(store, SOURCE, "ticket_fields", started, acct.fields)
    harness.describe(kind, manifest, f"tickets with {len(acct.custom)} custom fields", size)


BENCH = harness.Bench(module="bench.zendesk", source=SOURCE, entity="tickets", core_table="core.zd_tickets",
                      changed_at=START, noun="ticket", description=__doc__.split("\n")[0], labels=LABELS,
                      write_bronze=write_bronze,
                      counted=("core.zd_ticket_custom_field_values", "core.zd_ticket_tags"))


def main(argv: list[str] | None = None) -> int:
    return harness.main(BENCH, argv)


if __name__ == "__main__":
    sys.exit(main())
