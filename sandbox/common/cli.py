"""Command-line pieces both simulators share: the common flags and the serve-until-killed loop.

Data flow: sandbox.<api>.__main__: parser(prog, doc) + its own flags + add_start_and_counts() -> argv parsed ->
serve(build, name): build() the simulator -> print its base URL (first stdout line) -> serve until
SIGINT/SIGTERM -> exit code 0 (2 when build() refuses its arguments with ValueError).
Run standalone: python -m sandbox.pipedrive --port 8765   or   python -m sandbox.zendesk --port 8766

Flag order is help-text order: host, port and seed first, the API's own flags, then --start and the
initial counts. No credential is ever printed: only the base URL and counts are.
"""
from __future__ import annotations

import argparse
import logging
import signal
import sys
from typing import Callable


def parser(prog: str, doc: str) -> argparse.ArgumentParser:
    """A parser with --host, --port, --seed; the description is the first line of the module docstring."""
    parsed = argparse.ArgumentParser(prog=prog, description=doc.splitlines()[0])
    parsed.add_argument("--host", default="127.0.0.1")
    parsed.add_argument("--port", type=int, default=0, help="0 = any free port (printed)")
    parsed.add_argument("--seed", type=int, default=1)
    return parsed


def add_start_and_counts(parsed: argparse.ArgumentParser, start: str, start_help: str, counts: dict[str, int]) -> None:
    parsed.add_argument("--start", default=start, help=start_help)
    for name, default in counts.items():
        parsed.add_argument(f"--{name}", type=int, default=default, help=f"initial count (default {default})")


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def _announcer(name: str):
    def announce(sim) -> None:
        print(sim.base_url, flush=True)  # first stdout line: what a parent process reads
        logging.getLogger(f"sandbox.{name}").info("%s simulator seed=%s now=%s counts=%s",
                                                  name, sim.seed, sim.now_iso, sim.state()["counts"])
    return announce


def serve(build: Callable[[], object], name: str) -> int:
    """Build the simulator and serve it in this thread until killed; `name` is 'pipedrive' or 'zendesk'."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    try:
        sim = build()
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, _interrupt)  # `kill` stops as cleanly as Ctrl-C
    try:
        sim.serve_forever(on_ready=_announcer(name))
    except KeyboardInterrupt:
        pass
    return 0
