"""Command line: serve a Zendesk simulator on loopback until killed.

Data flow: argv -> ZendeskSimulator(...) -> prints the base URL on stdout -> serves until SIGINT/SIGTERM
(the serve loop and the shared flags --host/--port/--seed/--start/--<count>: sandbox.common.cli).
Run standalone: python -m sandbox.zendesk --port 8766 --seed 1 --email agent@example.com --token demo-token

Credentials are never printed (set them with --email/--token/--oauth-token; defaults are
sandbox.zendesk.DEFAULT_EMAIL / DEFAULT_TOKEN). Drive time and faults from another process through the
/_sim/ control endpoints (see control.py).
"""
from __future__ import annotations

import argparse
import functools
import sys

from sandbox.common import cli
from sandbox.zendesk.generate import DEFAULT_COUNTS, DEFAULT_START
from sandbox.zendesk.simulator import DEFAULT_EMAIL, DEFAULT_TOKEN, ZendeskSimulator


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = cli.parser("python -m sandbox.zendesk", __doc__)
    parser.add_argument("--email", default=DEFAULT_EMAIL)
    parser.add_argument("--token", default=DEFAULT_TOKEN)
    parser.add_argument("--oauth-token", default=None, help="also accept Authorization: Bearer <this>")
    parser.add_argument("--incremental-limit", type=int, default=10, help="incremental exports per window")
    parser.add_argument("--account-limit", type=int, default=700, help="requests per window, all endpoints")
    parser.add_argument("--window-seconds", type=float, default=60.0)
    parser.add_argument("--no-forms", action="store_true", help="plan without ticket forms: 403 there")
    cli.add_start_and_counts(parser, DEFAULT_START, "sim clock start, ISO 8601 whole seconds, Z", DEFAULT_COUNTS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    build = functools.partial(ZendeskSimulator, seed=args.seed, email=args.email, token=args.token,
                              oauth_token=args.oauth_token, incremental_limit=args.incremental_limit,
                              account_limit=args.account_limit, window_seconds=args.window_seconds,
                              forms_on_plan=not args.no_forms, start=args.start, host=args.host, port=args.port,
                              **{name: getattr(args, name) for name in DEFAULT_COUNTS})
    return cli.serve(build, "zendesk")


if __name__ == "__main__":
    sys.exit(main())
