"""Wire formats of the Pipedrive API: timestamps, envelopes, cursors, query-parameter parsing.

Data flow: records (internal, v2-shaped) -> envelope()/error_envelope() -> JSON bytes on the socket;
query strings -> parse_* helpers -> typed values, or ApiError (rendered as a 400 envelope).
Run standalone: python -c "from sandbox.pipedrive.wire import *; print(encode_cursor({'deals': 27}))"

Timestamps are stored internally as RFC3339 whole-second strings ("2026-11-01T00:00:00Z"):
in that fixed format lexicographic order equals time order, so filters and sorts compare strings.
"""
from __future__ import annotations

import base64
import binascii
import json
import re
from datetime import datetime, timezone

ERROR_INFO = "Please check developers.pipedrive.com"
RFC3339 = "%Y-%m-%dT%H:%M:%SZ"
V1_TIME = "%Y-%m-%d %H:%M:%S"
# Pipedrive's v2 validator rejects fractional seconds and space-separated forms (doc §6 pitfall 6).
_STRICT_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


class ApiError(Exception):
    """A request the API refuses; rendered as the v1-style error envelope with `status`."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def rfc3339(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime(RFC3339)


def parse_rfc3339(text: str) -> datetime:
    return datetime.strptime(text, RFC3339).replace(tzinfo=timezone.utc)


def to_v1_time(value: str | None) -> str | None:
    """RFC3339 'Z' string -> v1 'YYYY-MM-DD HH:MM:SS' (UTC, no zone marker), None stays None."""
    return None if value is None else value[:10] + " " + value[11:19]


def envelope(data, additional_data: dict | None = None) -> dict:
    body = {"success": True, "data": data}
    if additional_data is not None:
        body["additional_data"] = additional_data
    return body


def error_envelope(message: str) -> dict:
    return {"success": False, "error": message, "error_info": ERROR_INFO,
            "data": None, "additional_data": None}


def dumps(body) -> bytes:
    # ensure_ascii=False: the real API sends UTF-8 text, not \\u escapes, for accents/CJK/emoji;
    # control characters (incl. NUL) are still escaped by json, exactly as a JSON encoder must.
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def encode_cursor(payload: dict) -> str:
    """Opaque cursor like the real one ('eyJhY3Rpdml0aWVzIjoyN30' = {"activities":27}): unpadded base64."""
    raw = json.dumps(payload, separators=(",", ":")).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_cursor(text: str) -> dict:
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        payload = json.loads(raw.decode("utf-8"))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise ApiError(400, "Invalid cursor") from None
    if not isinstance(payload, dict):
        raise ApiError(400, "Invalid cursor")
    return payload


def parse_datetime_param(name: str, text: str) -> str:
    """Validate an updated_since/updated_until value; returns the canonical stored form."""
    if _STRICT_RFC3339.match(text):
        try:
            return rfc3339(parse_rfc3339(text))
        except ValueError:
            pass  # e.g. month 13: same error as a malformed string
    raise ApiError(400, f'ERR_SCHEMA_VALIDATION_FAILED: "{name}" with value "{text}" is not a valid datetime')


def parse_int(name: str, text: str, *, minimum: int = 0, maximum: int | None = None) -> int:
    try:
        value = int(text)
    except ValueError:
        raise ApiError(400, f'ERR_SCHEMA_VALIDATION_FAILED: "{name}" must be an integer') from None
    if value < minimum:
        raise ApiError(400, f'ERR_SCHEMA_VALIDATION_FAILED: "{name}" must be greater than or equal to {minimum}')
    if maximum is not None and value > maximum:
        raise ApiError(400, f'ERR_SCHEMA_VALIDATION_FAILED: "{name}" must be less than or equal to {maximum}')
    return value


def parse_bool(name: str, text: str) -> bool:
    lowered = text.lower()
    if lowered in ("true", "1"):
        return True
    if lowered in ("false", "0"):
        return False
    raise ApiError(400, f'ERR_SCHEMA_VALIDATION_FAILED: "{name}" must be a boolean')


def parse_int_list(name: str, text: str, *, max_items: int = 100) -> set[int]:
    parts = [part for part in text.split(",") if part.strip()]
    if len(parts) > max_items:
        raise ApiError(400, f'ERR_SCHEMA_VALIDATION_FAILED: "{name}" accepts at most {max_items} items')
    return {parse_int(name, part.strip(), minimum=1) for part in parts}
