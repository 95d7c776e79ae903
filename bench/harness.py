"""What every source's benchmark shares: a throwaway database and lake, the steps as child processes, the raw
COPY baseline, the checks after each step and the report. A source module declares a Bench and calls main();
bench/powerbi.py, which runs both sources at once, uses the parts (workspace, run, checkpoint, the bronze helpers).

Data flow: bench/<source>.py Bench(generator, labels, tables) -> main(): CREATE DATABASE bench_<source>_<pid>,
           a temporary lake folder -> children: python -m bench.<source> --child bronze|copy|changes,
           python -m load.load_<source>_stg, python -m normalize.normalize_<source> -> a table on stdout,
           whose last line is load/copy=<ratio> normalize_1pct/full=<ratio> peak_rss_mb=<n>
Run standalone: python -m bench.pipedrive --records 20000 (or bench.zendesk); this module has no entry point.

Decisions (bench/README.md has the figures):
- Every step runs as a child process, the stages through their real entry points, configured by the
  environment exactly as in production (DATABASE_URL, LAKE_ROOT, LOG_DIR). Peak RSS is the child's own
  ru_maxrss from os.wait4(); seconds are wall clock around the child, so they include interpreter start-up
  and the stage's migration check (0.1 to 0.3 s, noise at 1M records).
- Baseline (a): the same gzipped parts streamed through Python (gunzip, 1 MB reads, as the loader does)
  into COPY of an UNLOGGED table with one jsonb column, one transaction per part, the loader's session
  settings (lz4 TOAST): the least work that turns bronze into jsonb rows. load/copy says how much of
  that speed the loader keeps.
- Migrations are applied once before any timing, and a CHECKPOINT runs before each timed step, so a
  step neither pays for the DDL nor for flushing the previous step's dirty pages. Each step's result is
  counted afterwards: a step that silently did nothing would otherwise look fast.
- The 1 % change run holds a fixed sample of the records (record_ids), each with an updated_at at or after
  Bench.changed_at, which no record of the first run reaches: (e) is checked by counting those.
"""
from __future__ import annotations

import argparse
import datetime as dt
import gzip
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

import psycopg2
from psycopg2 import errors, sql
from psycopg2.extensions import make_dsn

from lake.bronze import RunWriter, complete_runs, encode_line
from lake.db import connect, database_url
from lake.settings import get_settings
from lake.store import open_store
from load.engine import prepare_session as prepare_load_session
from load.part_stream import PartStream

REPO = Path(__file__).resolve().parents[1]
LOCAL_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
SCOPE = "default"
CHANGED_SHARE = 0.01
STEPS = ("generate", "copy", "load", "reload", "full", "generate_changes", "load_changes", "incremental")
# Valid JSON never holds the raw bytes 0x01/0x02 (control characters are escaped), so with them as quote and
# delimiter every line is one CSV field taken verbatim: no escaping pass, unlike COPY's text format.
COPY_SQL = "COPY {} (doc) FROM STDIN WITH (FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02')"


class BenchError(Exception):
    """A step failed or left the tables in a state that makes its timing meaningless."""


@dataclass(frozen=True)
class Bench:
    """One source's benchmark. Its stages follow from `source`: load.load_<source>_stg, normalize.normalize_<source>
    (STYLE habit 2, one name per entity everywhere)."""
    module: str                    # "bench.pipedrive": rerun with --child for the generator and baseline steps
    source: str                    # lake source: bronze/<source>, stg_<source>
    entity: str                    # the entity measured: COPY baseline input, stg_<source>.<entity>_raw
    core_table: str                # "core.pd_deals": (d) counts N rows, (e) the N/100 changed ones
    changed_at: dt.datetime        # the changed records' updated_at is at or after it, every other one before
    noun: str                      # "deal": the help text and the per-record figures
    description: str               # first line of --help
    labels: Mapping[str, str]      # STEPS -> the step's row label in the table
    write_bronze: Callable[[str, int], None]   # ("bronze" | "changes", N) -> complete bronze runs, in a child
    counted: tuple[str, ...] = ()  # core tables whose rows are counted at the end (stderr)

    def __post_init__(self):
        if set(self.labels) != set(STEPS):
            raise ValueError(f"{self.module}: labels must name exactly the steps {STEPS}")
        if len(set(self.labels.values())) != len(STEPS):
            raise ValueError(f"{self.module}: two steps share a label")

    @property
    def copy_table(self) -> str:
        return f"bench_copy_{self.entity}"


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    records: int
    seconds: float
    rss_mb: float


# ---------------------------------------------------------------------------------------------- generator help

