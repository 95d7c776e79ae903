"""Extract Pipedrive (API v2 + v1) into bronze: incremental by update_time, full refresh for the rest.

Data flow: Pipedrive API -> lake.http.ApiSession -> extract.engine -> bronze/pipedrive/scope=*/entity=*/...
Run standalone: python -m extract.pipedrive_bronze [--scope S] [--entity deals] [--since 2026-01-01] [--full-refresh]
                python -m extract.pipedrive_bronze --sweep-deletions [--scope S] [--entity deals]

What is Pipedrive-specific lives here and nowhere else:
- auth: the `x-api-token` header (never the api_token query parameter: URLs end up in logs);
- base URL: PIPEDRIVE_BASE_URL, else https://{PIPEDRIVE_COMPANY_DOMAIN}.pipedrive.com;
- the window: updated_since (inclusive) = watermark, updated_until (exclusive) = run start, both as
  whole-second RFC3339 (Pipedrive answers 400 to fractional seconds); records updated during the run
  fall after updated_until and are picked up next time;
- rate limits: a rolling 2-second burst window reported in x-ratelimit-*; a 429 while
  x-ratelimit-remaining is still > 0 means the company's *daily* budget is spent (Singer's rule):
  stop cleanly, keep what was written, exit 1, resume on the next run.
- deletion sweep (--sweep-deletions, extract/sweep.py): every current deal, person, organization and
  activity listed by id (deleted deals are only reported for 30 days); one v2 list request (~10 tokens)
  per 500 records, so 1M deals cost 2,000 requests, ~20,000 tokens of the daily budget.
Scopes: PIPEDRIVE_SCOPES=acme,globex extracts several companies; scope S reads PIPEDRIVE_API_TOKEN__S
etc. (lake.settings.Settings.scoped); without PIPEDRIVE_SCOPES the single scope is 'default'.
Everything else is generic: extract/engine.py (the loop), extract/cli.py (the entry point).
"""
from __future__ import annotations

import sys

from extract.cli import run_extractor
from extract.engine import EntityResult, Source, extract_source
from lake.entities import Entity
from lake.http import ApiSession, RatePolicy, header_window
from lake.settings import Settings
from lake.sources.pipedrive import ENTITIES, SOURCE


def _daily_budget_spent(response) -> bool:
    try:
        return int(response.headers.get("x-ratelimit-remaining", "0")) > 0
    except ValueError:
        return False


POLICY = RatePolicy(windows=(header_window("x-ratelimit-remaining", "x-ratelimit-reset"),),
                    is_daily_budget=_daily_budget_spent, default_wait=2.0)


def window_params(entity: Entity, resume: str | None, since: str | None, until: str) -> dict:
    start = since or resume
    return {"updated_until": until, **({"updated_since": start} if start else {})}


def session_for(settings: Settings, scope: str) -> ApiSession:
    token = settings.scoped("PIPEDRIVE_API_TOKEN", scope)
    base = settings.scoped("PIPEDRIVE_BASE_URL", scope)
    domain = settings.scoped("PIPEDRIVE_COMPANY_DOMAIN", scope)
    missing = [settings.scoped_name("PIPEDRIVE_API_TOKEN", scope)] if not token else []
    if not (base or domain):
        missing.append(f"{settings.scoped_name('PIPEDRIVE_COMPANY_DOMAIN', scope)} or "
                       f"{settings.scoped_name('PIPEDRIVE_BASE_URL', scope)}")
    settings.refuse_missing(missing)
    return ApiSession(base or f"https://{domain}.pipedrive.com", POLICY, headers={"x-api-token": token})


EXTRACTOR = Source(SOURCE, ENTITIES, "pipedrive_bronze/1.1", session_for, window_params)


def run(settings: Settings, **options) -> list[EntityResult]:
    """Extract the chosen scopes and entities (see extract.engine.extract_source for the options)."""
    return extract_source(EXTRACTOR, settings, **options)


def main(argv: list[str] | None = None, results: list[EntityResult] | None = None) -> int:
    """results: if given, receives each entity's outcome (the daily runner records them in meta)."""
    return run_extractor("pipedrive_bronze", EXTRACTOR, argv, results)


if __name__ == "__main__":
    sys.exit(main())
