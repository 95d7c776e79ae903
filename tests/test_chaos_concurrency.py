"""Chaos suite, concurrency: stages started at the same moment must converge to what one-at-a-time gives.

Data flow: simulators (a few thousand records per source) -> extract once into a shared bronze lake (module
           fixture) -> per case a pristine migrated database (CREATE DATABASE ... TEMPLATE) -> the case's
           commands as subprocesses released together by a barrier -> stg, meta and core compared with a
           sequential run's (load, then normalize) in a database of its own.
Run standalone: python -m pytest -q tests/test_chaos_concurrency.py

The matrix (each case for both sources, side by side in two databases): two loaders at once; two normalizers
at once; a loader and a normalizer at once; a --rebuild during a normalize of the same data. Plus two daily runs
at once (both sources, live simulators): one is refused (exit 1, one line), the other succeeds. 9 cases; each
case starts from a copy of the sequential run's database at the right step (empty, or loaded).
After each: every command exited 0 (except the refused daily run), no Traceback, no stg row twice (primary key
(_blob_path, _line_no); and no record stored twice from one part), stg, the ledger, rejected rows and core equal
the sequential run's (without _updated_at, _loaded_at, _load_id, load ids, row ids and times), and no
meta.pipeline_runs row is left 'running'. Where a normalize may have run before a load (a loader and a normalizer
at once), one more normalize runs before core is compared: convergence is the claim, not order. Two loaders
touch stg and meta only, so core is not compared there (it would only repeat the normalize).
Whether two commands really waited on each other depends on timing; the assertions do not, so they cannot flake.
"""
from __future__ import annotations

import contextlib
import json
import re
import subprocess
import sys
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg2
import pytest
from psycopg2 import sql

from lake.db import connect
from lake.settings import Settings
from sandbox.pipedrive import PipedriveSimulator
from sandbox.zendesk import ZendeskSimulator
from tests.fixtures.chaos_bronze import REPO, clean_env
from tests.fixtures.postgres import _admin, with_database

PD_TOKEN, ZD_EMAIL, ZD_TOKEN = "chaos-pd-token", "chaos@simco.example", "chaos-zd-token"
# a few thousand records in all; Pipedrive's deals are the costly ones to normalize (custom fields)
PD_COUNTS = {"deals": 600, "persons": 400, "organizations": 100, "activities": 600}
ZD_COUNTS = {"tickets": 1500, "users": 200}
SOURCES = ("pipedrive", "zendesk")
# volatile columns: when a row was written, by which load, its surrogate id
VOLATILE = ("_updated_at", "_loaded_at", "_load_id", "load_id", "rejected_id", "rejected_at", "loaded_at")


def loader(source: str, *extra: str) -> list[str]:
    return [f"load.load_{source}_stg", *extra]


def normalizer(source: str, *extra: str) -> list[str]:
    return [f"normalize.normalize_{source}", *extra]


# ---- databases ----

