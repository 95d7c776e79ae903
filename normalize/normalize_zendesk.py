"""Normalize Zendesk: stg_zendesk JSONB -> typed core.zd_* star schema (DESIGN.md §5, §10).

Data flow: stg_zendesk.{entity}_raw -> normalize/engine.py + normalize/zendesk/{core_table}.sql
           -> core.zd_* (+ core.dim_date, meta.normalize_state, meta.rejected_rows, meta.pipeline_runs)
Run standalone: python -m normalize.normalize_zendesk [--entity tickets]... [--full]

What is Zendesk's is data: the entity table (lake/sources/zendesk.py: order, how each core table is
written) and one SQL file per core table (normalize/zendesk/). Everything else is generic:
normalize/engine.py (the work), normalize/cli.py (the entry point).
"""
from __future__ import annotations

import sys

from lake.entities import select
from lake.sources.zendesk import ENTITIES, SOURCE
from normalize.cli import run_normalizer
from normalize.engine import EntityResult, normalize_source


def normalize(conn, names: list[str] | None = None, *, full: bool = False,
              batch_id: str | None = None) -> list[EntityResult]:
    """Normalize the named Zendesk entities (all when none); the function an orchestrator calls."""
    return normalize_source(conn, SOURCE, select(ENTITIES, names), full=full, batch_id=batch_id)


def main(argv: list[str] | None = None) -> int:
    return run_normalizer("normalize_zendesk", SOURCE, ENTITIES, argv)


if __name__ == "__main__":
    sys.exit(main())
