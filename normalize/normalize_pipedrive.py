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
Everything else is generic: normalize/engine.py (the work), normalize/cli.py (the entry point).
"""
from __future__ import annotations

import sys

from lake.entities import select
from lake.sources.pipedrive import ENTITIES, SOURCE
from normalize.cli import run_normalizer
from normalize.engine import CoreTable, EntityResult, normalize_source

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


def main(argv: list[str] | None = None) -> int:
    return run_normalizer("normalize_pipedrive", SOURCE, ordered, TABLES, argv)


if __name__ == "__main__":
    sys.exit(main())
