"""Every stage of every source, killed with SIGKILL part-way and rerun, converges to the core of an
uninterrupted run.

Data flow: one simulator feeds two lakes and two databases: A runs each stage once; B has each stage
           killed mid-flight (extract during a slow page, load after its first committed part, normalize
           after its first entity) and then rerun. Core must be equal, apart from lineage (run ids differ).
Run standalone: python -m pytest tests/test_crash_convergence.py -q
"""
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Callable

import psycopg2
import pytest

from sandbox.pipedrive import PipedriveSimulator
from sandbox.zendesk import ZendeskSimulator
from tests.fixtures.pipedrive_sim import PIPEDRIVE_SIM_TOKEN
from tests.fixtures.postgres import temp_database
from tests.fixtures.zendesk_sim import ZENDESK_SIM_EMAIL, ZENDESK_SIM_TOKEN

LINEAGE = {"_blob_path", "_line_no", "_updated_at"}


@dataclass(frozen=True)
class Case:
    source: str
    simulator: Callable[[], object]
    env: Callable[[object], dict]
    slow_path: str            # the extract is killed while a slow page of this path is in flight
    core: tuple[str, ...]
    fact: str
    at_least: int


CASES = {
    "pipedrive": Case("pipedrive",
                      lambda: PipedriveSimulator(seed=11, token=PIPEDRIVE_SIM_TOKEN, deals=3000, persons=1500,
                                                 activities=3000, burst_limit=100),
                      lambda sim: {"PIPEDRIVE_API_TOKEN": PIPEDRIVE_SIM_TOKEN, "PIPEDRIVE_BASE_URL": sim.base_url},
                      "/api/v2/deals",
                      ("pd_deals", "pd_persons", "pd_organizations", "pd_activities", "pd_users", "pd_pipelines",
                       "pd_stages", "pd_custom_fields", "pd_custom_field_values", "dim_date"), "pd_deals", 2900),
    "zendesk": Case("zendesk",
                    lambda: ZendeskSimulator(seed=11, email=ZENDESK_SIM_EMAIL, token=ZENDESK_SIM_TOKEN, tickets=3000,
                                             incremental_limit=100, window_seconds=1.0),
                    lambda sim: {"ZENDESK_EMAIL": ZENDESK_SIM_EMAIL, "ZENDESK_API_TOKEN": ZENDESK_SIM_TOKEN,
                                 "ZENDESK_BASE_URL": sim.base_url},
                    "/api/v2/incremental/tickets",
                    ("zd_tickets", "zd_users", "zd_organizations", "zd_groups", "zd_ticket_fields", "zd_ticket_forms",
                     "zd_ticket_tags", "zd_ticket_custom_field_values", "dim_date"), "zd_tickets", 2900),
}


def env_for(case, sim, lake, db_url, logs):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PIPEDRIVE_", "ZENDESK_", "LAKE_", "PG", "DATABASE_URL"))}
    env.update(case.env(sim), LAKE_ROOT=str(lake), DATABASE_URL=db_url, LOG_DIR=str(logs))
    return env


def stages(source):
    return (f"extract.{source}_bronze", f"load.load_{source}_stg", f"normalize.normalize_{source}")


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


def core_snapshot(db_url, tables):
    snap = {}
    with psycopg2.connect(db_url) as conn, conn.cursor() as cur:
        for table in tables:
            cur.execute("select column_name from information_schema.columns where table_schema = 'core' "
                        "and table_name = %s order by ordinal_position", (table,))
            cols = [c for (c,) in cur.fetchall() if c not in LINEAGE]
            cur.execute(f"select {', '.join(cols)} from core.{table}")
            snap[table] = sorted(map(repr, cur.fetchall()))
    return snap


@pytest.mark.parametrize("source", sorted(CASES))
def test_killed_stages_converge_to_the_uninterrupted_result(source, tmp_path, pg_server):
    case = CASES[source]
    extract, load, normalize = stages(source)
    with case.simulator() as sim, \
            temp_database(pg_server, f"converge_{source}_a") as db_a, \
            temp_database(pg_server, f"converge_{source}_b") as db_b:
        clean = env_for(case, sim, tmp_path / "lake_a", db_a, tmp_path / "logs")
        crashy = env_for(case, sim, tmp_path / "lake_b", db_b, tmp_path / "logs")
        for module in (extract, load, normalize):
            run(clean, module)

        # extract: killed while a slow page is in flight (parts may exist, no manifest)
        sim.slow(3, 1.0, path=case.slow_path)
        assert kill_when(crashy, extract, lambda: any(r["path"].startswith(case.slow_path)
                                                      for r in sim.requests[-5:]))
        sim.clear_faults()
        run(crashy, extract)
        # load: killed once the first bronze part is committed, before the rest
        assert kill_when(crashy, load, lambda: scalar(db_b, "select count(*) from meta.loaded_files") > 0)
        run(crashy, load)
        # normalize: killed once the first entity is done
        assert kill_when(crashy, normalize, lambda: scalar(db_b, "select count(*) from meta.normalize_state") > 0)
        run(crashy, normalize)

        a, b = core_snapshot(db_a, case.core), core_snapshot(db_b, case.core)
        assert {t: len(v) for t, v in a.items()} == {t: len(v) for t, v in b.items()}
        assert a == b
        assert len(a[case.fact]) >= case.at_least
