"""Command line: serve a Pipedrive simulator on loopback until killed.

Data flow: argv -> PipedriveSimulator(...) -> prints the base URL on stdout -> serves until SIGINT/SIGTERM.
Run standalone: python -m sandbox.pipedrive --port 8765 --seed 1 --token demo-token --deals 2000

The token is never printed (set it with --token; the default is sandbox.pipedrive.DEFAULT_TOKEN).
Drive time and faults from another process through the /_sim/ control endpoints (see control.py).
"""
from __future__ import annotations

import argparse
import logging
import signal
import sys

from sandbox.pipedrive.generate import DEFAULT_COUNTS, DEFAULT_START
from sandbox.pipedrive.simulator import DEFAULT_TOKEN, PipedriveSimulator


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m sandbox.pipedrive", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 = any free port (printed)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--token", default=DEFAULT_TOKEN)
    parser.add_argument("--burst-limit", type=int, default=20, help="requests per rolling 2 s per token")
    parser.add_argument("--daily-budget", type=int, default=None, help="daily token budget (v2 list 10, v1 list 20)")
    parser.add_argument("--start", default=DEFAULT_START, help="sim clock start, RFC3339 whole seconds")
    for name, default in DEFAULT_COUNTS.items():
        parser.add_argument(f"--{name}", type=int, default=default, help=f"initial count (default {default})")
    return parser.parse_args(argv)


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def _announce(sim: PipedriveSimulator) -> None:
    print(sim.base_url, flush=True)  # first stdout line: what a parent process reads
    logging.getLogger("sandbox.pipedrive").info("pipedrive simulator seed=%s now=%s counts=%s",
                                                sim.seed, sim.now_iso, sim.state()["counts"])


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    try:
        sim = PipedriveSimulator(seed=args.seed, token=args.token, host=args.host, port=args.port,
                                 burst_limit=args.burst_limit, daily_budget=args.daily_budget, start=args.start,
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
