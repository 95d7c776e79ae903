"""Chaos suite, bad lines: a corpus of hostile bronze lines per source, through the real loader and normalizer.

Data flow: corpus() -> ONE bronze run per source (tests/fixtures/chaos_bronze.write_raw_run, lines verbatim, two
           parts) -> load.load_{source}_stg.main -> stg + meta.loaded_files + meta.rejected_rows
           -> normalize.normalize_{source}.main -> core.{pd_deals | zd_tickets}
Run standalone: python -m pytest -q tests/test_chaos_bad_lines.py

Every line must end up exactly once as one of: loaded (an stg row at its _line_no, no record), repaired (an stg
row and meta.rejected_rows is_repaired true with the reason codes), rejected (no stg row, one meta.rejected_rows
row with a code from load.lines.REASONS and the raw text), or a duplicate (an exact repeat of the newest stored
version: counted in meta.loaded_files.rows_duplicate, not stored). The expected fate of each line is written
in the corpus table; ids, docs and versions are computed from the line itself. No stage may crash, the ledger
must add up, and no version later than its bronze run's start may be (or stay) the core row.
The over-size limit is patched down (OVERSIZE_LIMIT) so the over-size line costs 3 MB, not 64.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import re
from decimal import Decimal
from dataclasses import dataclass
from typing import Callable

import pytest

from lake.bronze import CLOCK_SKEW
from lake.settings import get_settings
from lake.sources import pipedrive as pd_source
from lake.sources import zendesk as zd_source
from lake.store.local import LocalStore
from load import lines as load_lines
from load import load_pipedrive_stg, load_zendesk_stg
from load.lines import RAW_TEXT_LIMIT, REASONS, LineChecker
from normalize import normalize_pipedrive, normalize_zendesk
from tests.fixtures.chaos_bronze import part_line, write_raw_run
from tests.fixtures.stg import empty_tables, query

UTC = dt.timezone.utc
T0 = dt.datetime(2026, 11, 20, 6, 0, 0, tzinfo=UTC)       # the bronze run's start
NOT_AFTER = T0 + CLOCK_SKEW                                 # no trusted version is later than this
OVERSIZE_LIMIT = 3 * 1024 * 1024                            # patched load.lines max_line_bytes
BIGINT = (-2 ** 63, 2 ** 63 - 1)

LOADED, REPAIRED, REJECTED, DUPLICATE = "loaded", "repaired", "rejected", "duplicate"


@dataclass(frozen=True)
class Case:
    name: str
    line: bytes
    fate: str                       # LOADED | REPAIRED | REJECTED | DUPLICATE
    reasons: tuple[str, ...] = ()   # meta.rejected_rows reason codes (REPAIRED, REJECTED)


@dataclass(frozen=True)
class Source:
    name: str
    entity: str
    core: str
    core_key: str
    version_fields: tuple[str, ...]
    good: Callable[..., dict]       # good(i, version=datetime, **extra) -> a sane record
    load: Callable
    normalize: Callable
    entities: tuple
    real_rows: str                  # SQL condition: a core row from a record, not an inferred member


def iso(ts: dt.datetime) -> str:
    return ts.isoformat().replace("+00:00", "Z")


def pd_deal(i: int, version: dt.datetime | None = None, **extra) -> dict:
    version = version or T0 - dt.timedelta(hours=i % 50 + 1)
    return {"id": i, "title": f"Deal {i} – ünïcödé 日本 🎉", "value": i * 10.5, "currency": "EUR", "status": "open",
            "pipeline_id": 1, "stage_id": 2, "owner_id": 3, "add_time": "2026-01-05T08:00:00Z",
            "update_time": iso(version), **extra}


def zd_ticket(i: int, version: dt.datetime | None = None, **extra) -> dict:
    version = version or T0 - dt.timedelta(hours=i % 50 + 1)
    return {"id": i, "subject": f"Ticket {i} – ünïcödé 日本 🎉", "description": "help", "status": "open",
            "priority": "normal", "type": "question", "requester_id": 7, "created_at": "2026-01-05T08:00:00Z",
            "updated_at": iso(version), "generated_timestamp": int(version.timestamp()), "tags": ["chaos"],
            "custom_fields": [], **extra}


SOURCES = {
    "pipedrive": Source("pipedrive", "deals", "pd_deals", "deal_id", ("update_time",), pd_deal,
                        load_pipedrive_stg.main, normalize_pipedrive.main, pd_source.ENTITIES, "NOT is_inferred"),
    "zendesk": Source("zendesk", "tickets", "zd_tickets", "ticket_id", ("generated_timestamp", "updated_at"),
                      zd_ticket, load_zendesk_stg.main, normalize_zendesk.main, zd_source.ENTITIES, "true"),
}


def enc(doc) -> bytes:
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


# ---- the corpus ----

def corpus(src: Source) -> tuple[list[Case], list[Case]]:
    """(small cases, big cases): the big ones (MBs) go in the run's second part, so that the COPY retries
    the first part's db_rejected lines cost are cheap."""
    g, vf = src.good, src.version_fields[0]
    small: list[Case] = []

    def add(name, line, fate, *reasons):
        small.append(Case(name, line, fate, reasons))

    def with_version(i, value, **extra):
        doc = g(i, **extra)
        doc[vf] = value
        return enc(doc)

    for i in range(1, 21):
        add(f"good_{i}", enc(g(i)), LOADED)
    add("exact_repeat_of_good_3", enc(g(3)), DUPLICATE)

    # invalid JSON
    add("truncated", enc(g(101))[:-7], REJECTED, "invalid_json")
    add("trailing_comma_object", enc(g(102))[:-1] + b",}", REJECTED, "invalid_json")
    add("trailing_comma_array", b'{"id":103,"tags":["a",]}', REJECTED, "invalid_json")
    add("single_quotes", b"{'id': 104, 'title': 'x'}", REJECTED, "invalid_json")
    add("nan", b'{"id":105,"value":NaN}', REJECTED, "invalid_json")
    add("infinity", b'{"id":106,"value":Infinity}', REJECTED, "invalid_json")
    add("minus_infinity", b'{"id":107,"value":-Infinity}', REJECTED, "invalid_json")
    add("bare_words", b"hello world", REJECTED, "invalid_json")
    add("python_literal", b'{"id":108,"active":True}', REJECTED, "invalid_json")
    add("empty_line", b"", REJECTED, "invalid_json")
    add("whitespace_line", b"   \t  ", REJECTED, "invalid_json")
    add("trailing_garbage", enc(g(109)) + b" x", REJECTED, "invalid_json")
    add("two_objects_one_line", enc(g(110)) + enc(g(111)), REJECTED, "invalid_json")
    add("unquoted_key", b"{id:112}", REJECTED, "invalid_json")
    add("comment", b'{"id":113} // a note', REJECTED, "invalid_json")
    add("bom_at_line_start", b"\xef\xbb\xbf" + enc(g(114)), REJECTED, "invalid_json")
    add("raw_tab_in_string", b'{"id":115,"title":"a\tb"}', REJECTED, "invalid_json")
    add("raw_control_char_in_string", b'{"id":116,"title":"a\x01b"}', REJECTED, "invalid_json")
    add("raw_nul_byte", b'{"id":117,"title":"a\x00b"}', REJECTED, "invalid_json")
    add("unterminated_string", b'{"id":118,"title":"a\\"}', REJECTED, "invalid_json")
    add("bad_escape", b'{"id":119,"title":"\\x41"}', REJECTED, "invalid_json")
    add("short_unicode_escape", b'{"id":120,"title":"\\u12"}', REJECTED, "invalid_json")
    add("deep_array_10000", b'{"id":121,"n":' + b"[" * 10_000 + b"]" * 10_000 + b"}", REJECTED, "invalid_json")
    add("deep_object_10000", b'{"id":122,"n":' + b'{"a":' * 10_000 + b"1" + b"}" * 10_000 + b"}",
        REJECTED, "invalid_json")
    add("leading_zero_number", b'{"id":123,"value":01}', REJECTED, "invalid_json")
    add("hex_number", b'{"id":124,"value":0x1F}', REJECTED, "invalid_json")

    # invalid UTF-8 and lone surrogates
    add("bytes_ff_fe", b'{"id":130,"title":"\xff\xfe"}', REJECTED, "invalid_encoding")
    add("lone_continuation_byte", b'{"id":131,"title":"\x80"}', REJECTED, "invalid_encoding")
    add("overlong_encoding", b'{"id":132,"title":"\xc0\xaf"}', REJECTED, "invalid_encoding")
    add("surrogate_as_utf8_bytes", b'{"id":133,"title":"\xed\xa0\x80"}', REJECTED, "invalid_encoding")
    add("truncated_multibyte", b'{"id":134,"title":"\xe2\x82"}', REJECTED, "invalid_encoding")
    add("latin1_text", '{"id":135,"title":"café"}'.encode("latin-1"), REJECTED, "invalid_encoding")
    add("lone_high_surrogate_escape", b'{"id":136,"title":"\\ud800 x"}', REJECTED, "invalid_encoding")
    add("lone_low_surrogate_escape", b'{"id":137,"title":"\\udc00"}', REJECTED, "invalid_encoding")
    add("uppercase_surrogate_escape", b'{"id":138,"title":"x\\uDBFF"}', REJECTED, "invalid_encoding")
    add("reversed_surrogate_pair", b'{"id":139,"title":"\\udf89\\ud83c"}', REJECTED, "invalid_encoding")
    add("surrogate_escape_in_key", b'{"id":140,"\\ud800":1}', REJECTED, "invalid_encoding")
    add("nul_escape_and_bad_bytes", b'{"id":141,"title":"\\u0000\xff"}', REJECTED, "invalid_encoding")

    # JSON, but not an object
    for name, line in (("array", b'[{"id":150}]'), ("string", b'"just text"'), ("number", b"42"),
                       ("float", b"-1.5e3"), ("null", b"null"), ("true", b"true"), ("empty_array", b"[]")):
        add(f"not_an_object_{name}", line, REJECTED, "not_an_object")

    # ids
    add("missing_id", enc({k: v for k, v in g(151).items() if k != "id"}), REJECTED, "missing_id")
    add("null_id", enc({**g(150), "id": None}), REJECTED, "missing_id")
    add("empty_string_id", enc({**g(152), "id": ""}), REJECTED, "missing_id")
    add("id_other_case", enc({"ID": 153, "title": "x"}), REJECTED, "missing_id")
    for name, value in (("float", 1.5), ("float_integral", 2.0), ("bool_true", True), ("bool_false", False),
                        ("object", {"id": 154}), ("array", [155]), ("empty_object", {}), ("empty_array", [])):
        add(f"id_{name}", enc({**g(156), "id": value}), REJECTED, "invalid_id")
    add("id_exponent", b'{"id":1e3,"title":"x"}', REJECTED, "invalid_id")
    add("id_overflowing_float", b'{"id":1e1000000,"title":"x"}', REJECTED, "invalid_id")
    add("id_zero", enc(g(0)), LOADED)
    add("id_negative", enc(g(-5)), LOADED)
    add("id_max_bigint", enc(g(BIGINT[1])), LOADED)
    add("id_min_bigint", enc(g(BIGINT[0])), LOADED)
    add("id_beyond_bigint", enc(g(BIGINT[1] + 1)), LOADED)      # stg keeps it; normalize cannot key it
    add("id_huge", enc(g(10 ** 30)), LOADED)
    add("id_text", enc({**g(157), "id": "abc"}), LOADED)
    add("id_text_with_tab_escape", enc({**g(158), "id": "a\tb"}), LOADED)
    add("id_numeric_string", enc({**g(159), "id": "170"}), LOADED)
    add("duplicate_keys", b'{"id":999999,' + enc(g(172))[1:], LOADED)     # the last "id" (172) wins

    # what jsonb refuses after json.loads accepted it
    add("number_out_of_numeric_range", b'{"id":160,"value":1e1000000}', REJECTED, "db_rejected")
    add("negative_number_out_of_range", b'{"id":161,"nested":{"x":[-1E400000]}}', REJECTED, "db_rejected")
    add("number_underflowing_numeric", b'{"id":162,"value":1e-1000000}', REJECTED, "db_rejected")

    # whitespace, line endings, text that must arrive unchanged
    add("crlf_ending", enc(g(173)) + b"\r", LOADED)
    add("tab_between_tokens", b'{"id":174,\t"title":"t"}', LOADED)
    add("escaped_tab_and_newline", enc({**g(175), "title": "a\tb\nc\r"}), LOADED)
    add("raw_line_separator_and_del", enc({**g(176), "title": "a\u2028b\u2029c\x7fd"}), LOADED)
    add("unicode_zoo", enc({**g(177), "title": "עברית ‏RTL‎ e\u0301 𝔘𝔫𝔦 😀👩‍👩‍👧 \ufeff inside"}), LOADED)
    add("surrogate_pair_escape", b'{"id":178,"title":"\\ud83c\\udf89"}', LOADED)
    add("escaped_backslash_before_u0000", b'{"id":179,"title":"\\\\u0000 is text"}', LOADED)
    add("nested_200", b'{"id":180,"n":' + b"[" * 200 + b"]" * 200 + b"}", LOADED)
    add("big_number", b'{"id":181,"value":1e300}', LOADED)
    add("tiny_number", b'{"id":182,"value":1e-300}', LOADED)

    # NUL escapes: stripped, recorded, loaded
    add("nul_in_string", b'{"id":190,"title":"a\\u0000b"}', REPAIRED, "nul_stripped")
    add("nul_in_key", b'{"id":191,"ti\\u0000tle":"x"}', REPAIRED, "nul_stripped")
    add("nul_after_escaped_backslash", b'{"id":192,"title":"\\\\\\u0000"}', REPAIRED, "nul_stripped")
    add("nul_only_string", b'{"id":193,"title":"\\u0000"}', REPAIRED, "nul_stripped")

    # versions
    add("version_far_past_1900", with_version(200, "1900-01-01T00:00:00Z"), LOADED)
    add("version_epoch_1", with_version(201, 1), LOADED)
    add("version_with_offset", with_version(202, "2026-11-20T07:30:00+02:00"), LOADED)
    add("version_zoneless", with_version(203, "2026-11-19 10:00:00"), LOADED)
    add("version_within_skew", with_version(204, iso(T0 + CLOCK_SKEW - dt.timedelta(minutes=1))), LOADED)
    add("version_exactly_run_start_plus_skew", with_version(205, iso(NOT_AFTER)), LOADED)
    add("version_text", with_version(210, "last tuesday"), REPAIRED, "bad_updated_at")
    add("version_object", with_version(211, {"a": 1}), REPAIRED, "bad_updated_at")
    add("version_array", with_version(212, [1]), REPAIRED, "bad_updated_at")
    add("version_true", with_version(213, True), REPAIRED, "bad_updated_at")
    add("version_month_13", with_version(214, "2026-13-01T00:00:00Z"), REPAIRED, "bad_updated_at")
    add("version_hour_25", with_version(215, "2026-11-19T25:00:00Z"), REPAIRED, "bad_updated_at")
    add("version_year_10000", with_version(216, "+10000-01-01T00:00:00Z"), REPAIRED, "bad_updated_at")
    add("version_9999_12_31", with_version(217, "9999-12-31T23:59:59Z"), REPAIRED, "bad_updated_at")
    add("version_epoch_of_9999", with_version(218, 253402300799), REPAIRED, "bad_updated_at")
    add("version_epoch_1e12", with_version(219, 10 ** 12), REPAIRED, "bad_updated_at")
    add("version_epoch_minus_1e12", with_version(220, -10 ** 12), REPAIRED, "bad_updated_at")
    add("version_one_hour_ahead", with_version(221, iso(T0 + dt.timedelta(hours=1))), REPAIRED, "bad_updated_at")
    add("version_one_second_past_skew", with_version(222, iso(NOT_AFTER + dt.timedelta(seconds=1))),
        REPAIRED, "bad_updated_at")
    add("nul_and_future_version",
        with_version(223, "9999-12-31T23:59:59Z", note="a\x00b"),
        REPAIRED, "nul_stripped", "bad_updated_at")
    if src.name == "zendesk":  # epoch seconds first, updated_at when it is absent
        no_ts = {k: v for k, v in g(230).items() if k != "generated_timestamp"}
        add("zendesk_updated_at_only", enc(no_ts), LOADED)
        add("zendesk_generated_timestamp_null", enc({**g(231), "generated_timestamp": None}), LOADED)
        add("zendesk_generated_timestamp_float", with_version(232, T0.timestamp() - 3600.25), LOADED)
        add("zendesk_generated_timestamp_digit_string", with_version(233, "1763600000"), REPAIRED, "bad_updated_at")

    # several versions of one record: which one core must hold
    add("same_version_first", enc(g(240, version=T0 - dt.timedelta(days=1), title="first")), LOADED)
    add("same_version_second", enc(g(240, version=T0 - dt.timedelta(days=1), title="second")), LOADED)
    add("sane_then_future_sane", enc(g(241, version=T0 - dt.timedelta(days=1))), LOADED)
    add("sane_then_future_future", with_version(241, "9999-12-31T23:59:59Z", title="from the future"),
        REPAIRED, "bad_updated_at")
    add("future_then_sane_future", with_version(242, 253402300799, title="from the future"),
        REPAIRED, "bad_updated_at")
    add("future_then_sane_sane", enc(g(242, version=T0 - dt.timedelta(days=2))), LOADED)
    add("newer_then_older_newer", enc(g(243, version=T0 - dt.timedelta(days=1), title="newer")), LOADED)
    add("newer_then_older_older", enc(g(243, version=T0 - dt.timedelta(days=2), title="older")), LOADED)

    # size: the second part
    filler = "ünï 日本 🎉 chaos " * 8
    big: list[Case] = []

    def sized(i: int, size: int) -> bytes:
        line = enc({**g(i), "pad": ""})
        pad = size - len(line)
        return line.replace(b'"pad":""', b'"pad":"' + b"x" * pad + b'"')

    huge_text = (filler * (2_500_000 // len(filler.encode()) + 1))
    big.append(Case("huge_document_2_5_mb", enc({**g(250), "description": huge_text}), LOADED))
    big.append(Case("line_exactly_at_the_limit", sized(251, OVERSIZE_LIMIT), LOADED))
    big.append(Case("line_one_byte_over_the_limit", sized(252, OVERSIZE_LIMIT + 1), REJECTED, ("oversize",)))
    big.append(Case("over_the_limit_and_not_json", b"\xff" + b"{" * (OVERSIZE_LIMIT + 10), REJECTED, ("oversize",)))
    big.append(Case("good_after_the_big_ones", enc(g(253)), LOADED))
    return small, big


# ---- what each line must become (computed from the line) ----

def strip_nul(value):
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, list):
        return [strip_nul(v) for v in value]
    if isinstance(value, dict):
        return {strip_nul(k): strip_nul(v) for k, v in value.items()}
    return value


def parse_doc(line: bytes) -> dict:
    return strip_nul(json.loads(line.decode("utf-8")))


def exact(text: str | bytes):
    """A JSON document with every number as a Decimal: jsonb keeps numbers as numeric (1e300 comes back as
    1000...0), so docs are compared by value, exactly."""
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    return strip_nul(json.loads(text, parse_float=Decimal, parse_int=Decimal))


def expected_record_id(doc: dict) -> str:
    record_id = doc["id"]
    assert type(record_id) in (int, str), record_id
    return str(record_id)


def expected_version(doc: dict, fields: tuple[str, ...]) -> tuple[dt.datetime | None, bool]:
    """(source_updated_at, is it a bad version) by DESIGN §4/§5: the first version field present, ISO 8601 or
    epoch seconds, never later than the run's start plus CLOCK_SKEW."""
    value = next((doc[f] for f in fields if doc.get(f) not in (None, "")), None)
    if value is None:
        return None, False
    try:
        if type(value) in (int, float):
            ts = dt.datetime.fromtimestamp(value, UTC)
        elif isinstance(value, str):
            ts = dt.datetime.fromisoformat(value)
            ts = ts if ts.tzinfo else ts.replace(tzinfo=UTC)
        else:
            return None, True
    except (ValueError, OverflowError, OSError):
        return None, True
    return (None, True) if ts > NOT_AFTER else (ts, False)


def expected_raw_text(line: bytes) -> str:
    """meta.rejected_rows.raw_text: the line, undecodable bytes and NUL as escapes, capped at RAW_TEXT_LIMIT."""
    return line[:RAW_TEXT_LIMIT].decode("utf-8", "backslashreplace").replace("\x00", "\\x00")


def bigint_id(record_id: str) -> int | None:
    if re.fullmatch(r"-?[0-9]+", record_id) and BIGINT[0] <= int(record_id) <= BIGINT[1]:
        return int(record_id)
    return None


# ---- fixtures ----

@pytest.fixture
def lake(tmp_path, pg_url, db, monkeypatch):
    monkeypatch.setenv("DATALAKE_ENV_FILE", os.devnull)
    monkeypatch.setenv("DATABASE_URL", pg_url)
    monkeypatch.setenv("LAKE_BACKEND", "local")
    monkeypatch.setenv("LAKE_ROOT", str(tmp_path / "lake"))
    monkeypatch.setenv("LOG_DIR", str(tmp_path / "logs"))
    # the over-size limit, patched down: the module constant and the checker's default argument
    monkeypatch.setattr(load_lines, "MAX_LINE_BYTES", OVERSIZE_LIMIT)
    monkeypatch.setitem(LineChecker.__init__.__kwdefaults__, "max_line_bytes", OVERSIZE_LIMIT)
    get_settings.cache_clear()
    for src in SOURCES.values():
        empty_tables(db, src.name, src.entities)
    query(db, "DELETE FROM meta.loaded_files RETURNING 1")
    yield LocalStore(tmp_path / "lake")
    get_settings.cache_clear()


def stg(db, src: Source) -> dict[tuple[str, int], tuple]:
    rows = query(db, f"SELECT _blob_path, _line_no, record_id, source_updated_at, doc::text "
                     f"FROM stg_{src.name}.{src.entity}_raw")
    return {(r[0], r[1]): r[2:] for r in rows}


def load_rejects(db, src: Source) -> dict[tuple[str, int], list[tuple]]:
    found: dict[tuple[str, int], list[tuple]] = {}
    for path, line_no, reason, repaired, raw in query(
            db, "SELECT _blob_path, _line_no, reason_code, is_repaired, raw_text FROM meta.rejected_rows "
                "WHERE source = %s AND entity = %s AND reason_code <> 'bad_type' ORDER BY reason_code",
            (src.name, src.entity)):
        found.setdefault((path, line_no), []).append((reason, repaired, raw))
    return found


def no_traceback(tmp_path, capsys) -> None:
    out = capsys.readouterr()
    logs = "".join(p.read_text(errors="replace") for p in (tmp_path / "logs").glob("*.log"))
    for text in (out.out, out.err, logs):
        assert "Traceback" not in text, text[-3000:]


# ---- the tests ----

@pytest.mark.parametrize("source", sorted(SOURCES))
def test_every_bad_line_is_loaded_repaired_or_rejected_exactly_once(source, lake, db, tmp_path, capsys):
    src = SOURCES[source]
    small, big = corpus(src)
    cases = small + big
    assert len({c.name for c in cases}) == len(cases)
    assert len([c for c in cases if not c.name.startswith("good_")]) >= 30
    assert {r for c in cases for r in c.reasons} <= set(REASONS)
    manifest = write_raw_run(lake, src.name, src.entity, [c.line for c in cases], started_at=T0,
                             max_records=len(small))
    assert len(manifest["parts"]) == 2

    assert src.load(["--entity", src.entity]) == 0
    rows, rejects = stg(db, src), load_rejects(db, src)
    where = {part_line(manifest, i, len(small)): c for i, c in enumerate(cases)}
    assert set(rows) <= set(where) and set(rejects) <= set(where), "a row that belongs to no line"

    problems = []
    for key, case in where.items():
        row, recorded = rows.get(key), rejects.get(key, [])
        got_reasons = sorted(r[0] for r in recorded)
        if case.fate in (LOADED, REPAIRED):
            doc = parse_doc(case.line)
            version, bad = expected_version(doc, src.version_fields)
            assert bad == ("bad_updated_at" in case.reasons), f"corpus table inconsistent: {case.name}"
            if row is None:
                problems.append(f"{case.name}: not in stg (records: {got_reasons})")
                continue
            record_id, source_updated_at, stored = row
            if (record_id, source_updated_at) != (expected_record_id(doc), version):
                problems.append(f"{case.name}: stg record_id/version {record_id!r}/{source_updated_at} != "
                                f"{expected_record_id(doc)!r}/{version}")
            if exact(stored) != exact(case.line):
                problems.append(f"{case.name}: stg doc differs from the line")
        elif row is not None:
            problems.append(f"{case.name}: in stg, expected {case.fate}")
        if got_reasons != sorted(case.reasons):
            problems.append(f"{case.name}: records {got_reasons}, expected {sorted(case.reasons)}")
        for reason, repaired, raw in recorded:
            if repaired != (case.fate == REPAIRED) or raw != expected_raw_text(case.line):
                problems.append(f"{case.name}: {reason} is_repaired={repaired}, raw_text "
                                f"{'ok' if raw == expected_raw_text(case.line) else 'differs'}")
    assert not problems, "\n".join(problems)

    # the ledger, per part: rows = stg rows + duplicates + rejected (not repaired)
    ledger = {path: (n, dup) for path, n, dup in query(
        db, "SELECT blob_path, rows, rows_duplicate FROM meta.loaded_files WHERE source = %s", (src.name,))}
    assert set(ledger) == {p["path"] for p in manifest["parts"]}
    for part in manifest["parts"]:
        mine = [c for (path, _), c in where.items() if path == part["path"]]
        n, duplicates = ledger[part["path"]]
        stored = sum(1 for (path, _) in rows if path == part["path"])
        refused = sum(1 for (path, _), recorded in rejects.items() if path == part["path"]
                      and not any(r[1] for r in recorded))
        assert (n, duplicates) == (len(mine), sum(c.fate == DUPLICATE for c in mine))
        assert n == stored + duplicates + refused
    [(status, rows_in, rows_out, rows_rejected)] = query(
        db, "SELECT status, rows_in, rows_out, rows_rejected FROM meta.pipeline_runs WHERE stage = 'load' "
            "AND source = %s AND entity = %s", (src.name, src.entity))
    assert (status, rows_in, rows_out, rows_rejected) == (
        "success", len(cases), sum(c.fate in (LOADED, REPAIRED) for c in cases),
        sum(c.fate == REJECTED for c in cases))

    # normalize: no crash; core holds, per castable id, the newest trusted version
    assert src.normalize(["--entity", src.entity]) == 0
    assert query(db, "SELECT status FROM meta.pipeline_runs WHERE stage = 'normalize' AND source = %s",
                 (src.name,)) == [("success",)]
    versions: dict[str, list[tuple]] = {}
    for key, case in where.items():
        if case.fate in (LOADED, REPAIRED):
            doc = parse_doc(case.line)
            version, _ = expected_version(doc, src.version_fields)
            oldest = dt.datetime.min.replace(tzinfo=UTC)
            versions.setdefault(expected_record_id(doc), []).append((version or oldest, key[0], key[1], case.name))
    winners = {rid: max(v) for rid, v in versions.items()}
    expected_core = {bigint_id(rid): (w[1], w[2]) for rid, w in winners.items() if bigint_id(rid) is not None}
    core = {r[0]: (r[1], r[2]) for r in query(
        db, f"SELECT {src.core_key}, _blob_path, _line_no FROM core.{src.core} WHERE {src.real_rows}")}
    wrong = {i: (core.get(i), w) for i, w in expected_core.items() if core.get(i) != w}
    assert not wrong and set(core) == set(expected_core), wrong or set(core) ^ set(expected_core)

    # a key that does not cast is rejected at normalize (not repaired); other bad values are repaired
    uncastable = {(w[1], w[2]) for rid, w in winners.items() if bigint_id(rid) is None}
    assert len(uncastable) == 4  # beyond bigint, 10**30, "abc", "a\tb" ("170" casts)
    bad_type = {(p, n): repaired for p, n, repaired in query(
        db, "SELECT _blob_path, _line_no, is_repaired FROM meta.rejected_rows WHERE reason_code = 'bad_type' "
            "AND source = %s", (src.name,))}
    assert {k for k, repaired in bad_type.items() if not repaired} == uncastable
    assert set(bad_type) <= set(rows)

    # no version later than its run's start is the core row, and the calendar did not grow towards it
    [(newest,)] = query(db, f"SELECT max(_source_updated_at) FROM core.{src.core}")
    assert newest <= NOT_AFTER
    for name in ("sane_then_future_sane", "future_then_sane_sane", "newer_then_older_newer", "same_version_second"):
        key = next(k for k, c in where.items() if c.name == name)
        assert core[parse_doc(where[key].line)["id"]] == key, name
    [(last_day,)] = query(db, "SELECT max(date_day) FROM core.dim_date")
    assert last_day is None or last_day <= NOT_AFTER.date()
    no_traceback(tmp_path, capsys)

    # a later real version replaces one that was only ever seen from the future (no frozen row)
    frozen = next(c for c in cases if c.name == "version_9999_12_31")
    frozen_id = parse_doc(frozen.line)["id"]
    later = T0 + dt.timedelta(days=1)
    fix = write_raw_run(lake, src.name, src.entity, [enc(src.good(frozen_id, version=T0 + dt.timedelta(hours=2),
                                                                  title="real"))], started_at=later)
    assert src.load(["--entity", src.entity]) == 0 and src.normalize(["--entity", src.entity]) == 0
    assert core_row(db, src, frozen_id) == (fix["parts"][0]["path"], 1, T0 + dt.timedelta(hours=2))


def core_row(db, src: Source, record_id: int) -> tuple:
    [row] = query(db, f"SELECT _blob_path, _line_no, _source_updated_at FROM core.{src.core} "
                      f"WHERE {src.core_key} = %s", (record_id,))
    return row


# A version field that holds a JSON false, 0, {} or []: "the first version field present wins" (lake/entities.py),
# and a value that is not a time is a bad version, recorded (load.lines.REASONS['bad_updated_at']).
FALSY_VERSIONS = [
    ("epoch_zero", 0, dt.datetime(1970, 1, 1, tzinfo=UTC)),  # epoch seconds 0 is a time, 1970-01-01
    ("false", False, "bad_updated_at"),
    ("empty_object", {}, "bad_updated_at"),
    ("empty_array", [], "bad_updated_at"),
]

@pytest.mark.parametrize("source", sorted(SOURCES))
@pytest.mark.parametrize("name, value, expected", [
    pytest.param(*case, id=case[0]) for case in FALSY_VERSIONS])
def test_a_falsy_version_value_is_a_version_or_a_recorded_bad_version(source, name, value, expected, lake, db):
    src = SOURCES[source]
    doc = src.good(300)  # Zendesk: updated_at is sane, but generated_timestamp comes first
    doc[src.version_fields[0]] = value
    manifest = write_raw_run(lake, src.name, src.entity, [enc(doc)], started_at=T0)
    assert src.load(["--entity", src.entity]) == 0
    key = part_line(manifest, 0, 50_000)
    [(record_id, source_updated_at, _)] = stg(db, src).values()
    records = [r[0] for r in load_rejects(db, src).get(key, [])]
    if expected == "bad_updated_at":
        assert (source_updated_at, records) == (None, ["bad_updated_at"])
    else:
        assert (source_updated_at, records) == (expected, [])


WRONG_TYPES = {
    "pipedrive": [
        {"value": "abc"}, {"value": {"amount": 1}}, {"currency": 5}, {"status": [1]}, {"title": None},
        {"title": {"en": "x"}}, {"pipeline_id": "x"}, {"stage_id": 1.5}, {"owner_id": {"id": 3, "name": "v1 shape"}},
        {"person_id": True}, {"org_id": -1}, {"add_time": "not a time"}, {"expected_close_date": "2026-02-30"},
        {"won_time": 12345}, {"label_ids": "x"}, {"is_archived": "maybe"}, {"probability": "high"},
        {"custom_fields": "x"}, {"custom_fields": [1, 2]}, {"custom_fields": {"abc123": {"nested": [1]}, "": None}},
        {"status": "deleted", "is_deleted": "perhaps"},
    ],
    "zendesk": [
        {"tags": "x"}, {"tags": [1, None, {"a": 1}, ""]}, {"tags": None}, {"custom_fields": "x"},
        {"custom_fields": [None, "x", {"id": "abc", "value": {"a": 1}}, {"id": 5}, {"value": 1}]},
        {"via": "x"}, {"via": {"channel": {"deep": 1}}}, {"satisfaction_rating": 5}, {"satisfaction_rating": [1]},
        {"requester_id": "abc"}, {"assignee_id": 1.5}, {"due_at": "never"}, {"is_public": "yes"}, {"status": None},
        {"subject": {"x": 1}}, {"created_at": 12}, {"ticket_form_id": -7}, {"group_id": {"id": 1}},
    ],
}


@pytest.mark.parametrize("source", sorted(SOURCES))
def test_fields_of_the_wrong_type_become_null_with_a_record_and_never_fail_normalize(source, lake, db, tmp_path,
                                                                                   capsys):
    src = SOURCES[source]
    docs = [{**src.good(400 + i), **extra} for i, extra in enumerate(WRONG_TYPES[source])]
    manifest = write_raw_run(lake, src.name, src.entity, [enc(d) for d in docs], started_at=T0)
    assert src.load(["--entity", src.entity]) == 0
    assert src.normalize(["--entity", src.entity]) == 0
    core = {r[0]: (r[1], r[2]) for r in query(
        db, f"SELECT {src.core_key}, _blob_path, _line_no FROM core.{src.core} WHERE {src.real_rows}")}
    assert core == {d["id"]: part_line(manifest, i, 50_000) for i, d in enumerate(docs)}
    # every value that did not cast is on record as repaired (its row is in core, that value NULL)
    assert query(db, "SELECT DISTINCT is_repaired FROM meta.rejected_rows WHERE reason_code = 'bad_type' "
                     "AND source = %s", (src.name,)) == [(True,)]
    assert query(db, "SELECT DISTINCT status FROM meta.pipeline_runs WHERE source = %s", (src.name,)) == [("success",)]
    no_traceback(tmp_path, capsys)
