"""Normalize Pipedrive: stg_pipedrive JSONB -> typed core.pd_* star schema (DESIGN.md §5, §10).

Data flow: stg_pipedrive.{entity}_raw -> normalize/engine.py + normalize/pipedrive/{core_table}.sql
           -> core.pd_* (+ core.dim_date, meta.normalize_state, meta.rejected_rows, meta.pipeline_runs)
Run standalone: python -m normalize.normalize_pipedrive [--entity deals]... [--full]

What is Pipedrive's is data: the entity table (lake/sources/pipedrive.py: order, how each core table is
written) and one SQL file per core table (normalize/pipedrive/). Everything else is generic:
normalize/engine.py (the work), normalize/cli.py (the entry point).
"""
from __future__ import annotations

import sys

from lake.entities import select
from lake.sources.pipedrive import ENTITIES, SOURCE
from normalize.cli import run_normalizer
from normalize.engine import EntityResult, normalize_source


def normalize(conn, names: list[str] | None = None, *, full: bool = False,
              batch_id: str | None = None) -> list[EntityResult]:
    """Normalize the named Pipedrive entities (all when none); the function an orchestrator calls."""
    return normalize_source(conn, SOURCE, select(ENTITIES, names), full=full, batch_id=batch_id)


def main(argv: list[str] | None = None) -> int:
    return run_normalizer("normalize_pipedrive", SOURCE, ENTITIES, argv)


if __name__ == "__main__":
    sys.exit(main())