def record_ids(kind: str, n: int, seed: int) -> Sequence[int]:
    """The records a bronze run holds: 1..N for 'bronze', a fixed 1 % sample of them (sorted) for 'changes'."""
    if kind == "bronze":
        return range(1, n + 1)
    return sorted(random.Random(seed).sample(range(1, n + 1), changed_count(n)))


def changed_count(n: int) -> int:
    return max(1, round(n * CHANGED_SHARE))


def write_records(writer: RunWriter, records: Iterable[dict], newest: Callable[[dict], Any]) -> tuple[Any, int]:
    """Writes every record; returns the largest newest(record) and the mean JSON line size of every 64th record
    (a sample is enough for the average and costs no second encoding of every record)."""
    top, sampled = None, []
    for i, record in enumerate(records):
        writer.write(record)
        key = newest(record)
        top = key if top is None else max(top, key)
        if i % 64 == 0:
            sampled.append(len(encode_line(record)))
    return top, sum(sampled) // max(1, len(sampled))


def write_catalog(store, source: str, entity: str, started_at: dt.datetime, rows: Iterable[dict]) -> None:
    """One complete full-refresh run of a catalog entity (so custom values resolve to labels downstream)."""
    writer = RunWriter(store, source, SCOPE, entity, started_at=started_at, extractor_version="bench")
    for row in rows:
        writer.write(row)
    writer.commit(cursor_field=None, watermark_from=None, watermark_to=None, mode="full")


def describe(kind: str, manifest: dict, what: str, mean_bytes: int) -> None:
    print(f"bronze {kind}: {manifest['rows']} {what}, ~{mean_bytes} bytes of JSON each, "
          f"{manifest['bytes'] / 2**20:.1f} MiB gzipped in {len(manifest['parts'])} parts", file=sys.stderr)


# ---------------------------------------------------------------------------------------------- baseline

def copy_baseline(source: str, entity: str, table: str) -> None:
    """(a): the entity's parts, gunzipped in Python, COPYed as they are into the UNLOGGED one-column table."""
    settings = get_settings()
    store, conn = open_store(settings), connect(settings, migrate=False, application_name="bench_copy")
    prepare_load_session(conn)  # the loader's own session set-up (lz4 TOAST when the server has it)
    statement = sql.SQL(COPY_SQL).format(sql.Identifier(table)).as_string(conn)
    for run in complete_runs(store, source, entity=entity):
        for part in run.manifest(store)["parts"]:
            with store.open(part["path"]) as raw, gzip.GzipFile(fileobj=raw) as lines, conn.cursor() as cur:
                cur.copy_expert(statement, lines, size=PartStream.CHUNK)
            conn.commit()
    conn.close()


# ---------------------------------------------------------------------------------------------- orchestration

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


def run(key: str, label: str, args: list[str], env: dict, records: int) -> Step:
    """One child process, python <args>; its wall-clock seconds and its own peak RSS."""
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, *args], cwd=REPO, env=env, stdout=sys.stderr)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)  # reaped by wait4: Popen must not wait again
    if child.returncode:
        raise BenchError(f"{label}: python {' '.join(args)} exited {child.returncode}")
    step = Step(key, label, records, seconds, usage.ru_maxrss / 1024)  # ru_maxrss is in KiB on Linux
    print(f"bench: {label}: {seconds:.1f} s, peak RSS {step.rss_mb:.0f} MB", file=sys.stderr)
    return step


def checkpoint(url: str) -> None:
    """CHECKPOINT before a timed step, so that it does not pay for flushing the previous step's pages."""
    try:
        execute(url, "CHECKPOINT")
    except errors.InsufficientPrivilege:
        pass  # needs superuser or pg_checkpoint; without it the timings are only a little noisier


@contextmanager
def workspace(name: str, keep: bool) -> Iterator[tuple[str, dict]]:
    """A throwaway database bench_<name>_<pid> on server_url() and a temporary lake folder; yields the
    database's URL and the environment a stage child runs with. Both are removed afterwards unless keep."""
    server, work = server_url(), Path(tempfile.mkdtemp(prefix=f"bench-{name}-"))
    database = f"bench_{name}_{os.getpid()}"
    env = {**os.environ, "DATABASE_URL": make_dsn(server, dbname=database), "LAKE_BACKEND": "local",
           "LAKE_ROOT": str(work / "lake"), "LOG_DIR": str(work / "logs")}
    execute(server, sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
    try:
        yield env["DATABASE_URL"], env
    finally:
        if keep:
            print(f"bench: kept database {database} and lake {work / 'lake'}", file=sys.stderr)
        else:
            execute(server, sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database)))
            shutil.rmtree(work, ignore_errors=True)


