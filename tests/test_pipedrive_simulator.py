"""The Pipedrive simulator behaves like the real API (doc: /work/shared/api/pipedrive.md), over real HTTP.

Data flow: PipedriveSimulator on 127.0.0.1 -> requests -> assertions against sim.truth()/field_catalog().
Run standalone: python -m pytest tests/test_pipedrive_simulator.py -q
"""
from __future__ import annotations

import re
import subprocess
import sys
import time
from collections import Counter

import pytest
import requests

from sandbox.pipedrive import PipedriveSimulator
from tests.fixtures.pipedrive_sim import PIPEDRIVE_SIM_TOKEN

TOKEN = PIPEDRIVE_SIM_TOKEN
AUTH = {"x-api-token": TOKEN}
MAX_PAGES = 100
HEX40 = re.compile(r"^[0-9a-f]{40}$")


@pytest.fixture
def roomy_sim():
    """Same data as `pipedrive_sim`, with a burst limit high enough for whole-table reads."""
    with PipedriveSimulator(seed=1, token=TOKEN, burst_limit=10_000) as sim:
        yield sim


def get(sim, path, params=None, headers=AUTH, **kw):
    return requests.get(sim.base_url + path, params=params, headers=headers, timeout=10, **kw)


def read_all(sim, path, params=None) -> tuple[list[dict], int]:
    """Follow next_cursor to the end (stop rule: next_cursor is null); returns (records, pages)."""
    params, records = dict(params or {}), []
    for page in range(1, MAX_PAGES + 1):
        body = get(sim, path, params).json()
        assert body["success"] is True
        records.extend(body["data"])
        if body["additional_data"]["next_cursor"] is None:
            return records, page
        params["cursor"] = body["additional_data"]["next_cursor"]
    raise AssertionError(f"{path} did not end within {MAX_PAGES} pages")


def assert_error(response, status, text=""):
    assert response.status_code == status
    body = response.json()
    assert body == {"success": False, "error": body["error"], "error_info": "Please check developers.pipedrive.com",
                    "data": None, "additional_data": None}
    assert text in body["error"]


# -- auth ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("headers,params", [({}, {}), ({"x-api-token": "wrong"}, {}), ({}, {"api_token": "wrong"}),
                                            ({"Authorization": "Bearer wrong"}, {})])
def test_missing_or_wrong_token_is_401_with_error_envelope(pipedrive_sim, headers, params):
    response = get(pipedrive_sim, "/api/v2/deals", params, headers=headers)
    assert_error(response, 401)
    assert response.headers["x-ratelimit-limit"] == "20"


@pytest.mark.parametrize("headers,params", [(AUTH, {}), ({}, {"api_token": TOKEN}),
                                            ({"Authorization": f"Bearer {TOKEN}"}, {})])
def test_header_query_and_bearer_tokens_are_accepted(pipedrive_sim, headers, params):
    assert get(pipedrive_sim, "/api/v2/persons", params, headers=headers).status_code == 200


def test_unknown_paths_are_404_and_v2_needs_the_api_prefix(pipedrive_sim):
    assert_error(get(pipedrive_sim, "/api/v2/nothing"), 404)
    assert_error(get(pipedrive_sim, "/v2/deals"), 404)
    assert get(pipedrive_sim, "/v1/users").status_code == 200


# -- cursor pagination and filters ------------------------------------------------------------------
@pytest.mark.parametrize("entity", ["deals", "persons", "organizations", "activities"])
def test_cursor_pages_cover_every_record_exactly_once(roomy_sim, entity):
    records, pages = read_all(roomy_sim, f"/api/v2/{entity}", {"limit": 25})
    ids = [r["id"] for r in records]
    expected = [r["id"] for r in roomy_sim.truth(entity) if entity != "deals" or not r["is_deleted"]]
    assert pages >= 2 and len(ids) == len(set(ids)) and sorted(ids) == expected
    assert records == sorted(records, key=lambda r: r["id"])  # sort_by=id asc is the default


def test_update_time_desc_pages_are_ordered_and_complete(roomy_sim):
    records, _ = read_all(roomy_sim, "/api/v2/activities",
                          {"limit": 37, "sort_by": "update_time", "sort_direction": "desc"})
    keys = [(r["update_time"], r["id"]) for r in records]
    assert keys == sorted(keys, reverse=True) and len(keys) == len(roomy_sim.truth("activities"))


@pytest.mark.parametrize("limit,status", [("500", 200), ("501", 400), ("0", 400), ("abc", 400)])
def test_limit_is_capped_at_500(pipedrive_sim, limit, status):
    assert get(pipedrive_sim, "/api/v2/deals", {"limit": limit}).status_code == status


