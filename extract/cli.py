"""The entry point every extractor shares (DESIGN.md §10), so each source's main() is one line.

Data flow: argv -> parse_args -> Settings -> extract.engine.extract_source(Source) -> exit code.
Run standalone: used by extract/<source>_bronze.py (python -m extract.zendesk_bronze --help).

Exit codes: 0 every entity extracted (or skipped as not on the account's plan); 1 an entity failed or
stopped part-way (what it wrote is committed); 2 bad usage or configuration (unknown entity or scope
setting missing, a --since that is not a time, --sweep-deletions for an entity that cannot be swept).
--sweep-deletions (any source whose entity table declares a Sweep; extract/sweep.py) is passed through
main(argv) like every other flag, so the daily runner can add it on the days sweep_due() says so.
"""
from __future__ import annotations

import argparse
import logging
import sys

from extract.engine import EntityResult, Source, extract_source, parse_ts
from lake.logs import setup_logging
from lake.settings import SettingsError, get_settings

log = logging.getLogger(__name__)


def parse_args(prog: str, argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog=prog, description="Extract raw records into the bronze layer.")
    parser.add_argument("--scope", action="append", help="tenant scope to extract (repeatable; default: all configured)")
    parser.add_argument("--entity", action="append", help="entity to extract (repeatable; default: all)")
    parser.add_argument("--since", help="ISO8601 start of the window, overriding the watermark (backfill)")
    parser.add_argument("--full-refresh", action="store_true", help="ignore watermarks and read everything")
    parser.add_argument("--sweep-deletions", action="store_true",
                        help="list every current record of the entities whose API forgets deletions, so that "
                             "load and normalize flag what is gone (the watermark does not move)")
    args = parser.parse_args(argv)
    if args.sweep_deletions and (args.since or args.full_refresh):
        parser.error("--sweep-deletions lists everything there is now; it takes no --since or --full-refresh")
    if args.since:
        try:
            args.since = parse_ts(args.since).strftime("%Y-%m-%dT%H:%M:%SZ")
        except ValueError:
            parser.error(f"--since {args.since!r} is not an ISO8601 timestamp")
    return args


def run_extractor(name: str, source: Source, argv: list[str] | None,
                  results: list[EntityResult] | None = None) -> int:
    """The whole main() of an extractor. results: if given, receives each entity's outcome (the daily
    runner records them in meta.pipeline_runs; extract itself needs no database)."""
    try:
        args = parse_args(f"python -m extract.{name}", argv)
    except SystemExit as exc:  # argparse: --help is 0, bad usage 2
        return exc.code if isinstance(exc.code, int) else 2
    try:
        settings = get_settings()
        setup_logging(name, settings)
        outcome = extract_source(source, settings, scope_names=args.scope, entity_names=args.entity,
                                 since=args.since, full_refresh=args.full_refresh, sweep=args.sweep_deletions)
    except (SettingsError, ValueError) as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    if results is not None:
        results.extend(outcome)
    failed = [r for r in outcome if r.status not in ("success", "skipped")]
    for r in failed:
        log.error("%s.%s scope=%s %s: %s", r.source, r.entity, r.scope, r.status, r.error)
    return 1 if failed else 0
