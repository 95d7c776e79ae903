"""Extract Zendesk Support into bronze: tickets and users by the cursor export, organizations by the
time-based export, groups, ticket_fields and ticket_forms as full refresh.

Data flow: Zendesk API -> lake.http.ApiSession -> extract.engine -> bronze/zendesk/scope=*/entity=*/...
Run standalone: python -m extract.zendesk_bronze [--scope S] [--entity tickets] [--since 2026-01-01] [--full-refresh]

What is Zendesk-specific lives here and nowhere else (entities: lake/sources/zendesk.py):
- auth: ZENDESK_EMAIL + ZENDESK_API_TOKEN as Basic '{email}/token:{token}', or ZENDESK_OAUTH_TOKEN as
  a Bearer token (Zendesk retires API tokens in 2027: OAuth wins when both are set);
- base URL: ZENDESK_BASE_URL, else https://{ZENDESK_SUBDOMAIN}.zendesk.com;
- the window: an export resumes from its watermark (the cursor export's after_cursor, the time-based
  export's end_time); a first run, --since or --full-refresh starts at start_time = that time (default
  ZENDESK_START_TIME, else 0: the account's beginning), clamped to a minute before the run start,
  because Zendesk refuses a start_time younger than a minute;
- rate limits: incremental exports allow 10 requests a minute whatever the plan. Zendesk reports each
  bucket in a 'zendesk-ratelimit-<bucket>: total=10; remaining=9; resets=49' header and the account
  bucket in ratelimit-remaining/ratelimit-reset; the session waits out a bucket that reaches 0 before
  asking again, and waits exactly Retry-After on a 429 or 503.
Scopes: ZENDESK_SCOPES=acme,globex extracts several accounts; scope S reads ZENDESK_SUBDOMAIN__S,
ZENDESK_EMAIL__S, ZENDESK_API_TOKEN__S ... (lake.settings.Settings.scoped); else the scope is 'default'.
"""
from __future__ import annotations

import sys

from extract.cli import run_extractor
from extract.engine import EntityResult, Source, extract_source, parse_ts
from lake.entities import Entity
from lake.http import ApiSession, RatePolicy, bucket_windows, header_window
from lake.settings import Settings
from lake.sources.zendesk import ENTITIES, SOURCE

POLICY = RatePolicy(windows=(bucket_windows("zendesk-ratelimit-"), header_window("ratelimit-remaining", "ratelimit-reset")))
MIN_START_AGE_S = 61   # Zendesk: "start_time must be at least one minute in the past"


def window_params(entity: Entity, resume: str | None, since: str | None, until: str) -> dict:
    if resume:
        return {"cursor": resume} if entity.paging == "export_cursor" else {"start_time": resume}
    start = int(parse_ts(since).timestamp()) if since else 0
    return {"start_time": str(max(0, min(start, int(parse_ts(until).timestamp()) - MIN_START_AGE_S)))}


def session_for(settings: Settings, scope: str) -> ApiSession:
    base = settings.scoped("ZENDESK_BASE_URL", scope)
    subdomain = settings.scoped("ZENDESK_SUBDOMAIN", scope)
    oauth = settings.scoped("ZENDESK_OAUTH_TOKEN", scope)
    email, token = settings.scoped("ZENDESK_EMAIL", scope), settings.scoped("ZENDESK_API_TOKEN", scope)
    name = lambda n: settings.scoped_name(n, scope)  # noqa: E731
    missing = [] if (base or subdomain) else [f"{name('ZENDESK_SUBDOMAIN')} or {name('ZENDESK_BASE_URL')}"]
    if not oauth and not (email and token):
        missing.append(f"{name('ZENDESK_OAUTH_TOKEN')} or {name('ZENDESK_EMAIL')} + {name('ZENDESK_API_TOKEN')}")
    settings.refuse_missing(missing)
    auth = None if oauth else (f"{email}/token", token)
    headers = {"Accept": "application/json", **({"Authorization": f"Bearer {oauth}"} if oauth else {})}
    return ApiSession(base or f"https://{subdomain}.zendesk.com", POLICY, headers=headers, auth=auth)


EXTRACTOR = Source(SOURCE, ENTITIES, "zendesk_bronze/1.0", session_for, window_params, start_setting="ZENDESK_START_TIME")


def run(settings: Settings, **options) -> list[EntityResult]:
    """Extract the chosen scopes and entities (see extract.engine.extract_source for the options)."""
    return extract_source(EXTRACTOR, settings, **options)


def main(argv: list[str] | None = None, results: list[EntityResult] | None = None) -> int:
    """results: if given, receives each entity's outcome (the daily runner records them in meta)."""
    return run_extractor("zendesk_bronze", EXTRACTOR, argv, results)


if __name__ == "__main__":
    sys.exit(main())
