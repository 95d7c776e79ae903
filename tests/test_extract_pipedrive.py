"""The real extractor over real HTTP against the Pipedrive simulator: bronze ends up equal to the API's truth."""
import json
import os
import signal
import subprocess
import sys
import time

import pytest

from extract import pipedrive_bronze
from lake.bronze import complete_runs, iter_lines, read_watermark
from lake.settings import Settings
from lake.store.local import LocalStore
from sandbox.pipedrive import PipedriveSimulator
from tests.fixtures.pipedrive_sim import PIPEDRIVE_SIM_TOKEN

INCREMENTAL = ["deals", "persons", "organizations", "activities"]


def settings_for(sim, tmp_path, **env):
    return Settings.from_env({"PIPEDRIVE_API_TOKEN": PIPEDRIVE_SIM_TOKEN, "PIPEDRIVE_BASE_URL": sim.base_url,
                              "LAKE_ROOT": str(tmp_path / "lake"), "LOG_DIR": str(tmp_path / "logs"), **env})


def bronze_latest(tmp_path, entity, key="id"):
    """Newest version of every record in bronze (later runs win; within a run, later lines win)."""
    store = LocalStore(tmp_path / "lake")
    latest = {}
    for run in complete_runs(store, "pipedrive", "default", entity):
        for part in run.manifest(store)["parts"]:
            for _, line in iter_lines(store, part["path"]):
                record = json.loads(line)
                latest[record[key]] = record
    return latest


def assert_bronze_matches_truth(sim, tmp_path, entities=INCREMENTAL + ["pipelines", "stages", "users"]):
    for entity in entities:
        truth = {r["id"]: r for r in sim.truth(entity)}
        latest = bronze_latest(tmp_path, entity)
        missing = set(truth) - set(latest)
        assert not missing, f"{entity}: {len(missing)} records never extracted"
        stale = [i for i in truth if latest[i] != truth[i]]
        assert not stale, f"{entity}: {len(stale)} records differ from the API, e.g. {stale[:3]}"


def test_first_run_extracts_everything_with_deleted_deals(pipedrive_sim, tmp_path):
    sim = pipedrive_sim
    sim.delete("deals", sim.truth("deals")[0]["id"])
    results = pipedrive_bronze.run(settings_for(sim, tmp_path))
    assert {r.status for r in results} == {"success"}
    assert_bronze_matches_truth(sim, tmp_path)
    assert any(d["is_deleted"] for d in bronze_latest(tmp_path, "deals").values())
    fields = bronze_latest(tmp_path, "deal_fields", key="key")
    assert {f["key"] for f in sim.field_catalog("deals")} == set(fields)
    store = LocalStore(tmp_path / "lake")
    assert read_watermark(store, "pipedrive", "default", "deals") == max(d["update_time"] for d in sim.truth("deals"))
    # The token travels in a header only: never in a URL the server (or a proxy log) sees.
    assert all("api_token" not in r["params"] for r in sim.requests)


def test_second_run_reads_only_changes_and_third_run_adds_only_boundary_rows(pipedrive_sim, tmp_path):
    sim = pipedrive_sim
    settings = settings_for(sim, tmp_path)
    first = {r.entity: r for r in pipedrive_bronze.run(settings)}
    sim.advance(hours=6, changes=40)
    sim.clear_requests()
    second = {r.entity: r for r in pipedrive_bronze.run(settings)}
    assert_bronze_matches_truth(sim, tmp_path)
    assert second["deals"].rows < first["deals"].rows / 2
    since = [r["params"].get("updated_since") for r in sim.requests if r["path"] == "/api/v2/deals"]
    assert since and all(s == first["deals"].watermark_after for s in since)
    third = {r.entity: r for r in pipedrive_bronze.run(settings)}
    for entity in INCREMENTAL:  # the inclusive boundary re-reads only the records of the watermark second
        wm = second[entity].watermark_after
        assert third[entity].rows == sum(1 for r in sim.truth(entity) if r["update_time"] == wm)
        assert third[entity].watermark_after == wm


def test_429_storm_and_5xx_only_slow_the_run_down(tmp_path):
    with PipedriveSimulator(seed=3, token=PIPEDRIVE_SIM_TOKEN, deals=700, burst_limit=6) as sim:
        sim.storm(2)
        sim.fail_5xx(1, status=503, after=3)
        sim.fail_5xx(1, status=500, after=5)
        sim.truncate(1, mode="json", after=7)
        results = pipedrive_bronze.run(settings_for(sim, tmp_path))
        assert {r.status for r in results} == {"success"}
        assert_bronze_matches_truth(sim, tmp_path)
        statuses = [r["status"] for r in sim.requests]
        assert statuses.count(429) >= 2 and 503 in statuses and 500 in statuses