@dataclass
class Runner:
    """Runs a benchmark's steps against one database and lake, keeping the steps in order."""
    bench: Bench
    url: str
    env: dict
    steps: list[Step] = field(default_factory=list)

    def step(self, key: str, args: list[str], records: int) -> Step:
        step = run(key, self.bench.labels[key], args, self.env, records)
        self.steps.append(step)
        return step

    def timed(self, key: str, args: list[str], records: int, check, wanted: int) -> Step:
        """A CHECKPOINT, the step, then `check` (a count) must give `wanted`."""
        checkpoint(self.url)
        step = self.step(key, args, records)
        got = execute(self.url, check)
        if got != wanted:
            raise BenchError(f"{step.label}: counted {got} rows afterwards, expected {wanted}")
        return step


def count(table: str, where: sql.Composable | None = None) -> sql.Composed:
    """SELECT count(*) FROM schema.table [WHERE ...], the name quoted part by part."""
    query = sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(*table.split(".")))
    return query if where is None else sql.SQL("{} WHERE {}").format(query, where)


def run_all(bench: Bench, n: int, url: str, env: dict) -> list[Step]:
    changed, copy_table = changed_count(n), bench.copy_table
    me = ["-m", bench.module, "--records", str(n), "--child"]
    load, normalize = ["-m", f"load.load_{bench.source}_stg"], ["-m", f"normalize.normalize_{bench.source}"]
    stg = count(f"stg_{bench.source}.{bench.entity}_raw")
    runner = Runner(bench, url, env)
    runner.step("generate", [*me, "bronze"], n)
    run("migrate", "migrate", ["-m", "scripts.migrate"], env, 0)
    execute(url, sql.SQL("CREATE UNLOGGED TABLE {} (doc jsonb NOT NULL)").format(sql.Identifier(copy_table)))
    runner.timed("copy", [*me, "copy"], n, count(copy_table), n)
    execute(url, sql.SQL("DROP TABLE {}").format(sql.Identifier(copy_table)))  # it would cost the VACUUM time
    runner.timed("load", load, n, stg, n)
    runner.timed("reload", load, n, stg, n)
    runner.timed("full", [*normalize, "--full"], n, count(bench.core_table), n)
    # A day passes before the next run and autovacuum vacuums and analyzes the new rows meanwhile, so (e)
    # meets the tables in their everyday state, not straight out of a bulk insert.
    execute(url, "VACUUM ANALYZE")
    runner.step("generate_changes", [*me, "changes"], changed)
    runner.timed("load_changes", load, changed, stg, n + changed)
    runner.timed("incremental", normalize, changed,
                 count(bench.core_table, sql.SQL("updated_at >= {}").format(sql.Literal(bench.changed_at))), changed)
    for table in bench.counted:
        rows = execute(url, count(table))
        print(f"bench: {table} holds {rows} rows ({rows / n:.1f} per {bench.noun})", file=sys.stderr)
    return runner.steps


def report(steps: list[Step]) -> None:
    """The markdown table, then the summary line (always the last line of stdout)."""
    by = {s.key: s for s in steps}
    print("| step | records | seconds | rows/s | peak RSS MB |")
    print("|---|---:|---:|---:|---:|")
    for s in steps:
        print(f"| {s.label} | {s.records:,} | {s.seconds:.1f} | {s.records / s.seconds:,.0f} | {s.rss_mb:.0f} |")
    print(f"load/copy={by['copy'].seconds / by['load'].seconds:.3f} "
          f"normalize_1pct/full={by['incremental'].seconds / by['full'].seconds:.3f} "
          f"peak_rss_mb={max(s.rss_mb for s in steps):.0f}")


def parse_args(bench: Bench, argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog=f"python -m {bench.module}", description=bench.description)
    parser.add_argument("--records", type=int, default=1_000_000,
                        help=f"{bench.noun}s to generate (default 1,000,000)")
    parser.add_argument("--keep", action="store_true", help="keep the database and the lake folder for inspection")
    parser.add_argument("--child", choices=("bronze", "changes", "copy"),
                        help="internal: one step of the benchmark, run by it as a child process so that its "
                             "peak RSS is its own (reads LAKE_ROOT and DATABASE_URL)")
    args = parser.parse_args(argv)
    if args.records < 1:
        parser.error("--records must be at least 1")
    return args


def main(bench: Bench, argv: list[str] | None = None) -> int:
    args = parse_args(bench, argv)
    if args.child == "copy":
        copy_baseline(bench.source, bench.entity, bench.copy_table)
        return 0
    if args.child:
        bench.write_bronze(args.child, args.records)
        return 0
    try:
        with workspace(bench.source, args.keep) as (url, env):
            steps = run_all(bench, args.records, url, env)
    except BenchError as exc:
        print(f"bench failed: {exc}", file=sys.stderr)
        return 1
    report(steps)
    return 0