def test_default_page_is_100_records_and_cursor_is_opaque(pipedrive_sim):
    body = get(pipedrive_sim, "/api/v2/deals").json()
    assert len(body["data"]) == 100 and isinstance(body["additional_data"]["next_cursor"], str)
    assert_error(get(pipedrive_sim, "/api/v2/deals", {"cursor": "not-a-cursor!"}), 400)


def test_updated_since_is_inclusive_and_updated_until_exclusive(roomy_sim):
    times = Counter(r["update_time"] for r in roomy_sim.truth("persons"))
    shared = next(t for t, n in sorted(times.items()) if n > 1)  # the generator guarantees shared seconds
    since, _ = read_all(roomy_sim, "/api/v2/persons", {"updated_since": shared})
    until, _ = read_all(roomy_sim, "/api/v2/persons", {"updated_until": shared})
    assert sorted(r["id"] for r in since) == [r["id"] for r in roomy_sim.truth("persons") if r["update_time"] >= shared]
    assert all(r["update_time"] < shared for r in until)
    assert len(since) + len(until) == len(roomy_sim.truth("persons"))
    assert sum(r["update_time"] == shared for r in since) == times[shared] >= 2


@pytest.mark.parametrize("value", ["2026-01-01T00:00:00.000Z", "2026-01-01 00:00:00", "2026-01-01T00:00:00+00:00",
                                   "2026-13-01T00:00:00Z", "2026-01-01"])
def test_only_whole_second_rfc3339_datetimes_are_accepted(pipedrive_sim, value):
    assert_error(get(pipedrive_sim, "/api/v2/deals", {"updated_since": value}), 400, "not a valid datetime")


def test_pipelines_and_stages_have_no_incremental_filter(pipedrive_sim):
    for path in ("/api/v2/pipelines", "/api/v2/stages"):
        assert_error(get(pipedrive_sim, path, {"updated_since": "2026-01-01T00:00:00Z"}), 400)
    stages = get(pipedrive_sim, "/api/v2/stages", {"pipeline_id": 2}).json()["data"]
    assert stages and {s["pipeline_id"] for s in stages} == {2}
    assert len(get(pipedrive_sim, "/api/v2/pipelines").json()["data"]) == 3


def test_deleted_deals_come_back_only_when_status_asks_for_them(roomy_sim):
    deleted = {r["id"] for r in roomy_sim.truth("deals") if r["is_deleted"]}
    assert deleted
    default, _ = read_all(roomy_sim, "/api/v2/deals", {"limit": 500})
    only_deleted, _ = read_all(roomy_sim, "/api/v2/deals", {"status": "deleted"})
    everything, _ = read_all(roomy_sim, "/api/v2/deals", {"status": "open,won,lost,deleted", "limit": 500})
    assert not deleted & {r["id"] for r in default}
    assert {r["id"] for r in only_deleted} == deleted and all(r["is_deleted"] for r in only_deleted)
    assert len(everything) == len(roomy_sim.truth("deals"))
    assert_error(get(roomy_sim, "/api/v2/deals", {"status": "archived"}), 400)


def test_deleted_persons_are_listed_with_is_deleted(roomy_sim):
    records, _ = read_all(roomy_sim, "/api/v2/persons", {"limit": 500})
    assert any(r["is_deleted"] for r in records) and len(records) == len(roomy_sim.truth("persons"))


# -- record shapes ----------------------------------------------------------------------------------
def test_records_carry_v2_shapes_and_awkward_values(roomy_sim):
    deals = roomy_sim.truth("deals")
    assert {d["currency"] for d in deals} == {"EUR", "USD", "GBP"}
    assert any(d["expected_close_date"] is None for d in deals)
    assert all(d["won_time"] for d in deals if d["status"] == "won")
    assert all(d["lost_time"] and d["lost_reason"] for d in deals if d["status"] == "lost")
    assert all(HEX40.match(k) for d in deals for k in d["custom_fields"])
    assert any(isinstance(v, dict) and set(v) == {"value", "currency"} for d in deals for v in d["custom_fields"].values())
    text = get(roomy_sim, "/api/v2/deals", {"limit": 500}).text
    assert "\\u0000" in text  # NUL arrives JSON-escaped, as any JSON encoder sends it
    assert re.search("[\u3040-\u30ff\u4e00-\u9fff]", text) and re.search("[\U0001F300-\U0001FAFF]", text)  # CJK, emoji: raw UTF-8
    assert all("custom_fields" not in a for a in roomy_sim.truth("activities"))
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", deals[0]["update_time"])
    assert max(d["update_time"] for d in deals) < roomy_sim.now_iso


