"""Normalize Pipedrive: stg_pipedrive JSONB -> typed core.pd_* star schema (DESIGN.md §5, §10).

Data flow: stg_pipedrive.{entity}_raw -> normalize/engine.py + normalize/pipedrive/{core_table}.sql
           -> core.pd_* (+ core.dim_date, meta.normalize_state, meta.rejected_rows, meta.pipeline_runs)
Run standalone: python -m normalize.normalize_pipedrive [--entity deals]... [--full]

Only what is Pipedrive's lives here: the entity order and how three tables are written.
- Order: field catalogs first (values resolve labels against them), then users, pipelines, stages,
  organizations, persons, deals, activities (dimensions before the facts that point at them).
- core.pd_custom_fields keeps the first name it saw (field_name, insert-only) and, when a catalog row
  changes, re-resolves the labels of that field's stored values (pd_custom_fields_resolve.sql).
- core.pd_custom_field_values is written by its own script after deals/persons/organizations: each
  record's values are replaced by those of its newest version.
Exit codes: 0 every entity normalized; 1 an entity failed (or the database is unreachable); 2 bad usage
or configuration.
"""
from __future__ import annotations

import argparse
import logging
import sys

import psycopg2

from lake.db import connect
from lake.entities import select
from lake.logs import setup_logging
from lake.migrate import MigrationError
from lake.settings import SettingsError, get_settings
from lake.sources.pipedrive import ENTITIES, SOURCE
from normalize.engine import CoreTable, EntityResult, normalize_source

log = logging.getLogger(__name__)

ORDER = ("deal_fields", "person_fields", "organization_fields", "activity_fields", "users", "pipelines", "stages",
         "organizations", "persons", "deals", "activities")
TABLES = {
    "pd_custom_fields": CoreTable("pd_custom_fields", keep_first=("field_name",), then="pd_custom_fields_resolve"),
    "pd_custom_field_values": CoreTable("pd_custom_field_values", script=True),
}


def ordered(names: list[str] | None = None):
    """The selected entities (all when none) in normalize order; unknown names raise ValueError."""
    chosen = select(ENTITIES, names)
    return sorted(chosen, key=lambda e: ORDER.index(e.name) if e.name in ORDER else len(ORDER))


def normalize(conn, names: list[str] | None = None, *, full: bool = False,
              batch_id: str | None = None) -> list[EntityResult]:
    """Normalize the named Pipedrive entities (all when none); the function an orchestrator calls."""
    return normalize_source(conn, SOURCE, ordered(names), full=full, tables=TABLES, batch_id=batch_id)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m normalize.normalize_pipedrive",
                                     description="Cast the stg_pipedrive JSONB rows into the typed core.pd_* tables.")
    parser.add_argument("--entity", action="append", help="entity to normalize (repeatable; default: all)")
    parser.add_argument("--full", action="store_true",
                        help="read every stg row again, not only those loaded since the last normalize")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    try:
        args = parse_args(argv)
    except SystemExit as exc:  # argparse: --help is 0, bad usage 2
        return exc.code if isinstance(exc.code, int) else 2
    try:
        entities = ordered(args.entity)
        settings = get_settings()
        setup_logging("normalize_pipedrive", settings)
        conn = connect(settings, migrate=True, application_name="normalize_pipedrive")
    except (SettingsError, ValueError) as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    except (psycopg2.Error, MigrationError) as exc:
        log.error("normalize_pipedrive: cannot prepare the database: %s", exc)
        return 1
    try:
        results = normalize_source(conn, SOURCE, entities, full=args.full, tables=TABLES)
    except psycopg2.Error as exc:
        log.exception("normalize_pipedrive: database error, stopped: %s", exc)
        return 1
    finally:
        conn.close()
    failed = [r for r in results if r.status != "success"]
    for r in failed:
        log.error("%s.%s failed: %s", r.source, r.entity, r.error)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
