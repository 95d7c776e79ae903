"""Command line: serve a Pipedrive simulator on loopback until killed.

Data flow: argv -> PipedriveSimulator(...) -> prints the base URL on stdout -> serves until SIGINT/SIGTERM
(the serve loop and the shared flags --host/--port/--seed/--start/--<count>: sandbox.common.cli).
Run standalone: python -m sandbox.pipedrive --port 8765 --seed 1 --token demo-token --deals 2000

The token is never printed (set it with --token; the default is sandbox.pipedrive.DEFAULT_TOKEN).
Drive time and faults from another process through the /_sim/ control endpoints (see control.py).
"""
from __future__ import annotations

import argparse
import functools
import sys

from sandbox.common import cli
from sandbox.pipedrive.generate import DEFAULT_COUNTS, DEFAULT_START
from sandbox.pipedrive.simulator import DEFAULT_TOKEN, PipedriveSimulator


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = cli.parser("python -m sandbox.pipedrive", __doc__)
    parser.add_argument("--token", default=DEFAULT_TOKEN)
    parser.add_argument("--burst-limit", type=int, default=20, help="requests per rolling 2 s per token")
    parser.add_argument("--daily-budget", type=int, default=None, help="daily token budget (v2 list 10, v1 list 20)")
    cli.add_start_and_counts(parser, DEFAULT_START, "sim clock start, RFC3339 whole seconds", DEFAULT_COUNTS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    build = functools.partial(PipedriveSimulator, seed=args.seed, token=args.token, host=args.host, port=args.port,
                              burst_limit=args.burst_limit, daily_budget=args.daily_budget, start=args.start,
                              **{name: getattr(args, name) for name in DEFAULT_COUNTS})
    return cli.serve(build, "pipedrive")


if __name__ == "__main__":
    sys.exit(main())
