"""The HTTP session's waits and the paging styles' stop rules, as pure functions of canned answers.

Data flow: a requests transport adapter that answers from a script (no socket) -> lake.http.ApiSession
           (sleep recorded, never slept) -> extract.paging styles -> Page(records, state, last).
Run standalone: python -m pytest tests/test_http_and_paging.py -q
"""
from __future__ import annotations

import json
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests
from requests.adapters import BaseAdapter

from extract.paging import PagingError, pages
from lake.entities import Entity
from lake.http import (ApiSession, FatalHttpError, RatePolicy, RetriesExhausted, Unreachable, bucket_windows,
                       header_window)


class Script(BaseAdapter):
    """Answers each request with the next (status, body, headers) and records the query it got."""

    def __init__(self, answers):
        super().__init__()
        self.answers, self.queries = list(answers), []

    def send(self, request, **kwargs):
        self.queries.append(dict(parse_qsl(urlsplit(request.url).query)))
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        status, body, headers = answer
        response = requests.Response()
        response.status_code, response.request, response.url = status, request, request.url
        response._content = body if isinstance(body, bytes) else json.dumps(body).encode()
        response.headers.update(headers)
        return response

    def close(self):
        pass


def session(answers, policy=RatePolicy(), **kw):
    waits = []
    s = ApiSession("http://api.test", policy, sleep=waits.append, **kw)
    script = Script(answers)
    s.session.mount("http://", script)
    return s, script, waits


ZD_POLICY = RatePolicy(windows=(bucket_windows("zendesk-ratelimit-"), header_window("ratelimit-remaining", "ratelimit-reset")))


# -- waits --------------------------------------------------------------------------------------

def test_a_429_waits_exactly_what_retry_after_says():
    s, _, waits = session([(429, b"Number of allowed API requests per minute exceeded", {"Retry-After": "37"}),
                           (200, {"ok": 1}, {})], ZD_POLICY)
    assert s.get_json("/x") == {"ok": 1} and waits == [37.0]


def test_a_429_without_retry_after_waits_for_the_spent_bucket_then_the_default():
    bucket = {"zendesk-ratelimit-incremental-exports": "total=10; remaining=0; resets=42"}
    s, _, waits = session([(429, {"error": "APIRateLimitExceeded"}, bucket), (429, b"", {}), (200, {}, {})], ZD_POLICY)
    s.get_json("/x")
    assert waits == [42.0, 60.0]


@pytest.mark.parametrize("retry_after, expected", [("7", [7.0]), (None, [1])])
def test_a_503_obeys_retry_after_and_otherwise_backs_off(retry_after, expected):
    headers = {"Retry-After": retry_after} if retry_after else {}
    s, _, waits = session([(503, b"<html>maintenance</html>", headers), (200, {}, {})])
    s.get_json("/x")
    assert waits == expected


def test_backoff_doubles_up_to_its_cap_then_gives_up():
    s, _, waits = session([(500, b"", {})] * 6, max_retries=6, backoff_cap=4)
    with pytest.raises(RetriesExhausted):
        s.get_json("/x")
    assert waits == [1, 2, 4, 4, 4]


def test_a_bucket_at_zero_is_waited_out_before_the_next_request_not_discovered_by_a_429():
    spent = {"zendesk-ratelimit-incremental-exports": "total=10; remaining=0; resets=30", "ratelimit-remaining": "500",
             "ratelimit-reset": "12"}
    s, _, waits = session([(200, {}, spent), (200, {}, {})], ZD_POLICY)
    s.get_json("/a")
    s.get_json("/b")
    assert len(waits) == 1 and 29 < waits[0] <= 30


def test_a_host_that_never_answers_is_unreachable_not_just_retried_out():
    s, _, waits = session([requests.ConnectionError("refused")] * 3, max_retries=3)
    with pytest.raises(Unreachable, match="api.test did not answer in 3 attempts"):
        s.get_json("/x")
    s, _, _ = session([requests.ConnectionError("refused"), (503, b"", {}), requests.ConnectionError("x")],
                      max_retries=3)
    with pytest.raises(RetriesExhausted) as err:  # it answered once: an outage, not an unreachable host
        s.get_json("/x")
    assert not isinstance(err.value, Unreachable) and waits == [1, 2]


@pytest.mark.parametrize("base", ["not-a-url", "ftp://host", "http://"])
def test_a_base_url_that_can_never_work_is_refused_before_any_request(base):
    with pytest.raises(ValueError, match="is not an http"):
        ApiSession(base, RatePolicy())


def test_a_refused_request_is_fatal_at_once_and_names_no_credential():
    s, script, waits = session([(401, {"error": "Couldn't authenticate you"}, {})])
    s.session.auth = ("me@example.com/token", "s3cret-token")
    with pytest.raises(FatalHttpError) as err:
        s.get_json("/api/v2/groups.json", {"page[size]": "100"})
    assert err.value.status == 401 and waits == [] and "s3cret" not in str(err.value)


