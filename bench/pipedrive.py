"""Benchmark of the Pipedrive load and normalize stages on N synthetic deals, against a raw COPY baseline.

Data flow: generator (child) -> bronze runs of deals + deal_fields in a throwaway lake folder (lake.bronze)
           -> (a) raw COPY child, (b) (c) python -m load.load_pipedrive_stg,
              (d) (e) python -m normalize.normalize_pipedrive
           -> throwaway database bench_pipedrive_<pid> -> a table on stdout, whose last line is
           load/copy=<ratio> normalize_1pct/full=<ratio> peak_rss_mb=<n>
Run standalone: python -m bench.pipedrive --records 20000 [--keep]     (default 1,000,000; not part of the tests)

Decisions (bench/README.md has the figures):
- Every step runs as a child process, the stages through their real entry points, configured by the
  environment exactly as in production (DATABASE_URL, LAKE_ROOT, LOG_DIR). Peak RSS is the child's own
  ru_maxrss from os.wait4(); seconds are wall clock around the child, so they include interpreter start-up
  and the stage's migration check (0.1 to 0.3 s, noise at 1M records).
- Baseline (a): the same gzipped parts streamed through Python (gunzip, 1 MB reads, as the loader does)
  into COPY of an UNLOGGED table with one jsonb column, one transaction per part, the loader's session
  settings (lz4 TOAST): the least work that turns bronze into jsonb rows. load/copy says how much of
  that speed the loader keeps.
- Records follow the simulator's v2 deal shape (sandbox/pipedrive/records.py) with 20 custom fields whose
  catalog rows and values come from sandbox/pipedrive/catalog.py. No control characters: the raw COPY
  baseline cannot take a \\u0000 (jsonb refuses it) and the loader's repair path is not what is measured.
- Deal i is drawn from its own random.Random seeded with SEED and i, so the change run rebuilds exactly the
  deals it changes, the generator streams (nothing held in memory), and every run writes the same records.
- Migrations are applied once before any timing, and a CHECKPOINT runs before each timed step, so a
  step neither pays for the DDL nor for flushing the previous step's dirty pages. Each step's result is
  counted afterwards: a step that silently did nothing would otherwise look fast.
"""
from __future__ import annotations

import argparse
import datetime as dt
import gzip
import itertools
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg2
from psycopg2 import errors, sql
from psycopg2.extensions import make_dsn

from lake.bronze import RunWriter, complete_runs, encode_line, iso
from lake.db import connect, database_url
from lake.settings import get_settings
from lake.sources.pipedrive import SOURCE
from lake.store import open_store
from load.engine import prepare_session as prepare_load_session
from load.part_stream import PartStream
from sandbox.pipedrive import catalog, names

REPO = Path(__file__).resolve().parents[1]
LOCAL_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
SEED = 20261101
START = dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc)  # the initial run; the change run is a day later
HISTORY = dt.timedelta(days=3 * 365)
CHANGED_SHARE = 0.01
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
# Valid JSON never holds the raw bytes 0x01/0x02 (control characters are escaped), so with them as quote and
# delimiter every line is one CSV field taken verbatim: no escaping pass, unlike COPY's text format.
COPY_SQL = "COPY bench_copy_deals (doc) FROM STDIN WITH (FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02')"


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
    ids = range(1, n + 1) if kind == "bronze" else sorted(
        random.Random(SEED).sample(range(1, n + 1), max(1, round(n * CHANGED_SHARE))))
    writer = RunWriter(store, SOURCE, "default", "deals", started_at=started, extractor_version="bench")
    newest, sampled = None, []
    for i, deal_id in enumerate(ids):
        deal = make_deal(deal_id, n, custom, label_ids)
        if kind == "changes":
            change(deal, custom)
        writer.write(deal)
        newest = max(newest or deal["update_time"], deal["update_time"])
        if i % 64 == 0:  # a sample is enough for the average size and costs no second encoding of every deal
            sampled.append(len(encode_line(deal)))
    manifest = writer.commit(cursor_field="update_time", watermark_from=None, watermark_to=newest,
                             mode="full" if kind == "bronze" else "incremental")
    catalog_run = RunWriter(store, SOURCE, "default", "deal_fields", started_at=started, extractor_version="bench")
    for row in fields:
        catalog_run.write(row)
    catalog_run.commit(cursor_field=None, watermark_from=None, watermark_to=None, mode="full")
    print(f"bronze {kind}: {manifest['rows']} deals with {len(custom)} custom fields, ~{sum(sampled) // len(sampled)} "
          f"bytes of JSON each, {manifest['bytes'] / 2**20:.1f} MiB gzipped in {len(manifest['parts'])} parts",
          file=sys.stderr)


