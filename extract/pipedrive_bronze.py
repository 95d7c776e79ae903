"""Extract Pipedrive (API v2 + v1) into bronze: incremental by update_time, full refresh for the rest.

Data flow: Pipedrive API -> lake.http.ApiSession -> extract.engine -> bronze/pipedrive/scope=*/entity=*/...
Run standalone: python -m extract.pipedrive_bronze [--scope S] [--entity deals] [--since 2026-01-01] [--full-refresh]

What is Pipedrive-specific lives here and nowhere else:
- auth: the `x-api-token` header (never the api_token query parameter: URLs end up in logs);
- base URL: PIPEDRIVE_BASE_URL, else https://{PIPEDRIVE_COMPANY_DOMAIN}.pipedrive.com;
- the window: updated_since (inclusive) = watermark, updated_until (exclusive) = run start, both as
  whole-second RFC3339 (Pipedrive answers 400 to fractional seconds); records updated during the run
  fall after updated_until and are picked up next time;
- rate limits: a rolling 2-second burst window reported in x-ratelimit-*; a 429 while
  x-ratelimit-remaining is still > 0 means the company's *daily* budget is spent (Singer's rule):
  stop cleanly, keep what was written, exit 1, resume on the next run.
Scopes: PIPEDRIVE_SCOPES=acme,globex extracts several companies; scope S reads PIPEDRIVE_API_TOKEN__S
etc. (lake.settings.Settings.scoped); without PIPEDRIVE_SCOPES the single scope is 'default'.
"""
from __future__ import annotations

import datetime as dt
import logging
import sys

from extract.cli import parse_args
from extract.engine import EntityResult, extract_entity
from lake.entities import Entity, select
from lake.http import ApiSession, RatePolicy
from lake.logs import setup_logging
from lake.settings import Settings, SettingsError, get_settings
from lake.sources.pipedrive import ENTITIES, SOURCE
from lake.store import open_store

log = logging.getLogger(__name__)
VERSION = "pipedrive_bronze/1.0"


def _daily_budget_spent(response) -> bool:
    try:
        return int(response.headers.get("x-ratelimit-remaining", "0")) > 0
    except ValueError:
        return False


POLICY = RatePolicy(remaining_header="x-ratelimit-remaining", reset_header="x-ratelimit-reset",
                    throttle_floor=0, is_daily_budget=_daily_budget_spent, default_wait=2.0)


def window_params(entity: Entity, since: str | None, until: str) -> dict:
    return {"updated_until": until, **({"updated_since": since} if since else {})}


def scopes(settings: Settings) -> list[str]:
    names = [s.strip() for s in (settings.pipedrive_scopes or "").split(",") if s.strip()]
    return names or ["default"]


def session_for(settings: Settings, scope: str) -> ApiSession:
    token = settings.scoped("PIPEDRIVE_API_TOKEN", scope)
    base = settings.scoped("PIPEDRIVE_BASE_URL", scope)
    domain = settings.scoped("PIPEDRIVE_COMPANY_DOMAIN", scope)
    suffix = "" if scope == "default" else f"__{scope.upper()}"
    missing = [f"PIPEDRIVE_API_TOKEN{suffix}"] if not token else []
    if not (base or domain):
        missing.append(f"PIPEDRIVE_COMPANY_DOMAIN{suffix} or PIPEDRIVE_BASE_URL{suffix}")
    if missing:
        raise SettingsError("missing required settings: " + ", ".join(missing) + " (see .env.example)")
    return ApiSession(base or f"https://{domain}.pipedrive.com", POLICY, headers={"x-api-token": token})


def run(settings: Settings, *, scope_names: list[str] | None = None, entity_names: list[str] | None = None,
        since: str | None = None, full_refresh: bool = False) -> list[EntityResult]:
    """Extract the chosen scopes and entities; raises SettingsError / ValueError on bad configuration."""
    entities = select(ENTITIES, entity_names)
    chosen = scope_names or scopes(settings)
    sessions = {scope: session_for(settings, scope) for scope in chosen}
    store = open_store(settings)
    results = []
    for scope, session in sessions.items():
        started_at = dt.datetime.now(dt.timezone.utc)
        for entity in entities:
            result = extract_entity(store=store, session=session, source=SOURCE, scope=scope, entity=entity,
                                    window_params=window_params, started_at=started_at, version=VERSION,
                                    since=since, full_refresh=full_refresh)
            results.append(result)
            if result.budget_exhausted:
                log.error("pipedrive scope=%s: daily API budget exhausted after %s; what was written is committed "
                          "and the next run resumes from watermark %s", scope, entity.name, result.watermark_after)
                break
    return results


def main(argv: list[str] | None = None, results: list[EntityResult] | None = None) -> int:
    """results: if given, receives each entity's outcome (the daily runner records them in meta)."""
    args = parse_args("python -m extract.pipedrive_bronze", argv)
    try:
        settings = get_settings()
        setup_logging("pipedrive_bronze", settings)
        outcome = run(settings, scope_names=args.scope, entity_names=args.entity, since=args.since,
                      full_refresh=args.full_refresh)
    except (SettingsError, ValueError) as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    if results is not None:
        results.extend(outcome)
    failed = [r for r in outcome if r.status != "success"]
    for r in failed:
        log.error("pipedrive.%s scope=%s %s: %s", r.entity, r.scope, r.status, r.error)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
