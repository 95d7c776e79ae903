"""The real Zendesk extractor over real HTTP against the simulator: bronze ends up equal to the API's truth.

Data flow: ZendeskSimulator (loopback) -> extract.zendesk_bronze.run / main -> local bronze -> read back here.
Run standalone: python -m pytest tests/test_extract_zendesk.py -q
"""
from __future__ import annotations

import json

import pytest

from extract import zendesk_bronze
from lake.bronze import complete_runs, iter_lines, read_watermark
from lake.settings import Settings, get_settings
from lake.store.local import LocalStore
from sandbox.zendesk import ZendeskSimulator
from tests.fixtures.zendesk_sim import ZENDESK_SIM_EMAIL, ZENDESK_SIM_TOKEN

ALL = ("tickets", "users", "organizations", "groups", "ticket_fields", "ticket_forms")
EXPORTS = ("tickets", "users", "organizations")


def settings_for(sim, tmp_path, **env):
    return Settings.from_env({"ZENDESK_EMAIL": ZENDESK_SIM_EMAIL, "ZENDESK_API_TOKEN": ZENDESK_SIM_TOKEN,
                              "ZENDESK_BASE_URL": sim.base_url, "LAKE_ROOT": str(tmp_path / "lake"),
                              "LOG_DIR": str(tmp_path / "logs"), **env})


def bronze_latest(tmp_path, entity):
    """Newest version of every record in bronze (later runs win; within a run, later lines win)."""
    store = LocalStore(tmp_path / "lake")
    latest = {}
    for run in complete_runs(store, "zendesk", "default", entity):
        for part in run.manifest(store)["parts"]:
            for _, line in iter_lines(store, part["path"]):
                record = json.loads(line)
                latest[record["id"]] = record
    return latest


def assert_bronze_matches_truth(sim, tmp_path, entities=ALL):
    for entity in entities:
        truth = {r["id"]: r for r in sim.truth(entity)}
        latest = bronze_latest(tmp_path, entity)
        assert set(truth) == set(latest), f"{entity}: {len(set(truth) ^ set(latest))} records differ in presence"
        stale = [i for i in truth if latest[i] != truth[i]]
        assert not stale, f"{entity}: {len(stale)} records differ from the API, e.g. {stale[:3]}"


def statuses(results):
    return {r.entity: r.status for r in results}


def test_first_run_takes_everything_deleted_archived_and_ai_agent_tickets_included(zendesk_sim, tmp_path):
    sim = zendesk_sim
    results = zendesk_bronze.run(settings_for(sim, tmp_path))
    assert set(statuses(results).values()) == {"success"}
    assert_bronze_matches_truth(sim, tmp_path)
    statuses_seen = {t["status"] for t in bronze_latest(tmp_path, "tickets").values()}
    assert "deleted" in statuses_seen
    store = LocalStore(tmp_path / "lake")
    assert read_watermark(store, "zendesk", "default", "tickets")  # the export's cursor, kept for the next run
    orgs = sim.truth("organizations")
    assert int(read_watermark(store, "zendesk", "default", "organizations")) == max(
        int(__import__("datetime").datetime.fromisoformat(o["updated_at"].replace("Z", "+00:00")).timestamp())
        for o in orgs)
    export = [r for r in sim.requests if r["path"].startswith("/api/v2/incremental/tickets")]
    assert all(r["params"].get("support_type_scope") == "all" and "exclude_deleted" not in r["params"] for r in export)


def test_later_runs_resume_from_the_cursor_and_a_quiet_run_asks_once_per_entity(zendesk_sim, tmp_path):
    sim = zendesk_sim
    zendesk_bronze.run(settings_for(sim, tmp_path))
    sim.advance(hours=24, changes=40)
    sim.clear_requests()
    assert set(statuses(zendesk_bronze.run(settings_for(sim, tmp_path))).values()) == {"success"}
    assert_bronze_matches_truth(sim, tmp_path)
    cursor_calls = [r for r in sim.requests if r["path"].startswith("/api/v2/incremental/tickets")]
    assert cursor_calls and "cursor" in cursor_calls[0]["params"] and "start_time" not in cursor_calls[0]["params"]
    sim.clear_requests()
    zendesk_bronze.run(settings_for(sim, tmp_path))
    asked = [r["path"] for r in sim.requests]
    assert len(asked) == len(ALL), asked


def test_rate_limits_and_outages_only_slow_the_run_down(tmp_path):
    with ZendeskSimulator(seed=3, email=ZENDESK_SIM_EMAIL, token=ZENDESK_SIM_TOKEN, window_seconds=1.0) as sim:
        sim.storm(2, bucket="incremental")
        sim.storm(1, bucket="account", after=3)
        sim.fail_503(1, retry_after=1, after=4)
        sim.fail_503(1, after=5)
        sim.slow(1, 0.5, after=6)
        results = zendesk_bronze.run(settings_for(sim, tmp_path))
        assert set(statuses(results).values()) == {"success"}
        assert_bronze_matches_truth(sim, tmp_path)
        assert sorted(r["status"] for r in sim.requests if r["status"] >= 400) == [429, 429, 429, 503, 503]


