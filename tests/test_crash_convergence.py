"""Every stage, killed with SIGKILL part-way and rerun, converges to the core of an uninterrupted run.

Two lakes and two databases are fed from one simulator: A runs each stage once; B has each stage
killed mid-flight and then rerun. Core must be equal, apart from lineage (bronze run ids differ).
"""
import os
import signal
import subprocess
import sys
import time

import psycopg2
import pytest

from sandbox.pipedrive import PipedriveSimulator
from tests.fixtures.pipedrive_sim import PIPEDRIVE_SIM_TOKEN
from tests.fixtures.postgres import temp_database

STAGES = ("extract.pipedrive_bronze", "load.load_pipedrive_stg", "normalize.normalize_pipedrive")
CORE = ("pd_deals", "pd_persons", "pd_organizations", "pd_activities", "pd_users", "pd_pipelines", "pd_stages",
        "pd_custom_fields", "pd_custom_field_values", "dim_date")
LINEAGE = {"_blob_path", "_line_no", "_updated_at"}


def env_for(sim, lake, db_url, logs):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIPEDRIVE_", "LAKE_", "PG", "DATABASE_URL"))}
    env.update(PIPEDRIVE_API_TOKEN=PIPEDRIVE_SIM_TOKEN, PIPEDRIVE_BASE_URL=sim.base_url, LAKE_ROOT=str(lake),
               DATABASE_URL=db_url, LOG_DIR=str(logs))
    return env


def run(env, module):
    proc = subprocess.run([sys.executable, "-m", module], env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]


def scalar(db_url, query):
    with psycopg2.connect(db_url) as conn, conn.cursor() as cur:
        try:
            cur.execute(query)
            return cur.fetchone()[0]
        except psycopg2.Error:  # tables not created yet by the stage's migrations
            return 0


def kill_when(env, module, ready, timeout=60):
    """Start a stage, SIGKILL it as soon as ready() says it is part-way; True if it was still running."""
    proc = subprocess.Popen([sys.executable, "-m", module], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.time() + timeout
    while time.time() < deadline and proc.poll() is None and not ready():
        time.sleep(0.01)
    alive = proc.poll() is None
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    return alive


def core_snapshot(db_url):
    snap = {}
    with psycopg2.connect(db_url) as conn, conn.cursor() as cur:
        for table in CORE:
            cur.execute("select column_name from information_schema.columns where table_schema = 'core' "
                        "and table_name = %s order by ordinal_position", (table,))
            cols = [c for (c,) in cur.fetchall() if c not in LINEAGE]
            cur.execute(f"select {', '.join(cols)} from core.{table}")
            snap[table] = sorted(map(repr, cur.fetchall()))
    return snap


def test_killed_stages_converge_to_the_uninterrupted_result(tmp_path, pg_server):
    with PipedriveSimulator(seed=11, token=PIPEDRIVE_SIM_TOKEN, deals=3000, persons=1500, activities=3000,
                            burst_limit=100) as sim, \
            temp_database(pg_server, "converge_a") as db_a, temp_database(pg_server, "converge_b") as db_b:
        clean = env_for(sim, tmp_path / "lake_a", db_a, tmp_path / "logs")
        crashy = env_for(sim, tmp_path / "lake_b", db_b, tmp_path / "logs")
        for module in STAGES:
            run(clean, module)

        # extract: killed while a slow deals page is in flight (parts may exist, no manifest)
        sim.slow(3, 1.0, path="/api/v2/deals")
        assert kill_when(crashy, STAGES[0], lambda: any(r["path"] == "/api/v2/deals" for r in sim.requests[-5:]))
        sim.clear_faults()
        run(crashy, STAGES[0])
        # load: killed once the first bronze part is committed, before the rest
        assert kill_when(crashy, STAGES[1], lambda: scalar(db_b, "select count(*) from meta.loaded_files") > 0)
        run(crashy, STAGES[1])
        # normalize: killed once the first entity is done
        assert kill_when(crashy, STAGES[2], lambda: scalar(db_b, "select count(*) from meta.normalize_state") > 0)
        run(crashy, STAGES[2])

        a, b = core_snapshot(db_a), core_snapshot(db_b)
        assert {t: len(v) for t, v in a.items()} == {t: len(v) for t, v in b.items()}
        assert a == b
        assert len(a["pd_deals"]) >= 2900