def test_daily_budget_stop_then_next_run_completes(tmp_path):
    # 1200 deals = 3 pages of 500 at 10 tokens each: a budget of 15 lets two pages through.
    with PipedriveSimulator(seed=5, token=PIPEDRIVE_SIM_TOKEN, deals=1200, daily_budget=15) as sim:
        settings = settings_for(sim, tmp_path)
        results = pipedrive_bronze.run(settings, entity_names=["deals", "activities"])
        assert [(r.entity, r.status, r.rows) for r in results] == [("deals", "partial", 1000), ("activities", "partial", 0)]
        assert results[0].budget_exhausted and results[1].error == "not attempted: the daily API budget is spent"
        assert not any(r["path"] == "/api/v2/activities" for r in sim.requests)
        seen = sorted(d["update_time"] for d in sim.truth("deals"))[:1000]
        assert read_watermark(LocalStore(tmp_path / "lake"), "pipedrive", "default", "deals") == seen[-1]
        sim.limiter.daily_budget = 1000  # the next day, with a budget one run fits in
        sim.reset_daily_budget()
        sim.advance(hours=1, changes=10)
        results = pipedrive_bronze.run(settings)
        assert all(r.status == "success" for r in results)
        assert_bronze_matches_truth(sim, tmp_path)


def test_since_backfills_without_moving_the_watermark_back(pipedrive_sim, tmp_path):
    settings = settings_for(pipedrive_sim, tmp_path)
    pipedrive_bronze.run(settings, entity_names=["deals"])
    wm = read_watermark(LocalStore(tmp_path / "lake"), "pipedrive", "default", "deals")
    again = pipedrive_bronze.run(settings, entity_names=["deals"], since="2000-01-01T00:00:00Z")
    assert again[0].rows == len(pipedrive_sim.truth("deals"))
    assert read_watermark(LocalStore(tmp_path / "lake"), "pipedrive", "default", "deals") == wm


def run_cli(env, *args):
    return subprocess.run([sys.executable, "-m", "extract.pipedrive_bronze", *args], env=env,
                          capture_output=True, text=True, timeout=120)


