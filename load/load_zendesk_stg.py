"""Load Zendesk bronze runs into stg_zendesk.{entity}_raw (JSONB, lineage, exactly once per bronze part).

Data flow: bronze/zendesk/scope=*/entity=*/.../part-N.jsonl.gz -> load.engine -> stg_zendesk.{entity}_raw
Run standalone: python -m load.load_zendesk_stg [--scope S] [--entity tickets]... [--rebuild]

Everything but the entity table is generic (load/engine.py, load/cli.py); tables: sql/11_stg_zendesk/.
A ticket's stg version (source_updated_at) is its generated_timestamp (epoch seconds), which moves on
system updates too; the time-based organizations export repeats boundary records, which the loader
stores once (a line equal to the newest stored version of its record is a duplicate, not a version).
"""
from __future__ import annotations

import sys

from lake.sources.zendesk import ENTITIES, SOURCE
from load.cli import run_loader


def main(argv: list[str] | None = None) -> int:
    return run_loader("load_zendesk_stg", SOURCE, ENTITIES, argv)


if __name__ == "__main__":
    sys.exit(main())