@pytest.fixture(scope="module")
def template(pg_server, tmp_path_factory) -> str:
    """A migrated database to copy for each case (no session may stay on it)."""
    name = f"lake_chaos_tmpl_{uuid.uuid4().hex[:8]}"
    _admin(pg_server, sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = with_database(pg_server, name)
    settings = Settings.from_env({"DATABASE_URL": url, "LOG_DIR": str(tmp_path_factory.mktemp("tmpl_logs"))})
    connect(settings, migrate=True).close()
    yield name
    _admin(pg_server, sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@contextlib.contextmanager
def fresh_database(pg_server: str, template_name: str):
    name = f"lake_chaos_case_{uuid.uuid4().hex[:8]}"
    _admin(pg_server, sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name),
                                                                        sql.Identifier(template_name)))
    try:
        yield with_database(pg_server, name)
    finally:
        _admin(pg_server, sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def rows(url: str, query: str, params=None) -> list[tuple]:
    with contextlib.closing(psycopg2.connect(url)) as conn, conn.cursor() as cur:
        cur.execute(query, params)
        return cur.fetchall()


# ---- the shared lake ----

@pytest.fixture(scope="module")
def lake(tmp_path_factory) -> Path:
    """Bronze for both sources, extracted once from simulators with a few thousand records each."""
    root = tmp_path_factory.mktemp("concurrency_lake")
    with PipedriveSimulator(seed=3, token=PD_TOKEN, burst_limit=1000, **PD_COUNTS) as pd_sim, \
            ZendeskSimulator(seed=3, email=ZD_EMAIL, token=ZD_TOKEN, **ZD_COUNTS) as zd_sim:
        env = clean_env(LAKE_ROOT=root / "lake", LOG_DIR=root / "logs",
                        DATABASE_URL="postgresql://unused@127.0.0.1:1/x",  # extract needs no database
                        PIPEDRIVE_API_TOKEN=PD_TOKEN, PIPEDRIVE_BASE_URL=pd_sim.base_url,
                        ZENDESK_EMAIL=ZD_EMAIL, ZENDESK_API_TOKEN=ZD_TOKEN, ZENDESK_BASE_URL=zd_sim.base_url)
        with ThreadPoolExecutor(max_workers=len(SOURCES)) as pool:
            done = list(pool.map(lambda source: subprocess.run(
                [sys.executable, "-m", f"extract.{source}_bronze"], cwd=REPO, env=env, capture_output=True,
                text=True, timeout=300), SOURCES))
        for each in done:
            assert each.returncode == 0, each.stderr[-3000:]
    return root / "lake"


def env_for(url: str, lake: Path, logs: Path) -> dict[str, str]:
    return clean_env(DATABASE_URL=url, LAKE_BACKEND="local", LAKE_ROOT=lake, LOG_DIR=logs)


def run_one(argv: list[str], env: dict) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", *argv], cwd=REPO, env=env, capture_output=True, text=True,
                          errors="replace", timeout=300)
    assert done.returncode == 0 and "Traceback" not in done.stdout + done.stderr, (argv, done.stderr[-3000:])
    return done


