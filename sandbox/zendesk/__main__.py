"""Command line: serve a Zendesk simulator on loopback until killed.

Data flow: argv -> ZendeskSimulator(...) -> prints the base URL on stdout -> serves until SIGINT/SIGTERM.
Run standalone: python -m sandbox.zendesk --port 8766 --seed 1 --email agent@example.com --token demo-token

Credentials are never printed (set them with --email/--token/--oauth-token; defaults are
sandbox.zendesk.DEFAULT_EMAIL / DEFAULT_TOKEN). Drive time and faults from another process through the
/_sim/ control endpoints (see control.py).
"""
from __future__ import annotations

import argparse
import logging
import signal
import sys

from sandbox.zendesk.generate import DEFAULT_COUNTS, DEFAULT_START
from sandbox.zendesk.simulator import DEFAULT_EMAIL, DEFAULT_TOKEN, ZendeskSimulator


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m sandbox.zendesk", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 = any free port (printed)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--email", default=DEFAULT_EMAIL)
    parser.add_argument("--token", default=DEFAULT_TOKEN)
    parser.add_argument("--oauth-token", default=None, help="also accept Authorization: Bearer <this>")
    parser.add_argument("--incremental-limit", type=int, default=10, help="incremental exports per window")
    parser.add_argument("--account-limit", type=int, default=700, help="requests per window, all endpoints")
    parser.add_argument("--window-seconds", type=float, default=60.0)
    parser.add_argument("--no-forms", action="store_true", help="plan without ticket forms: 403 there")
    parser.add_argument("--start", default=DEFAULT_START, help="sim clock start, ISO 8601 whole seconds, Z")
    for name, default in DEFAULT_COUNTS.items():
        parser.add_argument(f"--{name}", type=int, default=default, help=f"initial count (default {default})")
    return parser.parse_args(argv)


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def _announce(sim: ZendeskSimulator) -> None:
    print(sim.base_url, flush=True)  # first stdout line: what a parent process reads
    logging.getLogger("sandbox.zendesk").info("zendesk simulator seed=%s now=%s counts=%s",
                                              sim.seed, sim.now_iso, sim.state()["counts"])


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    try:
        sim = ZendeskSimulator(seed=args.seed, email=args.email, token=args.token, oauth_token=args.oauth_token,
                               incremental_limit=args.incremental_limit, account_limit=args.account_limit,
                               window_seconds=args.window_seconds, forms_on_plan=not args.no_forms,
                               start=args.start, host=args.host, port=args.port,
                               **{name: getattr(args, name) for name in DEFAULT_COUNTS})
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, _interrupt)  # `kill` stops as cleanly as Ctrl-C
    try:
        sim.serve_forever(on_ready=_announce)
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
