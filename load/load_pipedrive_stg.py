"""Load Pipedrive bronze runs into stg_pipedrive.{entity}_raw (JSONB, lineage, exactly once per bronze part).

Data flow: bronze/pipedrive/scope=*/entity=*/.../part-N.jsonl.gz -> load.engine -> stg_pipedrive.{entity}_raw
Run standalone: python -m load.load_pipedrive_stg [--scope S] [--entity deals]... [--rebuild]

Everything but the entity table is generic (load/engine.py, load/cli.py); tables: sql/10_stg_pipedrive/.
"""
from __future__ import annotations

import sys

from lake.sources.pipedrive import ENTITIES, SOURCE
from load.cli import run_loader


def main(argv: list[str] | None = None) -> int:
    return run_loader("load_pipedrive_stg", SOURCE, ENTITIES, argv)


if __name__ == "__main__":
    sys.exit(main())
