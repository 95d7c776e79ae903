"""Check a fresh installation end to end before its first scheduled run.

Data flow: .env / environment -> Settings -> database (connect + migrate) -> lake (write, read back)
           -> each configured source (one cheap authenticated request) -> one line per check, exit code.
Run standalone: python -m scripts.doctor [--source pipedrive|zendesk]

Exit codes: 0 everything answered; 1 something is unreachable or refused (database, lake, an API, a
credential); 2 the settings themselves are incomplete or invalid. It changes nothing but the database
schema (pending migrations are applied, as every stage would) and one small probe object in the lake
(`_doctor/probe.json`, rewritten each time: bronze itself is never touched).
Each source is asked for the first page of its first full-refresh entity (a field catalog: a few
rows), with two attempts at most, so a wrong host fails in seconds, not after the daily run's retries.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import uuid

import psycopg2

from extract.paging import pages
from lake.db import connect
from lake.http import HttpError
from lake.logs import first_line
from lake.migrate import MigrationError
from lake.settings import SettingsError, get_settings
from lake.sources import SOURCES, configured, extractor
from lake.store import open_store

PROBE = "_doctor/probe.json"


def check_database(settings) -> str:
    conn = connect(settings, migrate=True, application_name="datalake-doctor")
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT current_setting('server_version'), current_database(), "
                        "(SELECT count(*) FROM meta.schema_migrations)")
            version, name, applied = cur.fetchone()
        return f"PostgreSQL {version}, database {name}, {applied} migrations applied"
    finally:
        conn.close()


def check_lake(settings) -> str:
    store = open_store(settings)
    token = {"probe": str(uuid.uuid4()), "at": dt.datetime.now(dt.timezone.utc).isoformat()}
    store.replace(PROBE, json.dumps(token).encode())
    with store.open(PROBE) as f:
        if json.load(f) != token:
            raise OSError(f"{PROBE} reads back different bytes than were written")
    where = settings.lake_root if settings.lake_backend == "local" else f"ADLS container {settings.adls_container}"
    return f"{settings.lake_backend} lake at {where} is writable"


def check_source(settings, source: str) -> str:
    spec = extractor(source)
    entity = next(e for e in spec.entities if not e.incremental and not e.optional)
    results = []
    for scope in spec.scopes(settings):
        try:
            session = spec.session_for(settings, scope)
        except ValueError as exc:  # a base URL that is not one is a setting to fix (2), not an outage (1)
            raise SettingsError(str(exc)) from exc
        session.max_retries = 2
        first = next(iter(pages(entity, session, dict(entity.params))))
        results.append(f"scope {scope}: credentials accepted ({entity.name}: {len(first.records)} on the first page)")
    return "; ".join(results)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.doctor", description=__doc__.splitlines()[0])
    parser.add_argument("--source", choices=SOURCES, action="append", help="only this source (default: configured)")
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 2
    try:
        settings = get_settings()
    except SettingsError as exc:
        print(f"FAIL settings: {exc}", file=sys.stderr)
        return 2
    sources = args.source or configured(settings)
    checks = [("database", lambda: check_database(settings)), ("lake", lambda: check_lake(settings))]
    checks += [(source, lambda s=source: check_source(settings, s)) for source in sources]
    worst = 0 if sources else 2
    if not sources:
        print("FAIL sources: none configured: set PIPEDRIVE_* and/or ZENDESK_* (see .env.example)")
    for name, check in checks:
        try:
            print(f"ok   {name}: {check()}")
        except SettingsError as exc:
            print(f"FAIL {name}: {exc}")
            worst = max(worst, 2)
        except (psycopg2.Error, MigrationError, OSError, HttpError, StopIteration, ValueError) as exc:
            print(f"FAIL {name}: {type(exc).__name__}: {first_line(exc)}")
            worst = max(worst, 1)
    print("ready for the first scheduled run" if worst == 0 else "not ready: fix the FAIL lines above")
    return worst


if __name__ == "__main__":
    sys.exit(main())
