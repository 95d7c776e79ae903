"""The entry point every normalizer shares (DESIGN.md §10), so each source's module holds only its own facts.

Data flow: argv -> parse_args -> Settings -> lake.db.connect(migrate=True) -> normalize.engine.normalize_source
           -> exit code.
Run standalone: used by normalize/normalize_<source>.py (python -m normalize.normalize_pipedrive --help).

Exit codes: 0 every entity normalized; 1 an entity failed (or the database is unreachable); 2 bad usage
or configuration (unknown entity, missing settings).
"""
from __future__ import annotations

import argparse
import logging
import sys
from typing import Sequence

import psycopg2

from lake.db import connect
from lake.entities import Entity, select
from lake.logs import first_line, setup_logging
from lake.migrate import MigrationError
from lake.settings import SettingsError, get_settings
from normalize.engine import normalize_source

log = logging.getLogger(__name__)


def parse_args(prog: str, source: str, argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog=prog, description=f"Cast the stg_{source} JSONB rows into the typed core tables.")
    parser.add_argument("--entity", action="append", help="entity to normalize (repeatable; default: all)")
    parser.add_argument("--full", action="store_true",
                        help="read every stg row again, not only those loaded since the last normalize")
    return parser.parse_args(argv)


def run_normalizer(name: str, source: str, entities: Sequence[Entity], argv: list[str] | None) -> int:
    """The whole main() of a normalizer: parse, configure, connect (applying migrations), normalize, exit code.
    entities: the source's entity table, in normalize order."""
    try:
        args = parse_args(f"python -m normalize.{name}", source, argv)
    except SystemExit as exc:  # argparse: --help is 0, bad usage 2
        return exc.code if isinstance(exc.code, int) else 2
    try:
        chosen = select(tuple(entities), args.entity)
        settings = get_settings()
        setup_logging(name, settings)
        conn = connect(settings, migrate=True, application_name=name)
    except (SettingsError, ValueError) as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    except (psycopg2.Error, MigrationError) as exc:
        log.error("%s: cannot prepare the database: %s", name, first_line(exc))
        return 1
    try:
        results = normalize_source(conn, source, chosen, full=args.full)
    except psycopg2.Error as exc:  # the connection itself failed mid-way; entity errors are in results
        log.exception("%s: database error, stopped: %s", name, exc)
        return 1
    finally:
        conn.close()
    failed = [r for r in results if r.status != "success"]
    for r in failed:
        log.error("%s.%s failed: %s", r.source, r.entity, r.error)
    return 1 if failed else 0