# ---------------------------------------------------------------------------------------------- baseline

def copy_baseline() -> None:
    """(a): the deals parts, gunzipped in Python, COPYed as they are into the UNLOGGED one-column table."""
    settings = get_settings()
    store, conn = open_store(settings), connect(settings, migrate=False, application_name="bench_copy")
    prepare_load_session(conn)  # the loader's own session set-up (lz4 TOAST when the server has it)
    for run in complete_runs(store, SOURCE, entity="deals"):
        for part in run.manifest(store)["parts"]:
            with store.open(part["path"]) as raw, gzip.GzipFile(fileobj=raw) as lines, conn.cursor() as cur:
                cur.copy_expert(COPY_SQL, lines, size=PartStream.CHUNK)
            conn.commit()
    conn.close()


# ---------------------------------------------------------------------------------------------- orchestration

class BenchError(Exception):
    """A step failed or left the tables in a state that makes its timing meaningless."""


@dataclass(frozen=True)
class Step:
    label: str
    records: int
    seconds: float
    rss_mb: float


def server_url() -> str:
    """The server the project would use: DATABASE_URL, else the local server if it answers, else what
    lake.db picks (PG* variables, or its embedded server, started here and stopped when the bench exits)."""
    settings = get_settings()
    if settings.database_url:
        return settings.database_url
    try:
        psycopg2.connect(LOCAL_SERVER, connect_timeout=2).close()
        return LOCAL_SERVER
    except psycopg2.OperationalError:
        return database_url(settings)


def execute(url: str, statement, params=None):
    """One autocommit statement (CREATE/DROP DATABASE and CHECKPOINT cannot run in a transaction);
    returns the first column of the first row, if any."""
    conn = psycopg2.connect(url)
    try:
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute(statement, params)
            return cur.fetchone()[0] if cur.description else None
    finally:
        conn.close()


def run(label: str, args: list[str], env: dict, records: int) -> Step:
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, *args], cwd=REPO, env=env, stdout=sys.stderr)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)  # reaped by wait4: Popen must not wait again
    if child.returncode:
        raise BenchError(f"{label}: python {' '.join(args)} exited {child.returncode}")
    step = Step(label, records, seconds, usage.ru_maxrss / 1024)  # ru_maxrss is in KiB on Linux
    print(f"bench: {label}: {seconds:.1f} s, peak RSS {step.rss_mb:.0f} MB", file=sys.stderr)
    return step


