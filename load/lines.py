"""Line checks for the stg loader: one bronze line in, one COPY text row out (or a recorded rejection).

Data flow: load.part_stream.PartStream -> LineChecker.check(line_no, line, rejects) -> COPY row bytes | None
Run standalone: python -c "from load.lines import *; from lake.sources.pipedrive import ENTITIES as E; \
print(LineChecker(E[0]).check(1, b'{\\"id\\": 1}', []))"

Reason codes written to meta.rejected_rows (REASONS). A rejected line is not loaded; a repaired line is
loaded after the repair and recorded with is_repaired true. Nothing is dropped silently.
The doc column gets the raw line itself (after repair), not a re-serialisation: the stg layer keeps
the record exactly as received, and passing the bytes through is much cheaper than json.dumps.
json.loads only validates, so that a bad line becomes one rejected row instead of a failed COPY;
what jsonb refuses beyond that (e.g. a number out of numeric's range) is caught by the engine from
the COPY error and recorded as db_rejected.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass

from lake.bronze import CLOCK_SKEW, run_started_at
from lake.entities import Entity

MAX_LINE_BYTES = 64 * 1024 * 1024   # longer lines are rejected ('oversize'); parts hold at most 64 MB anyway
RAW_TEXT_LIMIT = 1024 * 1024        # raw_text kept for a rejected line (more is truncated, and detail says so)

REASONS = {
    "invalid_json": "not parseable as JSON (or NaN/Infinity, which jsonb refuses)",
    "invalid_encoding": "not UTF-8, or a \\u escape of a lone UTF-16 surrogate (jsonb refuses it)",
    "not_an_object": "valid JSON but not an object",
    "missing_id": "the entity's key is absent, null or empty",
    "invalid_id": "the entity's key is not a string or an integer",
    "oversize": "longer than MAX_LINE_BYTES",
    "db_rejected": "PostgreSQL refused the line in COPY (detail has its message)",
    "nul_stripped": "repaired: \\u0000 escapes removed (jsonb cannot hold NUL); the line was loaded",
    "bad_updated_at": "repaired: the version field is not an ISO 8601 time or epoch seconds, or is later than its bronze "
                      "run's start (plus CLOCK_SKEW); loaded with source_updated_at null",
}

# \u0000 only when the backslash is not itself escaped ("\\u0000" is the text \u0000, not a NUL).
_NUL_ESCAPE = re.compile(rb"(?<!\\)((?:\\\\)*)\\u0000")
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
_COPY_ESCAPES = {ord("\\"): "\\\\", ord("\t"): "\\t", ord("\n"): "\\n", ord("\r"): "\\r"}


@dataclass(frozen=True)
class Reject:
    line_no: int
    reason_code: str
    detail: str
    raw_text: str | None
    is_repaired: bool = False


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not valid JSON")


# One decoder for every line: json.loads(..., parse_constant=) would build a new one per call.
_decode_json = json.JSONDecoder(parse_constant=_refuse_constant).decode


def updated_fields(entity: Entity) -> tuple[str, ...]:
    """Where source_updated_at comes from: the entity's version fields, the first one present wins."""
    return entity.version_fields


def parse_version(value) -> dt.datetime | None:
    """A version field's value as an aware UTC time: ISO 8601 text (zone-less = UTC; Pipedrive v1 writes
    '2024-07-01 11:29:32') or epoch seconds (Zendesk's generated_timestamp). ValueError if it is neither."""
    if type(value) in (int, float):
        try:
            return dt.datetime.fromtimestamp(value, dt.timezone.utc)
        except (OverflowError, OSError, ValueError) as exc:
            raise ValueError(f"epoch seconds out of range: {value!r}") from exc
    if not isinstance(value, str):
        raise ValueError(f"a JSON {type(value).__name__}, not a time")
    ts = dt.datetime.fromisoformat(value)
    return ts.replace(tzinfo=dt.timezone.utc) if ts.tzinfo is None else ts