def test_v1_users_and_field_catalogs_use_offset_pages(roomy_sim):
    users = get(roomy_sim, "/v1/users").json()
    assert len(users["data"]) == 8 and users["additional_data"]["pagination"]["more_items_in_collection"] is False
    assert re.match(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$", users["data"][0]["modified"])
    page = get(roomy_sim, "/api/v1/users", {"start": 0, "limit": 3}).json()["additional_data"]["pagination"]
    assert page == {"start": 0, "limit": 3, "more_items_in_collection": True, "next_start": 3}
    fields, start = [], 0
    for _ in range(MAX_PAGES):
        body = get(roomy_sim, "/api/v1/dealFields", {"start": start, "limit": 7}).json()
        fields.extend(body["data"])
        pagination = body["additional_data"]["pagination"]
        if not pagination["more_items_in_collection"]:
            break
        start = pagination["next_start"]
    assert fields == roomy_sim.field_catalog("deals")
    custom = [f for f in fields if f["edit_flag"]]
    assert custom and all(HEX40.match(f["key"][:40]) for f in custom)
    activity_type = next(f for f in get(roomy_sim, "/v1/activityFields").json()["data"] if f["key"] == "type")
    assert all(isinstance(o["id"], str) for o in activity_type["options"])


# -- rate limits -------------------------------------------------------------------------------------
def test_burst_limit_429_with_headers_then_recovers_after_reset():
    with PipedriveSimulator(seed=2, token=TOKEN, burst_limit=5) as sim:
        remaining = [get(sim, "/api/v2/pipelines").headers["x-ratelimit-remaining"] for _ in range(5)]
        assert remaining == ["4", "3", "2", "1", "0"]
        over = get(sim, "/api/v2/pipelines")
        assert_error(over, 429, "Request over limit")
        assert over.headers["x-ratelimit-remaining"] == "0" and over.headers["x-ratelimit-limit"] == "5"
        reset = int(over.headers["x-ratelimit-reset"])
        assert 1 <= reset <= 2
        time.sleep(reset)
        assert get(sim, "/api/v2/pipelines").status_code == 200


def test_daily_budget_429s_while_burst_remaining_is_positive():
    with PipedriveSimulator(seed=2, token=TOKEN, daily_budget=40) as sim:
        assert [get(sim, "/api/v2/deals").status_code for _ in range(2)] == [200, 200]  # v2 list costs 10
        assert get(sim, "/v1/users").status_code == 200                                  # v1 list costs 20
        assert sim.daily_budget_left == 0
        for path in ("/api/v2/deals", "/v1/users"):
            spent = get(sim, path)
            assert_error(spent, 429, "Request over limit")
            assert int(spent.headers["x-ratelimit-remaining"]) > 0
        sim.reset_daily_budget()
        assert get(sim, "/api/v2/deals").status_code == 200


# -- time passing -----------------------------------------------------------------------------------
def test_advance_applies_changes_inside_the_window_and_renames_fields(roomy_sim):
    before_now, before_fields = roomy_sim.now_iso, roomy_sim.field_catalog("deals")
    changes = roomy_sim.advance(hours=48, changes=300)
    assert roomy_sim.now_iso == "2026-11-03T00:00:00Z"
    ops = Counter(c["op"] for c in changes)
    for op in ("create_deal", "move_deal_stage", "win_deal", "lose_deal", "delete_deal", "delete_person", "rename_field"):
        assert ops[op] > 0, op
    assert all(before_now < c["at"] <= roomy_sim.now_iso for c in changes)
    assert Counter(c["at"] for c in changes).most_common(1)[0][1] >= 2  # shared seconds inside the window
    changed, _ = read_all(roomy_sim, "/api/v2/deals", {"updated_since": before_now, "status": "open,won,lost,deleted"})
    assert sorted(r["id"] for r in changed) == [d["id"] for d in roomy_sim.truth("deals") if d["update_time"] >= before_now]
    renamed = {c["key"]: c["new_name"] for c in changes if c["op"] == "rename_field" and c["entity"] == "dealFields"}
    served = {f["key"]: f["name"] for f in get(roomy_sim, "/v1/dealFields", {"limit": 500}).json()["data"]}
    old = {f["key"]: f["name"] for f in before_fields}
    assert all(served[key] == name != old[key] for key, name in renamed.items())
    assert set(old) <= set(served)  # renames keep keys


def test_deleted_deals_are_purged_after_30_days(pipedrive_sim):
    deleted = [d["id"] for d in pipedrive_sim.truth("deals") if d["is_deleted"]]
    pipedrive_sim.advance(days=31, changes=0)
    left = {d["id"] for d in pipedrive_sim.truth("deals")}
    assert deleted and not left & set(deleted)
    body = get(pipedrive_sim, "/api/v2/deals", {"status": "deleted"}).json()
    assert body["data"] == [] and body["additional_data"]["next_cursor"] is None


def test_same_seed_gives_same_data_and_same_changes():
    with PipedriveSimulator(seed=5, token="a") as one, PipedriveSimulator(seed=5, token="b") as two:
        assert one.truth("deals") == two.truth("deals") and one.field_catalog("deals") == two.field_catalog("deals")
        assert one.advance(hours=5, changes=40) == two.advance(hours=5, changes=40)
        assert one.truth("activities") == two.truth("activities")
        assert get(one, "/api/v2/deals", headers={"x-api-token": "b"}).status_code == 401  # separate companies
    with PipedriveSimulator(seed=6) as other:
        assert other.truth("deals") != one.truth("deals")


# -- faults, request log, control plane --------------------------------------------------------------
def test_storm_and_5xx_faults(pipedrive_sim):
    pipedrive_sim.storm(2)
    resets = []
    for _ in range(2):
        response = get(pipedrive_sim, "/api/v2/deals")
        assert_error(response, 429, "Request over limit")
        assert response.headers["x-ratelimit-remaining"] == "0"
        resets.append(response.headers["x-ratelimit-reset"])
    assert resets == ["1", "2"]
    pipedrive_sim.fail_5xx(1, status=503)
    pipedrive_sim.fail_5xx(1, status=500, after=1)
    gateway = get(pipedrive_sim, "/api/v2/deals")
    assert gateway.status_code == 503 and gateway.headers["Content-Type"] == "text/html"
    assert get(pipedrive_sim, "/api/v2/deals").status_code == 200
    assert_error(get(pipedrive_sim, "/api/v2/deals"), 500)
    assert get(pipedrive_sim, "/api/v2/deals").status_code == 200


def test_slow_and_truncated_responses(pipedrive_sim):
    pipedrive_sim.slow(1, seconds=1.5)
    with pytest.raises(requests.exceptions.ReadTimeout):
        requests.get(pipedrive_sim.base_url + "/api/v2/pipelines", headers=AUTH, timeout=0.5)
    pipedrive_sim.truncate(1, mode="length")
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        get(pipedrive_sim, "/api/v2/deals")
    pipedrive_sim.truncate(1, mode="json", path="/api/v2/persons")
    assert get(pipedrive_sim, "/api/v2/deals").status_code == 200  # path-scoped: deals unaffected
    with pytest.raises(requests.exceptions.JSONDecodeError):
        get(pipedrive_sim, "/api/v2/persons").json()


def test_request_log_records_calls_without_the_token(pipedrive_sim):
    get(pipedrive_sim, "/api/v2/deals", {"limit": 5, "api_token": TOKEN}, headers={})
    get(pipedrive_sim, "/v1/users")
    log = pipedrive_sim.requests
    assert [(e["path"], e["params"], e["status"]) for e in log] == [("/api/v2/deals", {"limit": "5"}, 200),
                                                                    ("/v1/users", {}, 200)]
    assert TOKEN not in repr(log) and pipedrive_sim.request_count == 2


def test_control_endpoints_drive_faults_time_and_truth(pipedrive_sim):
    base = pipedrive_sim.base_url
    assert requests.post(base + "/_sim/faults", json={"kind": "storm", "n": 1, "reset": 2}, timeout=5).ok
    assert get(pipedrive_sim, "/api/v2/deals").headers["x-ratelimit-reset"] == "2"
    moved = requests.post(base + "/_sim/advance", json={"hours": 1, "changes": 3}, timeout=5).json()
    assert moved["now"] == "2026-11-01T01:00:00Z" and len(moved["changes"]) >= 1
    truth = requests.get(base + "/_sim/truth/deals", timeout=5).json()["data"]
    assert truth == pipedrive_sim.truth("deals")
    assert requests.get(base + "/_sim/requests", timeout=5).json()["requests"][0]["faults"] == ["storm"]
    assert requests.post(base + "/_sim/faults", json={"kind": "nope"}, timeout=5).status_code == 400


def test_cli_prints_base_url_and_serves():
    process = subprocess.Popen([sys.executable, "-m", "sandbox.pipedrive", "--port", "0", "--seed", "3",
                                "--token", "cli-token", "--deals", "120"], stdout=subprocess.PIPE, text=True)
    try:
        base_url = process.stdout.readline().strip()
        assert re.match(r"^http://127\.0\.0\.1:\d+$", base_url)
        records = requests.get(base_url + "/api/v2/deals", params={"limit": 500, "status": "open,won,lost,deleted"},
                               headers={"x-api-token": "cli-token"}, timeout=10).json()["data"]
        assert len(records) <= 120 and records
    finally:
        process.terminate()
        assert process.wait(timeout=10) == 0
