"""The Zendesk simulator behaves like the real API (doc: /work/shared/api/zendesk.md), over real HTTP.

Data flow: ZendeskSimulator on 127.0.0.1 -> requests -> assertions against sim.truth().
Run standalone: python -m pytest tests/test_zendesk_simulator.py -q
"""
from __future__ import annotations

import calendar
import re
import subprocess
import sys
import time
from collections import Counter

import pytest
import requests

from sandbox.zendesk import DEFAULT_EMAIL, DEFAULT_TOKEN, ZendeskSimulator
from tests.fixtures.zendesk_sim import ZENDESK_SIM_EMAIL, ZENDESK_SIM_TOKEN

AUTH = (f"{ZENDESK_SIM_EMAIL}/token", ZENDESK_SIM_TOKEN)  # requests sends Basic base64("{email}/token:{token}")
TICKETS = "/api/v2/incremental/tickets/cursor.json"
USERS = "/api/v2/incremental/users/cursor.json"
ORGS = "/api/v2/incremental/organizations.json"
MAX_PAGES = 200
ALL = {"support_type_scope": "all"}
RATE_HEADERS = ("X-Rate-Limit", "X-Rate-Limit-Remaining", "ratelimit-limit", "ratelimit-remaining", "ratelimit-reset")


@pytest.fixture
def roomy_sim():
    """Same data as `zendesk_sim`, with limits high enough to page whole exports many times."""
    with ZendeskSimulator(seed=1, email=ZENDESK_SIM_EMAIL, token=ZENDESK_SIM_TOKEN,
                          incremental_limit=10_000, account_limit=10_000) as sim:
        yield sim


def get(sim, path, params=None, auth=AUTH, **kw):
    return requests.get(sim.base_url + path, params=params, auth=auth, timeout=10, **kw)


def export_all(sim, path, params) -> tuple[list[dict], dict, int]:
    """Cursor export: first call `params`, then `cursor=<after_cursor>` until end_of_stream.
    -> (records, last body, pages)"""
    key = "tickets" if "tickets" in path else "users"
    records = []
    for page in range(1, MAX_PAGES + 1):
        body = get(sim, path, params).json()
        records.extend(body[key])
        if body["end_of_stream"]:
            return records, body, page
        params = {k: v for k, v in params.items() if k != "start_time"} | {"cursor": body["after_cursor"]}
    raise AssertionError(f"{path} did not end within {MAX_PAGES} pages")


def read_list(sim, path, size) -> tuple[list[dict], int]:
    """Cursor-paginated list: follow links.next while meta.has_more -> (records, pages)."""
    key = path.rsplit("/", 1)[1].removesuffix(".json")
    body = get(sim, path, {"page[size]": size}).json()
    records, pages = list(body[key]), 1
    while body["meta"]["has_more"]:
        body = requests.get(body["links"]["next"], auth=AUTH, timeout=10).json()
        records.extend(body[key])
        pages += 1
        assert pages < MAX_PAGES
    return records, pages


def epoch(text: str) -> int:
    return calendar.timegm(time.strptime(text, "%Y-%m-%dT%H:%M:%SZ"))


def ids(records) -> list[int]:
    return [r["id"] for r in records]


def ai(ticket) -> bool:
    return ticket["via"]["channel"] == "ai_agent"


# -- auth --------------------------------------------------------------------------------------------
def test_api_token_basic_and_oauth_bearer_are_accepted():
    with ZendeskSimulator(seed=1, oauth_token="oauth-abc") as sim:
        assert get(sim, "/api/v2/groups.json", auth=(f"{DEFAULT_EMAIL}/token", DEFAULT_TOKEN)).status_code == 200
        assert get(sim, "/api/v2/groups", auth=None, headers={"Authorization": "Bearer oauth-abc"}).status_code == 200


@pytest.mark.parametrize("auth,headers", [(None, {}), ((f"{ZENDESK_SIM_EMAIL}/token", "wrong"), {}),
                                          ((ZENDESK_SIM_EMAIL, ZENDESK_SIM_TOKEN), {}),  # password-style basic
                                          (None, {"Authorization": f"Bearer {ZENDESK_SIM_TOKEN}"}),
                                          (None, {"Authorization": "Basic %%%not-base64"})])