def run_all(n: int, url: str, env: dict) -> list[Step]:
    changed = max(1, round(n * CHANGED_SHARE))
    me = ["-m", "bench.pipedrive", "--records", str(n), "--child"]
    load, normalize = ["-m", "load.load_pipedrive_stg"], ["-m", "normalize.normalize_pipedrive"]

    def timed(label, args, records, check, wanted):
        try:
            execute(url, "CHECKPOINT")
        except errors.InsufficientPrivilege:
            pass  # needs superuser or pg_checkpoint; without it the timings are only a little noisier
        step = run(label, args, env, records)
        got = execute(url, check)
        if got != wanted:
            raise BenchError(f"{label}: counted {got} rows afterwards, expected {wanted}")
        return step

    steps = [run("generate bronze (not timed)", [*me, "bronze"], env, n)]
    run("migrate", ["-m", "scripts.migrate"], env, 0)
    execute(url, "CREATE UNLOGGED TABLE bench_copy_deals (doc jsonb NOT NULL)")
    stg = "SELECT count(*) FROM stg_pipedrive.deals_raw"
    steps += [
        timed("(a) raw COPY, unlogged jsonb", [*me, "copy"], n, "SELECT count(*) FROM bench_copy_deals", n),
    ]
    execute(url, "DROP TABLE bench_copy_deals")  # only (a) needs it; it would cost the VACUUM below time
    steps += [
        timed("(b) load_pipedrive_stg", load, n, stg, n),
        timed("(c) load again (ledger: no-op)", load, n, stg, n),
        timed("(d) normalize --full", [*normalize, "--full"], n, "SELECT count(*) FROM core.pd_deals", n),
    ]
    # A day passes before the next run and autovacuum vacuums and analyzes the new rows meanwhile, so (e)
    # meets the tables in their everyday state, not straight out of a bulk insert.
    execute(url, "VACUUM ANALYZE")
    steps += [
        run("generate 1 % changes (not timed)", [*me, "changes"], env, changed),
        timed("load 1 % changes", load, changed, stg, n + changed),
        timed("(e) normalize after 1 % changed", normalize, changed,
              sql.SQL("SELECT count(*) FROM core.pd_deals WHERE updated_at >= {}").format(sql.Literal(START)),
              changed),
    ]
    values = execute(url, "SELECT count(*) FROM core.pd_custom_field_values")
    print(f"bench: core.pd_custom_field_values holds {values} rows ({values / n:.1f} per deal)", file=sys.stderr)
    return steps


def report(steps: list[Step]) -> None:
    by = {s.label[:3]: s for s in steps}
    print("| step | records | seconds | rows/s | peak RSS MB |")
    print("|---|---:|---:|---:|---:|")
    for s in steps:
        print(f"| {s.label} | {s.records:,} | {s.seconds:.1f} | {s.records / s.seconds:,.0f} | {s.rss_mb:.0f} |")
    print(f"load/copy={by['(a)'].seconds / by['(b)'].seconds:.3f} "
          f"normalize_1pct/full={by['(e)'].seconds / by['(d)'].seconds:.3f} "
          f"peak_rss_mb={max(s.rss_mb for s in steps):.0f}")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.pipedrive", description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=1_000_000, help="deals to generate (default 1,000,000)")
    parser.add_argument("--keep", action="store_true", help="keep the database and the lake folder for inspection")
    parser.add_argument("--child", choices=("bronze", "changes", "copy"),
                        help="internal: one step of the benchmark, run by it as a child process so that its "
                             "peak RSS is its own (reads LAKE_ROOT and DATABASE_URL)")
    args = parser.parse_args(argv)
    if args.records < 1:
        parser.error("--records must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child == "copy":
        copy_baseline()
        return 0
    if args.child:
        write_bronze(args.child, args.records)
        return 0
    server, work = server_url(), Path(tempfile.mkdtemp(prefix="bench-pipedrive-"))
    name = f"bench_pipedrive_{os.getpid()}"
    env = {**os.environ, "DATABASE_URL": make_dsn(server, dbname=name), "LAKE_BACKEND": "local",
           "LAKE_ROOT": str(work / "lake"), "LOG_DIR": str(work / "logs")}
    execute(server, sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        steps = run_all(args.records, env["DATABASE_URL"], env)
    except BenchError as exc:
        print(f"bench failed: {exc}", file=sys.stderr)
        return 1
    finally:
        if args.keep:
            print(f"bench: kept database {name} and lake {work / 'lake'}", file=sys.stderr)
        else:
            execute(server, sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
            shutil.rmtree(work, ignore_errors=True)
    report(steps)
    return 0


if __name__ == "__main__":
    sys.exit(main())