class LineChecker:
    def __init__(self, entity: Entity, *, max_line_bytes: int = MAX_LINE_BYTES):
        self.key = entity.key
        self.fields = updated_fields(entity)
        self.max_line_bytes = max_line_bytes
        self.record_id = b""
        # Set per bronze run (start_run): no version can be later than the run that received it. A record
        # dated 9999-12-31 would otherwise be "newest" for ever, and "never older" would freeze its row.
        self.not_after: dt.datetime | None = None

    def start_run(self, run_id: str) -> None:
        started = run_started_at(run_id)
        self.not_after = started + CLOCK_SKEW if started else None

    @staticmethod
    def copy_field(value: str) -> bytes:
        """A text value escaped for COPY's text format."""
        return value.translate(_COPY_ESCAPES).encode("utf-8")

    @staticmethod
    def raw_text(line: bytes) -> str:
        """The line as text for meta.rejected_rows: undecodable bytes and NUL shown as escapes, capped."""
        text = line[:RAW_TEXT_LIMIT].decode("utf-8", "backslashreplace")
        return text.replace("\x00", "\\x00")

    def check(self, line_no: int, line: bytes, rejects: list[Reject]) -> bytes | None:
        """The COPY row tail 'record_id, source_updated_at, _line_no, doc' for a loadable line, else None.
        Problems are appended to `rejects`."""
        def reject(reason: str, detail: str, raw: bytes = line) -> None:
            if len(raw) > RAW_TEXT_LIMIT:
                detail += f" (raw_text truncated to {RAW_TEXT_LIMIT} of {len(raw)} bytes)"
            rejects.append(Reject(line_no, reason, detail, self.raw_text(raw)))

        if len(line) > self.max_line_bytes:
            return reject("oversize", f"{len(line)} bytes > limit {self.max_line_bytes}")
        original, repaired = line, False
        if b"\\u0000" in line:
            line = _NUL_ESCAPE.sub(rb"\1", line)
            repaired = line != original
        try:
            doc = _decode_json(line.decode("utf-8"))
        except UnicodeDecodeError as exc:
            return reject("invalid_encoding", str(exc), original)
        except (ValueError, RecursionError) as exc:
            return reject("invalid_json", str(exc) or type(exc).__name__, original)
        if type(doc) is not dict:
            return reject("not_an_object", f"a JSON {type(doc).__name__}", original)
        record_id = doc.get(self.key)
        if record_id is None or record_id == "":
            return reject("missing_id", f"no value for key {self.key!r}", original)
        if type(record_id) is int:
            record_id = b"%d" % record_id
        elif type(record_id) is str:
            record_id = self.copy_field(record_id)
        else:
            return reject("invalid_id", f"key {self.key!r} is a {type(record_id).__name__}", original)
        if _SURROGATE_ESCAPE.search(line):  # valid pairs decode fine; a lone half cannot be encoded
            try:
                json.dumps(doc, ensure_ascii=False).encode("utf-8")
            except UnicodeEncodeError as exc:
                return reject("invalid_encoding", f"lone surrogate escape: {exc.reason}", original)
        if repaired:
            rejects.append(Reject(line_no, "nul_stripped", "\\u0000 removed from string values",
                                  self.raw_text(original), is_repaired=True))
        updated = self._updated_at(doc, line_no, original, rejects)
        # Valid JSON holds no raw newline; backslashes (and tab/CR whitespace) need COPY escapes.
        if b"\\" in line:
            line = line.replace(b"\\", b"\\\\")
        if b"\t" in line or b"\r" in line:
            line = line.replace(b"\t", b"\\t").replace(b"\r", b"\\r")
        self.record_id = record_id  # the row's id, COPY-escaped: the part stream keys its dedupe on it
        return b"%b\t%b\t%d\t%b\n" % (record_id, updated, line_no, line)

    def _updated_at(self, doc: dict, line_no: int, original: bytes, rejects: list[Reject]) -> bytes:
        # The first version field that holds anything: 0 is epoch 0 (a version), and false, {} or [] are
        # bad versions to record, not absent ones to skip for the next field.
        name, value = next(((n, doc[n]) for n in self.fields if doc.get(n) is not None and doc[n] != ""),
                           (None, None))
        if name is None:
            return b"\\N"
        try:
            ts = parse_version(value)
        except ValueError:
            rejects.append(Reject(line_no, "bad_updated_at", f"{name}={value!r} is not an ISO 8601 time or "
                                  "epoch seconds", self.raw_text(original), is_repaired=True))
            return b"\\N"
        if self.not_after is not None and ts > self.not_after:
            rejects.append(Reject(line_no, "bad_updated_at", f"{name}={value!r} is later than its bronze run's start "
                                  f"(+{CLOCK_SKEW}): not trusted as the newest version", self.raw_text(original),
                                  is_repaired=True))
            return b"\\N"
        return ts.isoformat().encode()
