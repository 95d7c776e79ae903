"""Benchmark of the Pipedrive load and normalize stages on N synthetic deals, against a raw COPY baseline.

Data flow: generator (child) -> bronze runs of deals + deal_fields in a throwaway lake folder (lake.bronze)
           -> bench/harness.py: (a) raw COPY child, (b) (c) python -m load.load_pipedrive_stg,
              (d) (e) python -m normalize.normalize_pipedrive
           -> throwaway database bench_pipedrive_<pid> -> a table on stdout, whose last line is
           load/copy=<ratio> normalize_1pct/full=<ratio> peak_rss_mb=<n>
Run standalone: python -m bench.pipedrive --records 20000 [--keep]     (default 1,000,000; not part of the tests)

Only what is Pipedrive's lives here: the deals, their field catalog, the change rule and the step labels;
the steps, checks, baseline and report are bench/harness.py's (bench/README.md has the figures).
- Records follow the simulator's v2 deal shape (sandbox/pipedrive/records.py) with 20 custom fields whose
  catalog rows and values come from sandbox/pipedrive/catalog.py. No control characters: the raw COPY
  baseline cannot take a \\u0000 (jsonb refuses it) and the loader's repair path is not what is measured.
- Deal i is drawn from its own random.Random seeded with SEED and i, so the change run rebuilds exactly the
  deals it changes, the generator streams (nothing held in memory), and every run writes the same records.
"""
from __future__ import annotations

import datetime as dt
import itertools
import random
import sys

from bench import harness
from lake.bronze import RunWriter, iso
from lake.sources.pipedrive import SOURCE
from lake.store import open_store
from sandbox.pipedrive import catalog, names

SEED = 20261101
START = dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc)  # the initial run; the change run is a day later
HISTORY = dt.timedelta(days=3 * 365)
USERS = tuple(range(11884360, 11884368))
STAGES = {stage_id: (stage_id - 1) % 3 + 1 for stage_id in range(1, 13)}  # stage -> pipeline, 3 pipelines
PERSONS, ORGANIZATIONS = 200_000, 40_000
CUSTOM_FIELDS = (  # (name, field_type, option labels): 20, mixed as in a real account
    ("Contract type", "enum", ("Annual", "Monthly", "Pilot", "Übernahme")),
    ("Lead source", "enum", ("Web", "Referral", "Event", "Outbound", "Partner")),
    ("Region", "enum", ("EMEA", "APAC", "AMER", "LATAM")),
    ("Priority", "enum", ("Low", "Medium", "High", "Critical")),
    ("Modules", "set", ("CRM", "Billing", "Analytics", "Support", "API 連携")),
    ("Competitors", "set", ("Salesforce", "HubSpot", "Zoho", "Other")),
    ("Stakeholders", "set", ("CFO", "CTO", "Procurement", "Legal", "IT")),
    ("Budget", "monetary", None), ("Discount", "monetary", None),
    ("Next review", "date", None), ("Contract start", "date", None), ("Contract end", "date", None),
    ("Internal notes", "text", None), ("Next steps", "text", None),
    ("PO number", "varchar", None), ("Campaign", "varchar", None), ("Reference", "varchar", None),
    ("Partner margin", "double", None), ("Seats", "double", None),
    ("Account manager", "user", None),
)
LABELS = {"generate": "generate bronze (not timed)", "copy": "(a) raw COPY, unlogged jsonb",
          "load": "(b) load_pipedrive_stg", "reload": "(c) load again (ledger: no-op)",
          "full": "(d) normalize --full", "generate_changes": "generate 1 % changes (not timed)",
          "load_changes": "load 1 % changes", "incremental": "(e) normalize after 1 % changed"}


# ---------------------------------------------------------------------------------------------- generator

def field_catalog() -> list[dict]:
    """The v1 dealFields rows: the simulator's built-in fields plus CUSTOM_FIELDS (40-hex keys)."""
    rng, ids, created = random.Random(SEED), itertools.count(12450), iso(START - HISTORY)

    def allocate(kind: str) -> int:  # field and option ids share one counter, as in the simulator's world
        return next(ids)

    rows = [f for f in catalog.build_catalogs(rng, list(USERS), created, allocate)["deal"] if not f["edit_flag"]]
    for order, (name, kind, labels) in enumerate(CUSTOM_FIELDS, start=len(rows)):
        rows += catalog.new_custom_field(rng, allocate, name, kind, labels, created, USERS[0], order)
    return rows