def test_anything_else_is_401_couldnt_authenticate_you(zendesk_sim, auth, headers):
    response = get(zendesk_sim, TICKETS, {"start_time": 0}, auth=auth, headers=headers)
    assert response.status_code == 401 and response.json() == {"error": "Couldn't authenticate you"}
    assert all(name in response.headers for name in RATE_HEADERS)


def test_paths_answer_with_and_without_json_and_unknown_ones_are_404(zendesk_sim):
    assert get(zendesk_sim, "/api/v2/ticket_fields").json() == get(zendesk_sim, "/api/v2/ticket_fields.json").json()
    missing = get(zendesk_sim, "/api/v2/macros.json")
    assert missing.status_code == 404 and missing.json()["error"] == "InvalidEndpoint"


# -- cursor exports ------------------------------------------------------------------------------------
def test_cursor_export_pages_to_end_of_stream_in_timestamp_order(roomy_sim):
    records, last, pages = export_all(roomy_sim, TICKETS, {"start_time": 0, "per_page": 50, **ALL})
    assert pages >= 6 and sorted(ids(records)) == ids(roomy_sim.truth("tickets"))
    keys = [(t["generated_timestamp"], t["id"]) for t in records]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    assert last["after_cursor"] and last["after_url"].startswith(roomy_sim.base_url)  # resumable from the end
    assert last["before_cursor"] is None and last["before_url"] is None


def test_resuming_from_the_saved_cursor_after_advance_returns_exactly_the_changed_tickets(roomy_sim):
    params = {"start_time": 0, **ALL}
    _, last, _ = export_all(roomy_sim, TICKETS, params)
    before = roomy_sim.now_epoch
    changes = roomy_sim.advance(hours=24, changes=40)
    resumed, _, _ = export_all(roomy_sim, TICKETS, {"cursor": last["after_cursor"], **ALL})
    changed = {t["id"] for t in roomy_sim.truth("tickets") if t["generated_timestamp"] > before}
    assert changed and sorted(ids(resumed)) == sorted(changed)
    assert changed == {c["id"] for c in changes if c["entity"] == "tickets"}


def test_users_export_orders_by_updated_at_and_keeps_inactive_users(roomy_sim):
    users, _, _ = export_all(roomy_sim, USERS, {"start_time": 0, "per_page": 40})
    assert [(u["updated_at"], u["id"]) for u in users] == sorted((u["updated_at"], u["id"]) for u in users)
    assert sorted(ids(users)) == ids(roomy_sim.truth("users")) and any(not u["active"] for u in users)


def test_changes_of_the_last_minute_are_held_back(roomy_sim):
    ticket_id = next(t["id"] for t in roomy_sim.truth("tickets") if t["status"] == "open" and not ai(t))
    roomy_sim.update("tickets", ticket_id, status="solved")
    first, last, _ = export_all(roomy_sim, TICKETS, {"start_time": roomy_sim.now_epoch - 86400 * 365})
    assert ticket_id not in ids(first)
    roomy_sim.advance(seconds=61, changes=0)
    later, _, _ = export_all(roomy_sim, TICKETS, {"cursor": last["after_cursor"]})
    assert ids(later) == [ticket_id] and later[0]["status"] == "solved"


@pytest.mark.parametrize("offset,status,error", [(-30, 422, "InvalidValue"), (-59, 422, "InvalidValue"),
                                                 (3600, 400, "InvalidValue"), (None, 400, "InvalidValue")])
def test_start_time_too_recent_is_422_future_or_missing_is_400(zendesk_sim, offset, status, error):
    params = {} if offset is None else {"start_time": zendesk_sim.now_epoch + offset}
    response = get(zendesk_sim, TICKETS, params)
    assert response.status_code == status and response.json()["error"] == error
    if status == 422:
        assert response.json()["description"] == "Too recent start_time. Use a start_time older than 1 minute"
    assert get(zendesk_sim, TICKETS, {"start_time": zendesk_sim.now_epoch - 60}).status_code == 200


@pytest.mark.parametrize("per_page,status", [("1000", 200), ("1001", 400), ("0", 400)])
def test_export_per_page_is_capped_at_1000(zendesk_sim, per_page, status):
    assert get(zendesk_sim, TICKETS, {"start_time": 0, "per_page": per_page}).status_code == status


