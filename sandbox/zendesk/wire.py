"""Wire formats of the Zendesk Support API: timestamps, error bodies, opaque cursors, query parameters.

Data flow: records (stored in API shape) -> dumps() -> UTF-8 JSON bytes on the socket;
query strings -> parse_* helpers -> typed values, or ApiError (rendered as {"error", "description"}).
Run standalone: python -c "from sandbox.zendesk.wire import *; print(encode_export_cursor(1576613539, 467))"

Timestamps are stored as ISO-8601 whole-second 'Z' strings (doc §1: "2011-05-05T10:38:52Z"); in that fixed
format string order is time order. The incremental exports compare epoch seconds, so both forms are here.
Export cursors follow the documented example (base64 of "<epoch>.0||<id>|"); the slot after the last
"|" carries a counter only on the empty pages of sim.empty_pages(), so such a page hands back a new token
for the same position (a client guarding against a repeated cursor must not trip on it).
List cursors copy the shape Zendesk mints: base64 JSON {"o": order, "v": base64(little-endian id)}.
"""
from __future__ import annotations

import base64
import binascii
import json
import struct
from datetime import datetime, timezone

ISO = "%Y-%m-%dT%H:%M:%SZ"


class ApiError(Exception):
    """A request the API refuses; rendered as {"error": error, "description": description} with `status`."""

    def __init__(self, status: int, error: str, description: str | None = None):
        super().__init__(f"{status} {error}: {description}")
        self.status, self.error, self.description = status, error, description

    def body(self) -> dict:
        return {"error": self.error} if self.description is None else {"error": self.error,
                                                                        "description": self.description}


def iso(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, timezone.utc).strftime(ISO)


def iso_of(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime(ISO)


def parse_iso(text: str) -> datetime:
    return datetime.strptime(text, ISO).replace(tzinfo=timezone.utc)


def epoch(text: str) -> int:
    return int(parse_iso(text).timestamp())


def dumps(body) -> bytes:
    # ensure_ascii=False: Zendesk sends raw UTF-8 for accents, CJK, RTL and emoji, not \\u escapes.
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def encode_export_cursor(ts: int, record_id: int, seq: int = 0) -> str:
    """Position (ts, id): the next page holds records whose (timestamp, id) sorts after it."""
    return _b64(f"{ts}.0||{record_id}|{seq or ''}".encode("ascii"))


def decode_export_cursor(text: str) -> tuple[int, int, int]:
    try:
        stamp, empty, record_id, seq = _unb64(text).decode("ascii").split("|")
        if empty or not stamp.endswith(".0"):
            raise ValueError(text)
        return int(stamp[:-2]), int(record_id), int(seq or 0)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise ApiError(400, "InvalidCursor", "The cursor is invalid or has been tampered with") from None


def encode_list_cursor(record_id: int) -> str:
    value = base64.b64encode(struct.pack("<q", record_id)).decode("ascii")
    return base64.b64encode(json.dumps({"o": "id", "v": value}, separators=(",", ":")).encode()).decode("ascii")


def decode_list_cursor(text: str) -> int:
    try:
        payload = json.loads(base64.b64decode(text + "=" * (-len(text) % 4), validate=True))
        return struct.unpack("<q", base64.b64decode(payload["v"], validate=True))[0]
    except (binascii.Error, ValueError, KeyError, TypeError, struct.error):
        raise ApiError(400, "InvalidPaginationParameter", "page[after] or page[before] is not a valid cursor") from None


def parse_int(name: str, text: str, *, minimum: int | None = None, maximum: int | None = None,
              error: str = "InvalidValue") -> int:
    try:
        value = int(text)
    except ValueError:
        raise ApiError(400, error, f"{name} must be an integer") from None
    if minimum is not None and value < minimum:
        raise ApiError(400, error, f"{name} must be greater than or equal to {minimum}")
    if maximum is not None and value > maximum:
        raise ApiError(400, error, f"{name} must be less than or equal to {maximum}")
    return value


def parse_bool(name: str, text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in ("true", "1"):
        return True
    if lowered in ("false", "0", ""):
        return False
    raise ApiError(400, "InvalidValue", f"{name} must be true or false")