def cli_env(sim, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIPEDRIVE_", "LAKE_"))}
    env.update(PIPEDRIVE_API_TOKEN=PIPEDRIVE_SIM_TOKEN, PIPEDRIVE_BASE_URL=sim.base_url,
               LAKE_ROOT=str(tmp_path / "lake"), LOG_DIR=str(tmp_path / "logs"))
    return env


def test_cli_exit_codes(pipedrive_sim, tmp_path):
    env = cli_env(pipedrive_sim, tmp_path)
    ok = run_cli(env, "--entity", "pipelines")
    assert ok.returncode == 0
    # where the logs really go: LOG_DIR/pipedrive_bronze_<date>.log (and stderr); no token in either
    [log_file] = (tmp_path / "logs").glob("pipedrive_bronze_*.log")
    assert "pipedrive.pipelines scope=default status=success" in log_file.read_text()
    assert PIPEDRIVE_SIM_TOKEN not in log_file.read_text() + ok.stderr + ok.stdout
    bad = run_cli(env, "--entity", "nope")
    assert bad.returncode == 2 and "unknown entity nope" in bad.stderr
    no_token = {k: v for k, v in env.items() if k != "PIPEDRIVE_API_TOKEN"}
    missing = run_cli(no_token)
    assert missing.returncode == 2 and "PIPEDRIVE_API_TOKEN" in missing.stderr
    wrong = dict(env, PIPEDRIVE_API_TOKEN="wrong-token-value")
    refused = run_cli(wrong, "--entity", "deals")
    assert refused.returncode == 1 and "wrong-token-value" not in refused.stderr + refused.stdout


def test_killed_extractor_leaves_no_visible_run_and_rerun_converges(tmp_path):
    with PipedriveSimulator(seed=7, token=PIPEDRIVE_SIM_TOKEN, deals=1500) as sim:
        env = cli_env(sim, tmp_path)
        assert run_cli(env, "--entity", "deals").returncode == 0
        sim.advance(hours=3, changes=60)
        store = LocalStore(tmp_path / "lake")
        wm = read_watermark(store, "pipedrive", "default", "deals")
        sim.slow(5, 1.0, path="/api/v2/deals")
        proc = subprocess.Popen([sys.executable, "-m", "extract.pipedrive_bronze", "--entity", "deals"], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 20
        while time.time() < deadline and not any(r["path"] == "/api/v2/deals" for r in sim.requests[-3:]):
            time.sleep(0.05)
        time.sleep(0.3)
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        assert len(complete_runs(store, "pipedrive", "default", "deals")) == 1
        assert read_watermark(store, "pipedrive", "default", "deals") == wm
        sim.clear_faults()
        assert run_cli(env, "--entity", "deals").returncode == 0
        assert_bronze_matches_truth(sim, tmp_path, ["deals"])


@pytest.mark.parametrize("bad", ["2026-13-01", "yesterday"])
def test_since_must_be_iso8601(bad):
    assert pipedrive_bronze.main(["--since", bad]) == 2


def test_an_unreachable_host_stops_the_scope_after_one_entity_and_publishes_nothing(tmp_path):
    import dataclasses
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    waits = []

    def session_for(settings, scope):  # the real session, its sleeps recorded instead of slept
        session = pipedrive_bronze.session_for(settings, scope)
        session.sleep = waits.append
        return session

    source = dataclasses.replace(pipedrive_bronze.EXTRACTOR, session_for=session_for)
    settings = Settings.from_env({"PIPEDRIVE_API_TOKEN": "t0k3n-x", "PIPEDRIVE_BASE_URL": f"http://127.0.0.1:{closed}",
                                  "LAKE_ROOT": str(tmp_path / "lake")})
    from extract.engine import extract_source
    results = extract_source(source, settings)
    assert len(results) == len(pipedrive_bronze.ENTITIES) and {r.status for r in results} == {"failed"}
    assert "did not answer" in results[0].error
    assert all(r.error == "not attempted: the API host did not answer" for r in results[1:])
    assert len(waits) == 7  # one entity's retries, not eleven
    assert not (tmp_path / "lake").exists() or not list((tmp_path / "lake").rglob("_manifest.json"))


def test_a_watermark_in_the_future_is_refused_loudly_and_since_repairs_it(pipedrive_sim, tmp_path):
    import json as _json

    settings = settings_for(pipedrive_sim, tmp_path)
    store = LocalStore(tmp_path / "lake")
    pipedrive_bronze.run(settings, entity_names=["deals"])
    state = tmp_path / "lake" / "bronze/pipedrive/scope=default/entity=deals/_watermark.json"
    state.write_text(_json.dumps({**_json.loads(state.read_text()), "watermark": "2099-06-01T00:00:00Z"}))
    pipedrive_sim.clear_requests()
    [result] = pipedrive_bronze.run(settings, entity_names=["deals"])
    assert result.status == "failed" and "later than the run start" in result.error and "--since" in result.error
    assert pipedrive_sim.request_count == 0  # nothing asked, nothing published
    [again] = pipedrive_bronze.run(settings, entity_names=["deals"], since="2000-01-01T00:00:00Z")
    assert again.status == "success" and again.rows == len(pipedrive_sim.truth("deals"))
    newest = max(d["update_time"] for d in pipedrive_sim.truth("deals"))
    assert read_watermark(store, "pipedrive", "default", "deals") == newest  # the bad one is replaced
    assert pipedrive_bronze.run(settings, entity_names=["deals"])[0].status == "success"


def test_a_lake_that_refuses_writes_fails_each_entity_in_one_line_and_publishes_nothing(pipedrive_sim, tmp_path,
                                                                                        monkeypatch, caplog):
    """bench.chaos: a full or read-only lake crashed the extract with a traceback and no result rows."""
    from lake import bronze

    def full(self):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(bronze.RunWriter, "_flush_part", full)
    results = pipedrive_bronze.run(settings_for(pipedrive_sim, tmp_path))
    assert results and {r.status for r in results} == {"failed"}
    assert all("the lake refused a write" in r.error and "No space left" in r.error for r in results)
    assert complete_runs(LocalStore(tmp_path / "lake"), "pipedrive") == []
    assert read_watermark(LocalStore(tmp_path / "lake"), "pipedrive", "default", "deals") is None
    assert not any(r.exc_info for r in caplog.records)