def make_deal(deal_id: int, n: int, custom: list[dict], label_ids: list[int]) -> dict:
    rng = random.Random(f"{SEED} deal {deal_id}")
    added = START - HISTORY + HISTORY * ((deal_id - 1) / n)  # ids follow creation order, like a real account
    updated = added + (START - added) * rng.random()
    stage_id = rng.choice(tuple(STAGES))
    value = float(rng.choice((0, rng.randint(100, 90000), round(rng.uniform(10, 5000), 2))))
    close = None if rng.random() < 0.3 else (added + dt.timedelta(days=rng.randint(7, 200))).date().isoformat()
    # Ordinal 0 for the simulator's text helpers: other ordinals may get control characters (see above).
    deal = {"id": deal_id, "title": names.deal_title(rng, 0, names.org_name(rng, 0) if rng.random() < 0.5 else None),
            "value": value, "currency": rng.choice(catalog.CURRENCIES), "creator_user_id": rng.choice(USERS),
            "owner_id": rng.choice(USERS), "person_id": rng.randint(1, PERSONS) if rng.random() < 0.9 else None,
            "org_id": rng.randint(1, ORGANIZATIONS) if rng.random() < 0.8 else None,
            "pipeline_id": STAGES[stage_id], "stage_id": stage_id, "status": "open",
            "probability": None if rng.random() < 0.6 else rng.randint(0, 100),
            "add_time": iso(added), "update_time": iso(updated),
            "stage_change_time": iso(added + (updated - added) * rng.random()) if rng.random() < 0.5 else None,
            "close_time": None, "won_time": None, "lost_time": None, "lost_reason": None,
            "expected_close_date": close, "local_won_date": None, "local_lost_date": None, "local_close_date": None,
            "visible_to": rng.choice((1, 3, 3, 3, 7)), "label_ids": sorted(rng.sample(label_ids, rng.randint(0, 2))),
            "is_deleted": False, "is_archived": False,
            "origin": rng.choice(("ManuallyCreated", "ManuallyCreated", "API", "Import")), "origin_id": None,
            "channel": None, "channel_id": None, "acv": None, "arr": None, "mrr": None,
            "custom_fields": {f["key"]: catalog.custom_value(rng, f, list(USERS), 0) for f in custom}}
    if rng.random() < 0.15:
        deal["mrr"], deal["arr"], deal["acv"] = round(value / 12, 2), value, value
    set_status(deal, rng, rng.choices(("open", "won", "lost"), (0.6, 0.25, 0.15))[0], updated)
    return deal


def set_status(deal: dict, rng: random.Random, status: str, at: dt.datetime) -> None:
    won, lost = status == "won", status == "lost"
    day = at.date().isoformat() if won or lost else None
    deal.update(status=status, won_time=iso(at) if won else None, lost_time=iso(at) if lost else None,
                close_time=iso(at) if won or lost else None,
                lost_reason=rng.choice(names.LOST_REASONS) if lost else None,
                local_won_date=day if won else None, local_lost_date=day if lost else None, local_close_date=day)


def change(deal: dict, custom: list[dict]) -> None:
    """A day later: newer update_time, new value and status, three custom values drawn again."""
    rng = random.Random(f"{SEED} change {deal['id']}")
    at = START + dt.timedelta(seconds=rng.randrange(86_400))
    deal["update_time"] = iso(at)
    deal["value"] = float(rng.randint(100, 90_000))
    set_status(deal, rng, rng.choice([s for s in ("open", "won", "lost") if s != deal["status"]]), at)
    for field in rng.sample(custom, 3):
        deal["custom_fields"][field["key"]] = catalog.custom_value(rng, field, list(USERS), 0)


def write_bronze(kind: str, n: int) -> None:
    """One complete bronze run of deals (all of them, or the changed 1 %) and one of the field catalog."""
    store, fields = open_store(), field_catalog()
    custom = catalog.value_fields(fields)
    label_ids = [option["id"] for f in fields if f["key"] == "label" for option in f["options"]]
    started = START if kind == "bronze" else START + dt.timedelta(days=1)

    def deals():
        for deal_id in harness.record_ids(kind, n, SEED):
            deal = make_deal(deal_id, n, custom, label_ids)
            if kind == "changes":
                change(deal, custom)
            yield deal

    writer = RunWriter(store, SOURCE, harness.SCOPE, "deals", started_at=started, extractor_version="bench")
    newest, size = harness.write_records(writer, deals(), lambda deal: deal["update_time"])
    manifest = writer.commit(cursor_field="update_time", watermark_from=None, watermark_to=newest,
                             mode="full" if kind == "bronze" else "incremental")
    harness.write_catalog(store, SOURCE, "deal_fields", started, fields)
    harness.describe(kind, manifest, f"deals with {len(custom)} custom fields", size)


BENCH = harness.Bench(module="bench.pipedrive", source=SOURCE, entity="deals", core_table="core.pd_deals",
                      changed_at=START, noun="deal", description=__doc__.split("\n")[0], labels=LABELS,
                      write_bronze=write_bronze, counted=("core.pd_custom_field_values",))


def main(argv: list[str] | None = None) -> int:
    return harness.main(BENCH, argv)


if __name__ == "__main__":
    sys.exit(main())