def test_support_type_scope_defaults_to_agent_and_leaves_out_ai_agent_tickets(roomy_sim):
    truth = roomy_sim.truth("tickets")
    default, _, _ = export_all(roomy_sim, TICKETS, {"start_time": 0})
    only_ai, _, _ = export_all(roomy_sim, TICKETS, {"start_time": 0, "support_type_scope": "ai_agent"})
    everything, _, _ = export_all(roomy_sim, TICKETS, {"start_time": 0, **ALL})
    assert 0.02 * len(truth) <= len(only_ai) <= 0.05 * len(truth) and all(ai(t) for t in only_ai)
    assert not any(ai(t) for t in default) and len(default) + len(only_ai) == len(everything) == len(truth)
    assert get(roomy_sim, TICKETS, {"start_time": 0, "support_type_scope": "bots"}).status_code == 400


def test_deleted_tickets_are_exported_unless_exclude_deleted(roomy_sim):
    deleted = {t["id"] for t in roomy_sim.truth("tickets") if t["status"] == "deleted"}
    with_deleted, _, _ = export_all(roomy_sim, TICKETS, {"start_time": 0, **ALL})
    without, _, _ = export_all(roomy_sim, TICKETS, {"start_time": 0, **ALL, "exclude_deleted": "true"})
    assert deleted and deleted <= set(ids(with_deleted)) and not deleted & set(ids(without))
    assert len(without) == len(with_deleted) - len(deleted)


def test_archived_tickets_are_in_the_export_but_not_in_the_ticket_list(roomy_sim):
    cutoff = roomy_sim.now_epoch - 120 * 86400
    archived = {t["id"] for t in roomy_sim.truth("tickets")
                if t["status"] == "closed" and epoch(t["updated_at"]) <= cutoff}
    exported, _, _ = export_all(roomy_sim, TICKETS, {"start_time": 0, **ALL})
    listed, _ = read_list(roomy_sim, "/api/v2/tickets.json", 100)
    assert len(archived) > 50 and archived <= set(ids(exported)) and not archived & set(ids(listed))
    assert all(t["status"] != "deleted" for t in listed) and len(listed) == len(exported) - len(archived) - sum(
        t["status"] == "deleted" for t in exported)


def test_empty_cursor_pages_with_end_of_stream_false_do_not_end_the_export(roomy_sim):
    roomy_sim.empty_pages(2)
    seen, params = [], {"start_time": 0, **ALL}
    for _ in range(2):
        body = get(roomy_sim, TICKETS, params).json()
        assert body["tickets"] == [] and body["end_of_stream"] is False and body["after_cursor"] not in seen
        seen.append(body["after_cursor"])
        params = {"cursor": body["after_cursor"], **ALL}
    rest, _, _ = export_all(roomy_sim, TICKETS, params)
    assert sorted(ids(rest)) == ids(roomy_sim.truth("tickets"))
    assert [e["faults"] for e in roomy_sim.requests[:2]] == [["empty_page"], ["empty_page"]]


def test_empty_export_has_no_cursor_and_an_idle_cursor_comes_back_unchanged(roomy_sim):
    nothing = get(roomy_sim, TICKETS, {"start_time": roomy_sim.now_epoch - 60}).json()
    assert nothing["tickets"] == [] and nothing["end_of_stream"] is True and nothing["after_cursor"] is None
    _, last, _ = export_all(roomy_sim, TICKETS, {"start_time": 0})
    idle = get(roomy_sim, TICKETS, {"cursor": last["after_cursor"]}).json()
    assert idle["tickets"] == [] and idle["end_of_stream"] is True and idle["after_cursor"] == last["after_cursor"]


# -- time-based organization export --------------------------------------------------------------------
def test_org_export_repeats_boundary_records_and_next_page_is_never_null(roomy_sim):
    start, bodies = 0, []
    for _ in range(MAX_PAGES):
        body = get(roomy_sim, ORGS, {"start_time": start, "per_page": 10}).json()
        bodies.append(body)
        assert body["next_page"].endswith(f"per_page=10&start_time={body['end_time']}")
        assert body["count"] == len(body["organizations"])
        if body["end_of_stream"]:
            break
        start = body["end_time"]
    seen = [o["id"] for b in bodies for o in b["organizations"]]
    assert len(bodies) >= 4 and bodies[-1]["count"] < 10 and set(seen) == set(ids(roomy_sim.truth("organizations")))
    assert len(seen) > len(set(seen))  # boundary records came twice
    assert any(o["deleted_at"] for o in roomy_sim.truth("organizations"))


