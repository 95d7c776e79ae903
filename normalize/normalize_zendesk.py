"""Normalize Zendesk: stg_zendesk JSONB -> typed core.zd_* star schema (DESIGN.md §5, §10).

Data flow: stg_zendesk.{entity}_raw -> normalize/engine.py + normalize/zendesk/{core_table}.sql
           -> core.zd_* (+ core.dim_date, meta.normalize_state, meta.rejected_rows, meta.pipeline_runs)
Run standalone: python -m normalize.normalize_zendesk [--entity tickets]... [--full]

Only what is Zendesk's lives here: the entity order and how four tables are written.
- Order: the ticket field catalog first (ticket values render option names against it), then ticket
  forms, groups, organizations, users, and tickets last (dimensions before the fact that points at them).
- A ticket's version is its generated_timestamp (stg source_updated_at, lake/sources/zendesk.py), so a
  system update that leaves updated_at alone still replaces the stored row.
- core.zd_ticket_fields keeps the first title it saw (title, insert-only) and, when a catalog row changes,
  re-renders that field's stored ticket values (zd_ticket_fields_resolve.sql).
- core.zd_ticket_tags and core.zd_ticket_custom_field_values are written by their own scripts after
  core.zd_tickets: each winning ticket's tag set and values are replaced by those of its newest version.
Everything else is generic: normalize/engine.py (the work), normalize/cli.py (the entry point).
"""
from __future__ import annotations

import sys

from lake.entities import select
from lake.sources.zendesk import ENTITIES, SOURCE
from normalize.cli import run_normalizer
from normalize.engine import CoreTable, EntityResult, normalize_source

ORDER = ("ticket_fields", "ticket_forms", "groups", "organizations", "users", "tickets")
TABLES = {
    "zd_ticket_fields": CoreTable("zd_ticket_fields", keep_first=("title",), then="zd_ticket_fields_resolve"),
    "zd_ticket_tags": CoreTable("zd_ticket_tags", script=True),
    "zd_ticket_custom_field_values": CoreTable("zd_ticket_custom_field_values", script=True),
}


def ordered(names: list[str] | None = None):
    """The selected entities (all when none) in normalize order; unknown names raise ValueError."""
    chosen = select(ENTITIES, names)
    return sorted(chosen, key=lambda e: ORDER.index(e.name) if e.name in ORDER else len(ORDER))


def normalize(conn, names: list[str] | None = None, *, full: bool = False,
              batch_id: str | None = None) -> list[EntityResult]:
    """Normalize the named Zendesk entities (all when none); the function an orchestrator calls."""
    return normalize_source(conn, SOURCE, ordered(names), full=full, tables=TABLES, batch_id=batch_id)


def main(argv: list[str] | None = None) -> int:
    return run_normalizer("normalize_zendesk", SOURCE, ordered, TABLES, argv)


if __name__ == "__main__":
    sys.exit(main())