def test_bucket_headers_are_read_whatever_their_case_and_spacing():
    response = requests.Response()
    response.headers.update({"Zendesk-RateLimit-tickets-index": "total=100;remaining=3 ; resets=41", "x": "y"})
    assert list(bucket_windows("zendesk-ratelimit-")(response)) == [(3.0, 41.0)]


# -- paging styles ------------------------------------------------------------------------------

def entity(paging, **kw):
    return Entity("things", "/things", paging, records="things", **kw)


def collect(paging, answers, params, **kw):
    s, script, _ = session([(200, body, {}) for body in answers])
    got = list(pages(entity(paging, **kw), s, dict(params)))
    return got, script.queries


def test_cursor_export_goes_past_an_empty_page_and_keeps_the_last_cursor():
    answers = [{"things": [{"id": 1}], "after_cursor": "c1", "end_of_stream": False},
               {"things": [], "after_cursor": "c2", "end_of_stream": False},
               {"things": [{"id": 2}], "after_cursor": "c3", "end_of_stream": True}]
    got, queries = collect("export_cursor", answers, {"start_time": "0", "per_page": "1000"})
    assert [p.state for p in got] == ["c1", "c2", "c3"] and got[-1].last
    assert queries == [{"start_time": "0", "per_page": "1000"}, {"cursor": "c1", "per_page": "1000"},
                       {"cursor": "c2", "per_page": "1000"}]


def test_cursor_export_with_nothing_new_keeps_the_cursor_it_resumed_from():
    got, _ = collect("export_cursor", [{"things": [], "after_cursor": None, "end_of_stream": True}], {"cursor": "c9"})
    assert [(p.records, p.state, p.last) for p in got] == [([], "c9", True)]


def test_cursor_export_without_end_of_stream_follows_after_url_and_stops_without_one():
    answers = [{"things": [{"id": 1}], "after_cursor": "c1", "after_url": "http://api.test/things?cursor=c1"},
               {"things": [{"id": 2}], "after_cursor": None, "after_url": None}]
    got, _ = collect("export_cursor", answers, {"start_time": "5"})
    assert [len(p.records) for p in got] == [1, 1] and got[-1].last


def test_cursor_export_that_repeats_its_cursor_on_empty_pages_is_an_error_not_a_loop():
    answers = [{"things": [], "after_cursor": "c1", "end_of_stream": False}] * 3
    with pytest.raises(PagingError):
        collect("export_cursor", answers, {"cursor": "c1"})


def test_time_export_stops_on_end_of_stream_not_on_next_page_and_resumes_from_end_time():
    answers = [{"things": [{"id": 1}, {"id": 2}], "end_time": 200, "next_page": "x", "end_of_stream": False},
               {"things": [{"id": 2}], "end_time": 200 + 50, "next_page": "x", "end_of_stream": True}]
    got, queries = collect("export_time", answers, {"start_time": "100"})
    assert [q["start_time"] for q in queries] == ["100", "200"]
    assert [p.state for p in got] == ["200", "250"] and got[-1].last


def test_time_export_pinned_on_one_second_is_an_error_not_a_loop():
    answers = [{"things": [{"id": 1}], "end_time": 100, "next_page": "x", "end_of_stream": False}]
    with pytest.raises(PagingError):
        collect("export_time", answers, {"start_time": "100"})


@pytest.mark.parametrize("meta, links, more", [({"has_more": True, "after_cursor": "a"}, {}, True),
                                              ({"has_more": False, "after_cursor": "a"}, {"next": "u"}, False),
                                              ({"after_cursor": "a"}, {"next": "http://x?page[after]=a"}, True),
                                              ({"after_cursor": "a"}, {"next": None}, False)])
def test_list_pages_stop_on_has_more_and_fall_back_to_links_next(meta, links, more):
    answers = [{"things": [{"id": 1}], "meta": meta, "links": links},
               {"things": [{"id": 2}], "meta": {"has_more": False}, "links": {}}]
    got, queries = collect("links", answers[: 2 if more else 1], {"page[size]": "100"})
    assert len(got) == (2 if more else 1)
    if more:
        assert queries[1] == {"page[size]": "100", "page[after]": "a"}


def test_offset_pages_advance_by_next_start_and_refuse_to_go_back():
    answers = [{"things": [{"id": 1}], "additional_data": {"pagination": {"more_items_in_collection": True,
                                                                           "next_start": 1}}},
               {"things": [{"id": 2}], "additional_data": {"pagination": {"more_items_in_collection": True,
                                                                           "next_start": 1}}}]
    with pytest.raises(PagingError):
        collect("offset", answers, {"limit": "1"})
    got, queries = collect("offset", answers[:1] + [{"things": [], "additional_data": {}}], {"limit": "1"})
    assert [q["start"] for q in queries] == ["0", "1"] and got[-1].last