def test_org_export_page_overflows_per_page_to_keep_a_shared_second(roomy_sim):
    shared, count = Counter(o["updated_at"] for o in roomy_sim.truth("organizations")).most_common(1)[0]
    start = epoch(shared)
    page = get(roomy_sim, ORGS, {"start_time": start, "per_page": 3}).json()
    assert count >= 4 and page["count"] == count and page["end_time"] == start and page["end_of_stream"] is False
    assert [o["updated_at"] for o in page["organizations"]] == [shared] * count


# -- lists ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("path,size", [("/api/v2/groups.json", 2), ("/api/v2/ticket_fields.json", 5),
                                       ("/api/v2/ticket_forms", 1)])
def test_lists_page_by_has_more_and_links_next(roomy_sim, path, size):
    records, pages = read_list(roomy_sim, path, size)
    entity = path.rsplit("/", 1)[1].removesuffix(".json")
    assert pages >= 2 and records == roomy_sim.truth(entity)
    last_cursor = get(roomy_sim, path, {"page[size]": 100}).json()["meta"]["after_cursor"]
    tail = get(roomy_sim, path, {"page[size]": size, "page[after]": last_cursor}).json()
    assert tail[entity] == [] and tail["meta"] == {"has_more": False, "after_cursor": None, "before_cursor": None}


@pytest.mark.parametrize("size,status", [("100", 200), ("101", 400), ("0", 400)])
def test_list_page_size_is_capped_at_100(zendesk_sim, size, status):
    assert get(zendesk_sim, "/api/v2/groups.json", {"page[size]": size}).status_code == status


def test_ticket_fields_unpaginated_by_position_with_every_type_and_options(zendesk_sim):
    body = get(zendesk_sim, "/api/v2/ticket_fields.json").json()
    fields = body["ticket_fields"]
    assert body["count"] == len(fields) and [f["position"] for f in fields] == sorted(f["position"] for f in fields)
    types = {f["type"] for f in fields}
    assert {"subject", "description", "status", "tickettype", "priority", "group", "assignee", "text", "textarea",
            "checkbox", "date", "integer", "decimal", "tagger", "multiselect", "regexp"} <= types
    options = [o for f in fields for o in f.get("custom_field_options", [])]
    assert options and all(set(o) >= {"id", "name", "value", "default"} for o in options)


def test_ticket_forms_are_403_on_a_plan_without_them():
    with ZendeskSimulator(seed=1, forms_on_plan=False) as sim:
        response = get(sim, "/api/v2/ticket_forms.json", {"page[size]": 100},
                       auth=(f"{DEFAULT_EMAIL}/token", DEFAULT_TOKEN))
        assert response.status_code == 403 and response.json()["error"] == "Forbidden"


# -- rate limits and faults ----------------------------------------------------------------------------
def test_incremental_bucket_429_is_json_with_retry_after_then_recovers():
    with ZendeskSimulator(seed=2, email=ZENDESK_SIM_EMAIL, token=ZENDESK_SIM_TOKEN, incremental_limit=2,
                          window_seconds=1) as sim:
        ok = [get(sim, TICKETS, {"start_time": 0, "per_page": 1}) for _ in range(2)]
        assert [r.headers["zendesk-ratelimit-incremental-exports"].split(";")[:2] for r in ok] == [
            ["total=2", " remaining=1"], ["total=2", " remaining=0"]]
        over = get(sim, TICKETS, {"start_time": 0, "per_page": 1})
        assert over.status_code == 429 and over.json() == {
            "error": "APIRateLimitExceeded",
            "description": "Number of allowed incremental export API requests per minute exceeded"}
        assert get(sim, "/api/v2/groups.json").status_code == 200  # other endpoints are not in that bucket
        time.sleep(int(over.headers["Retry-After"]))
        assert get(sim, TICKETS, {"start_time": 0, "per_page": 1}).status_code == 200


