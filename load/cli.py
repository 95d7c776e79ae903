"""The entry point every stg loader shares (DESIGN.md §10), so each source's module stays a few lines.

Data flow: argv -> parse_args -> Settings -> lake.db.connect(migrate=True) + lake.store.open_store
           -> load.engine.load_source -> exit code.
Run standalone: used by load/load_<source>_stg.py (python -m load.load_pipedrive_stg --help).

Exit codes: 0 every entity loaded; 1 a run failed (a part not matching its manifest, a database
error, the database connection lost: one line, no traceback); 2 bad usage or configuration (unknown
entity, missing settings, a --rebuild that cannot read its bronze).
A part that can never load is quarantined with python -m load.quarantine (then skipped, exit 0).
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
from lake.store import open_store
from load.copy_in import ConnectionLost
from load.engine import RebuildRefused, load_source

log = logging.getLogger(__name__)


def parse_args(prog: str, argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog=prog, description="Load complete bronze runs into the stg JSONB tables.")
    parser.add_argument("--scope", action="append", help="tenant scope to load (repeatable; default: every scope in bronze)")
    parser.add_argument("--entity", action="append", help="entity to load (repeatable; default: all)")
    parser.add_argument("--rebuild", action="store_true",
                        help="empty the selected stg tables and reload every complete bronze run (no API calls)")
    return parser.parse_args(argv)


def _refuse_unknown_scopes(store, source: str, scopes: list[str]) -> None:
    """A --scope with nothing in bronze is a typo far more often than a new account: say so (exit 2)."""
    for scope in scopes:
        if next(iter(store.list(f"bronze/{source}/scope={scope}/")), None) is None:
            raise SettingsError(f"no bronze for {source} scope {scope!r} under bronze/{source}/ (check --scope, "
                                "LAKE_ROOT / LAKE_BACKEND, or run the extractor first)")


def run_loader(name: str, source: str, entities: Sequence[Entity], argv: list[str] | None) -> int:
    """The whole main() of a loader: parse, configure, connect (applying migrations), load, exit code."""
    try:
        args = parse_args(f"python -m load.{name}", argv)
    except SystemExit as exc:  # argparse: --help is 0, bad usage 2
        return exc.code if isinstance(exc.code, int) else 2
    try:
        chosen = select(tuple(entities), args.entity)
        settings = get_settings()
        setup_logging(name, settings)
        store = open_store(settings)
        _refuse_unknown_scopes(store, source, args.scope or [])
        conn = connect(settings, migrate=True, application_name=name)
    except (SettingsError, ValueError) as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    except (psycopg2.Error, MigrationError) as exc:
        log.error("%s: cannot prepare the database: %s", name, first_line(exc))
        return 1
    try:
        results = []
        for scope in args.scope or [None]:
            results += load_source(conn, store, source, chosen, scope=scope, rebuild=args.rebuild)
    except RebuildRefused as exc:
        print(f"rebuild refused, nothing changed: {exc}", file=sys.stderr)
        return 2
    except ConnectionLost as exc:
        log.error("%s failed: %s", name, exc)
        return 1
    except Exception as exc:
        if conn.closed:  # the session died between parts (lock, rebuild proof): no traceback, it says nothing more
            log.error("%s failed: the database connection was lost (%s); nothing uncommitted was kept, rerun the "
                      "load", name, first_line(exc))
            return 1
        # store unreachable mid-way, or a bug: logged with its traceback, exit 1
        log.exception("%s: stopped by an error; rerunning resumes where it stopped", name)
        return 1
    finally:
        conn.close()
    failed = [r for r in results if r.status != "success"]
    for r in failed:
        log.error("%s.%s scope=%s failed: %s", r.source, r.entity, r.scope, r.error)
    return 1 if failed else 0
