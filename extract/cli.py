"""The flags every extractor shares (DESIGN.md §10), so each source's main() stays a few lines.

Data flow: argv -> parse_args -> (scopes, entities, since, full_refresh).
Run standalone: used by extract/<source>_bronze.py.
"""
from __future__ import annotations

import argparse

from extract.engine import parse_ts


def parse_args(prog: str, argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog=prog, description="Extract raw records into the bronze layer.")
    parser.add_argument("--scope", action="append", help="tenant scope to extract (repeatable; default: all configured)")
    parser.add_argument("--entity", action="append", help="entity to extract (repeatable; default: all)")
    parser.add_argument("--since", help="ISO8601 start of the window, overriding the watermark (backfill)")
    parser.add_argument("--full-refresh", action="store_true", help="ignore watermarks and read everything")
    args = parser.parse_args(argv)
    if args.since:
        try:
            args.since = parse_ts(args.since).strftime("%Y-%m-%dT%H:%M:%SZ")
        except ValueError:
            parser.error(f"--since {args.since!r} is not an ISO8601 timestamp")
    return args