def test_account_bucket_429_is_plain_text_with_retry_after_then_recovers():
    with ZendeskSimulator(seed=2, email=ZENDESK_SIM_EMAIL, token=ZENDESK_SIM_TOKEN, account_limit=3,
                          window_seconds=1) as sim:
        assert [get(sim, "/api/v2/groups").headers["X-Rate-Limit-Remaining"] for _ in range(3)] == ["2", "1", "0"]
        over = get(sim, "/api/v2/groups")
        assert over.status_code == 429 and over.headers["Content-Type"].startswith("text/plain")
        assert over.text == "Number of allowed API requests per minute exceeded"
        assert over.headers["ratelimit-remaining"] == "0" and over.headers["Retry-After"] == "1"
        time.sleep(int(over.headers["Retry-After"]))
        assert get(sim, "/api/v2/groups").status_code == 200


def test_storm_knob_forces_either_429(zendesk_sim):
    zendesk_sim.storm(1, bucket="incremental", retry_after=7)
    zendesk_sim.storm(1, bucket="account")
    assert get(zendesk_sim, "/api/v2/groups").text == "Number of allowed API requests per minute exceeded"
    storm = get(zendesk_sim, TICKETS, {"start_time": 0})  # the incremental storm waited for an export path
    assert storm.status_code == 429 and storm.headers["Retry-After"] == "7"
    assert "remaining=0; resets=7" in storm.headers["zendesk-ratelimit-incremental-exports"]
    assert get(zendesk_sim, TICKETS, {"start_time": 0}).status_code == 200


def test_503_with_retry_after_is_json_and_without_it_html(zendesk_sim):
    zendesk_sim.fail_503(1, retry_after=3)
    zendesk_sim.fail_503(1)
    db = get(zendesk_sim, "/api/v2/groups")
    assert db.status_code == 503 and db.headers["Retry-After"] == "3" and db.json()["error"]
    page = get(zendesk_sim, "/api/v2/groups", auth=None)  # faults fire before auth
    assert page.status_code == 503 and "Retry-After" not in page.headers
    assert page.headers["Content-Type"].startswith("text/html")
    assert get(zendesk_sim, "/api/v2/groups").status_code == 200


def test_slow_and_truncated_answers(zendesk_sim):
    zendesk_sim.slow(1, seconds=1.0)
    with pytest.raises(requests.exceptions.ReadTimeout):
        requests.get(zendesk_sim.base_url + "/api/v2/groups", auth=AUTH, timeout=0.3)
    zendesk_sim.truncate(1, mode="length")
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        get(zendesk_sim, "/api/v2/ticket_fields")
    zendesk_sim.truncate(1, mode="json", path="/incremental/")
    assert get(zendesk_sim, "/api/v2/groups").status_code == 200  # path-scoped
    with pytest.raises(requests.exceptions.JSONDecodeError):
        get(zendesk_sim, TICKETS, {"start_time": 0}).json()


# -- records and time passing ----------------------------------------------------------------------------
def test_ticket_records_carry_api_types_and_awkward_values(zendesk_sim):
    tickets, fields = zendesk_sim.truth("tickets"), {f["id"]: f for f in zendesk_sim.truth("ticket_fields")}
    assert min(ids(tickets)) > 2**31 and all(isinstance(t["generated_timestamp"], int) for t in tickets)
    assert all(t["custom_fields"] == t["fields"] for t in tickets)
    checks = {"checkbox": lambda v: isinstance(v, bool), "integer": lambda v: re.fullmatch(r"-?\d+", v),
              "decimal": lambda v: re.fullmatch(r"-?\d+(\.\d+)?", v),
              "date": lambda v: re.fullmatch(r"\d{4}-\d\d-\d\d", v),
              "multiselect": lambda v: isinstance(v, list), "tagger": lambda v: isinstance(v, str)}
    values = [(fields[c["id"]], c["value"]) for t in tickets for c in t["custom_fields"] if c["value"] is not None]
    assert all(checks.get(f["type"], lambda v: isinstance(v, str))(v) for f, v in values)
    tagger = [(f, v) for f, v in values if f["type"] == "tagger"]
    assert tagger and all(v in {o["value"] for o in f["custom_field_options"]} for f, v in tagger)
    assert sum(len(t["description"].encode()) >= 200_000 for t in tickets) >= 2
    text = get(zendesk_sim, "/api/v2/tickets.json").text
    for script in ("[\u0590-\u06ff]", "[\u4e00-\u9fff]", "[\U0001F300-\U0001FAFF]"):  # RTL, CJK, emoji: raw UTF-8
        assert re.search(script, text), script
    assert {type(t["satisfaction_rating"]).__name__ for t in tickets} == {"dict", "NoneType"}
    scores = {t["satisfaction_rating"]["score"] for t in tickets if t["satisfaction_rating"]}
    assert scores >= {"offered", "unoffered", "good"}