def test_the_incremental_bucket_is_planned_for_not_discovered_by_429s(tmp_path):
    with ZendeskSimulator(seed=4, email=ZENDESK_SIM_EMAIL, token=ZENDESK_SIM_TOKEN, incremental_limit=1,
                          window_seconds=1.0) as sim:
        zendesk_bronze.run(settings_for(sim, tmp_path), entity_names=list(EXPORTS))
        assert [r["status"] for r in sim.requests] == [200] * len(sim.requests) and len(sim.requests) >= 3


def test_a_plan_without_ticket_forms_skips_them_and_the_run_succeeds(tmp_path):
    with ZendeskSimulator(seed=5, email=ZENDESK_SIM_EMAIL, token=ZENDESK_SIM_TOKEN, forms_on_plan=False) as sim:
        results = zendesk_bronze.run(settings_for(sim, tmp_path))
        assert statuses(results)["ticket_forms"] == "skipped"
        assert {s for e, s in statuses(results).items() if e != "ticket_forms"} == {"success"}
        assert complete_runs(LocalStore(tmp_path / "lake"), "zendesk", "default", "ticket_forms") == []


def test_oauth_bearer_works_too(tmp_path):
    with ZendeskSimulator(seed=6, oauth_token="oauth-secret-1234") as sim:
        env = {"ZENDESK_OAUTH_TOKEN": "oauth-secret-1234", "ZENDESK_BASE_URL": sim.base_url,
               "LAKE_ROOT": str(tmp_path / "lake")}
        results = zendesk_bronze.run(Settings.from_env(env), entity_names=["groups"])
        assert statuses(results) == {"groups": "success"}


def test_a_wrong_token_fails_within_a_few_requests_and_is_never_printed(zendesk_sim, tmp_path, monkeypatch, capsys):
    sim, secret = zendesk_sim, "wrong-token-5f3a9c"
    for name, value in {"ZENDESK_EMAIL": ZENDESK_SIM_EMAIL, "ZENDESK_API_TOKEN": secret,
                        "ZENDESK_BASE_URL": sim.base_url, "LAKE_ROOT": str(tmp_path / "lake"),
                        "LOG_DIR": str(tmp_path / "logs")}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("ZENDESK_SCOPES", raising=False)
    get_settings.cache_clear()
    try:
        assert zendesk_bronze.main([]) == 1
    finally:
        get_settings.cache_clear()
    assert sim.request_count <= 2
    out = capsys.readouterr()
    logs = "".join(p.read_text() for p in (tmp_path / "logs").glob("*.log"))
    assert secret not in out.out + out.err + logs and "401" in logs


@pytest.mark.parametrize("env, missing", [({"ZENDESK_SUBDOMAIN": "acme"}, "ZENDESK_OAUTH_TOKEN"),
                                          ({"ZENDESK_API_TOKEN": "t"}, "ZENDESK_SUBDOMAIN"),
                                          ({"ZENDESK_SUBDOMAIN": "a", "ZENDESK_OAUTH_TOKEN": "t",
                                            "ZENDESK_START_TIME": "last year"}, "ZENDESK_START_TIME")])
def test_missing_or_bad_settings_are_a_configuration_error_that_names_them(env, missing, tmp_path):
    from lake.settings import SettingsError
    with pytest.raises(SettingsError, match=missing):
        zendesk_bronze.run(Settings.from_env({**env, "LAKE_ROOT": str(tmp_path / "lake")}))


def test_several_accounts_are_scopes_with_their_own_credentials_and_watermarks(tmp_path):
    with ZendeskSimulator(seed=7, email="a@acme.test", token="acme-token-1") as acme, \
            ZendeskSimulator(seed=8, oauth_token="globex-oauth-2", tickets=50) as globex:
        env = {"ZENDESK_SCOPES": "acme, globex", "LAKE_ROOT": str(tmp_path / "lake"),
               "ZENDESK_BASE_URL__ACME": acme.base_url, "ZENDESK_EMAIL__ACME": "a@acme.test",
               "ZENDESK_API_TOKEN__ACME": "acme-token-1",
               "ZENDESK_BASE_URL__GLOBEX": globex.base_url, "ZENDESK_OAUTH_TOKEN__GLOBEX": "globex-oauth-2"}
        results = zendesk_bronze.run(Settings.from_env(env), entity_names=["tickets"])
        assert [(r.scope, r.status, r.rows) for r in results] == [
            ("acme", "success", len(acme.truth("tickets"))), ("globex", "success", len(globex.truth("tickets")))]
        store = LocalStore(tmp_path / "lake")
        assert read_watermark(store, "zendesk", "acme", "tickets") != read_watermark(store, "zendesk", "globex", "tickets")