def together(commands: list[list[str]], env: dict) -> list[subprocess.CompletedProcess]:
    """Start every command at the same moment (a barrier releases the threads); wait for all."""
    barrier = threading.Barrier(len(commands))
    results: list[subprocess.CompletedProcess | BaseException | None] = [None] * len(commands)

    def go(i: int, argv: list[str]) -> None:
        try:
            barrier.wait()
            results[i] = subprocess.run([sys.executable, "-m", *argv], cwd=REPO, env=env, capture_output=True,
                                        text=True, errors="replace", timeout=300)
        except BaseException as exc:  # reported by the caller
            results[i] = exc

    threads = [threading.Thread(target=go, args=(i, c)) for i, c in enumerate(commands)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for r in results:
        if isinstance(r, BaseException):
            raise r
    return results


# ---- what a database holds, without what says when or by which load ----

def strip(doc: dict) -> str:
    return json.dumps({k: v for k, v in doc.items() if k not in VOLATILE}, sort_keys=True)


def state(url: str, source: str) -> dict[str, list[str]]:
    prefix = {"pipedrive": "pd_", "zendesk": "zd_"}[source]
    tables = [t for (t,) in rows(url, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'core' "
                                      "AND table_type = 'BASE TABLE' "
                                      "AND (table_name LIKE %s OR table_name = 'dim_date')", (prefix + "%",))]
    stg = [t for (t,) in rows(url, "SELECT table_name FROM information_schema.tables WHERE table_schema = %s",
                              (f"stg_{source}",))]
    found = {}
    for schema, table in [("core", t) for t in tables] + [(f"stg_{source}", t) for t in stg]:
        found[f"{schema}.{table}"] = sorted(strip(r[0]) for r in rows(
            url, f'SELECT to_jsonb(t) FROM "{schema}"."{table}" t'))  # names from the catalog
    for table, where in (("loaded_files", "source = %s"), ("rejected_rows", "source = %s")):
        found[f"meta.{table}"] = sorted(strip(r[0]) for r in rows(
            url, f"SELECT to_jsonb(t) FROM meta.{table} t WHERE {where}", (source,)))
    return found


def invariants(url: str, source: str) -> None:
    """Nothing stored twice, nothing left running."""
    for (table,) in rows(url, "SELECT table_name FROM information_schema.tables WHERE table_schema = %s",
                         (f"stg_{source}",)):
        twice = rows(url, f'SELECT _blob_path, record_id, md5(doc::text), count(*) FROM "stg_{source}"."{table}" '
                          "GROUP BY 1, 2, 3 HAVING count(*) > 1")
        assert twice == [], f"stg_{source}.{table}: a record stored twice from one part: {twice[:3]}"
    assert rows(url, "SELECT stage, source, entity FROM meta.pipeline_runs WHERE status = 'running'") == []
    assert rows(url, "SELECT blob_path, count(*) FROM meta.loaded_files GROUP BY 1 HAVING count(*) > 1") == []


@pytest.fixture(scope="module")
def reference(pg_server, template, lake, tmp_path_factory) -> dict[str, dict]:
    """The sequential run of each source (load, then normalize) in a database of its own (core.dim_date is
    shared by the sources), both sources side by side: its state, and a copy of the database as it was after
    the load ('loaded'), to start cases from (no session stays on it, so it serves as a template)."""
    logs = tmp_path_factory.mktemp("reference_logs")
    made: list[str] = []

    def copy(name: str, of: str) -> str:
        _admin(pg_server, sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name), sql.Identifier(of)))
        made.append(name)
        return name

    def sequential(source: str) -> dict:
        work = copy(f"lake_chaos_{source}_ref_{uuid.uuid4().hex[:8]}", template)
        url = with_database(pg_server, work)
        env = env_for(url, lake, logs / source)
        run_one(loader(source), env)
        loaded = copy(f"lake_chaos_{source}_loaded_{uuid.uuid4().hex[:8]}", work)  # nobody is connected now
        run_one(normalizer(source), env)
        return {"state": state(url, source), "empty": template, "loaded": loaded}

    try:
        with ThreadPoolExecutor(max_workers=len(SOURCES)) as pool:
            found = dict(zip(SOURCES, pool.map(sequential, SOURCES)))
        yield found
    finally:
        for name in made:
            _admin(pg_server, sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


# ---- the matrix ----

CASES = {
    # name: (the state it starts from, commands together, normalize afterwards, tables compared)
    # Two loaders change stg and meta only: core is compared where a normalize ran.
    "two_loaders": ("empty", ["load", "load"], False, ("stg_", "meta.")),
    "two_normalizers": ("loaded", ["normalize", "normalize"], False, ("stg_", "meta.", "core.")),
    # the normalize may have run before the load: one more, then core must be the sequential one
    "loader_and_normalizer": ("empty", ["load", "normalize"], True, ("stg_", "meta.", "core.")),
    # whichever takes the lock first, core ends as the sequential one: the rebuild reloads the same rows
    "rebuild_during_normalize": ("loaded", ["normalize", "load --rebuild"], False, ("stg_", "meta.", "core.")),
}


def command(source: str, spec: str) -> list[str]:
    stage, *extra = spec.split()
    return loader(source, *extra) if stage == "load" else normalizer(source, *extra)


@pytest.mark.parametrize("case", list(CASES))
def test_concurrent_stages_converge_to_the_sequential_result(case, pg_server, template, lake, reference, tmp_path):
    """Both sources at once, each in its own database (advisory locks are per database): the case's wall
    time is the slower source's, not the sum."""
    with ThreadPoolExecutor(max_workers=len(SOURCES)) as pool:
        failures = {source: f for source, f in zip(SOURCES, pool.map(
            lambda source: _failure(case, source, pg_server, lake, reference, tmp_path / source), SOURCES)) if f}
    assert failures == {}, "\n\n".join(f"{source}: {text}" for source, text in failures.items())


def _failure(case, source, pg_server, lake, reference, tmp_path) -> str | None:
    try:
        _one_case(case, source, pg_server, lake, reference, tmp_path)
    except AssertionError as exc:
        return str(exc) or "AssertionError"
    return None


def _one_case(case, source, pg_server, lake, reference, tmp_path) -> None:
    start, concurrent, normalize_after, compared = CASES[case]
    with fresh_database(pg_server, reference[source][start]) as url:
        env = env_for(url, lake, tmp_path / "logs")
        results = together([command(source, spec) for spec in concurrent], env)
        for spec, done in zip(concurrent, results):
            output = done.stdout + done.stderr
            assert done.returncode == 0 and "Traceback" not in output, (spec, output[-3000:])
        invariants(url, source)
        if normalize_after:
            run_one(normalizer(source), env)
        invariants(url, source)
        got, want = state(url, source), reference[source]["state"]
        assert set(got) == set(want)
        want = {table: content for table, content in want.items() if table.startswith(compared)}
        differ = {table: (len(got[table]), len(want[table])) for table in want if got[table] != want[table]}
        assert differ == {}, f"tables that differ from the sequential run (rows now, rows then): {differ}"
        records = sum(len(content) for table, content in reference[source]["state"].items() if table.startswith("stg_"))
        assert records >= 1500  # the data set is as big as intended


# ---- two daily runs ----

LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ (DEBUG|INFO|WARNING) ")


def test_two_daily_runs_at_once_one_is_refused_cleanly_the_other_succeeds(pg_server, template, tmp_path):
    with PipedriveSimulator(seed=1, token=PD_TOKEN) as pd_sim, \
            ZendeskSimulator(seed=1, email=ZD_EMAIL, token=ZD_TOKEN) as zd_sim, \
            fresh_database(pg_server, template) as url:
        env = clean_env(DATABASE_URL=url, LAKE_BACKEND="local", LAKE_ROOT=tmp_path / "lake", LOG_DIR=tmp_path / "logs",
                        PIPEDRIVE_API_TOKEN=PD_TOKEN, PIPEDRIVE_BASE_URL=pd_sim.base_url,
                        ZENDESK_EMAIL=ZD_EMAIL, ZENDESK_API_TOKEN=ZD_TOKEN, ZENDESK_BASE_URL=zd_sim.base_url)
        first, second = together([["scripts.daily_pipeline"], ["scripts.daily_pipeline"]], env)
        by_code = {r.returncode: r for r in (first, second)}
        assert sorted(by_code) == [0, 1], [(r.returncode, r.stderr[-2000:]) for r in (first, second)]
        refused = by_code[1].stdout + by_code[1].stderr
        errors = [line for line in refused.splitlines() if line.strip() and not LOG_LINE.match(line)]
        assert len(errors) == 1 and "holds the lock" in errors[0], refused
        assert "Traceback" not in refused + by_code[0].stdout + by_code[0].stderr
        for source in SOURCES:
            invariants(url, source)
        statuses = rows(url, "SELECT stage, status, count(*) FROM meta.pipeline_runs GROUP BY 1, 2 ORDER BY 1, 2")
        assert {status for _, status, _ in statuses} == {"success"}, statuses
        # one run's worth of rows: each stage x source x entity once (the refused run recorded nothing)
        [(runs, distinct)] = rows(url, "SELECT count(*), count(DISTINCT (stage, source, scope, entity)) "
                                       "FROM meta.pipeline_runs")
        assert runs == distinct
        # the winner's data is whole: every record in stg has its core row
        for stg, core in (("stg_pipedrive.deals_raw", "core.pd_deals WHERE NOT is_inferred"),
                          ("stg_zendesk.tickets_raw", "core.zd_tickets")):
            [(records,)] = rows(url, f"SELECT count(DISTINCT record_id) FROM {stg}")
            assert records > 100 and rows(url, f"SELECT count(*) FROM {core}") == [(records,)]