def test_advance_changes_every_kind_of_record_and_truth_matches_the_api(roomy_sim):
    before = roomy_sim.now_iso
    changes = roomy_sim.advance(hours=48, changes=400)
    assert roomy_sim.now_iso == "2026-11-03T00:00:00Z"
    assert all(before < c["at"] <= "2026-11-02T23:58:59Z" for c in changes)  # visible at once: 61 s before now
    ops = Counter(c["op"] for c in changes)
    for op in ("create_ticket", "update_ticket", "retag_ticket", "change_custom_value", "delete_ticket",
               "system_update_ticket", "create_user", "update_user", "deactivate_user", "create_organization",
               "rename_organization", "delete_organization", "rename_field", "rename_option", "rename_group"):
        assert ops[op] > 0, op
    exported, _, _ = export_all(roomy_sim, TICKETS, {"start_time": 0, **ALL})
    assert sorted(exported, key=lambda t: t["id"]) == roomy_sim.truth("tickets")
    fields = get(roomy_sim, "/api/v2/ticket_fields.json", {"page[size]": 100}).json()["ticket_fields"]
    assert fields == roomy_sim.truth("ticket_fields")
    renamed = next(c for c in changes if c["op"] == "rename_option")
    field = next(f for f in roomy_sim.truth("ticket_fields") if f["id"] == renamed["id"])
    assert {"name": renamed["new_name"], "value": renamed["value"]}.items() <= next(
        o for o in field["custom_field_options"] if o["id"] == renamed["option_id"]).items()


def test_system_update_moves_generated_timestamp_but_not_updated_at(zendesk_sim):
    ticket = next(t for t in zendesk_sim.truth("tickets") if t["status"] == "open")
    after = zendesk_sim.system_update("tickets", ticket["id"])
    assert after["updated_at"] == ticket["updated_at"] and after["generated_timestamp"] == zendesk_sim.now_epoch


def test_same_seed_gives_same_data_and_same_changes():
    with ZendeskSimulator(seed=5) as one, ZendeskSimulator(seed=5, token="other") as two:
        assert one.truth("tickets") == two.truth("tickets") and one.truth("ticket_fields") == two.truth("ticket_fields")
        assert one.advance(hours=5, changes=40) == two.advance(hours=5, changes=40)
        assert one.truth("users") == two.truth("users") and one.truth("organizations") == two.truth("organizations")
    assert ZendeskSimulator(seed=6).truth("tickets") != one.truth("tickets")


def test_request_log_keeps_no_credentials(zendesk_sim):
    get(zendesk_sim, TICKETS, {"start_time": 0})
    get(zendesk_sim, "/api/v2/groups", auth=None)
    log = zendesk_sim.requests
    assert [(e["path"], e["params"], e["status"]) for e in log] == [(TICKETS, {"start_time": "0"}, 200),
                                                                    ("/api/v2/groups", {}, 401)]
    assert ZENDESK_SIM_TOKEN not in repr(log) and ZENDESK_SIM_TOKEN not in repr(zendesk_sim)


def test_cli_prints_base_url_and_serves():
    process = subprocess.Popen([sys.executable, "-m", "sandbox.zendesk", "--port", "0", "--seed", "3",
                                "--email", "cli@example.com", "--token", "cli-token", "--tickets", "40"],
                               stdout=subprocess.PIPE, text=True)
    try:
        base_url = process.stdout.readline().strip()
        assert re.match(r"^http://127\.0\.0\.1:\d+$", base_url)
        body = requests.get(base_url + TICKETS, params={"start_time": 0, **ALL},
                            auth=("cli@example.com/token", "cli-token"), timeout=10).json()
        assert len(body["tickets"]) == 40 and body["end_of_stream"] is True
        assert requests.post(base_url + "/_sim/advance", json={"hours": 2, "changes": 5}, timeout=5).json()["now"]
    finally:
        process.terminate()
        assert process.wait(timeout=10) == 0
