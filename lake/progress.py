"""Progress of long work: rows so far, rate and time left, without flooding scheduled logs.

Data flow: a stage's loop -> Progress.add(n) -> a log line at most every `every` seconds (scheduled runs,
           logs/) or a live line redrawn on an interactive terminal; heartbeat() for one long statement.
Run standalone: python -c "from lake.progress import Progress; p = Progress('demo', 10, every=0); p.add(5); p.close()"

A first back-fill runs for many minutes (1M Zendesk tickets take over an hour at the export limit), and
a stage that says nothing until an entity ends looks hung. On a terminal (stderr is a tty) the line is
redrawn in place instead, so an operator watching sees it move and the log file gets nothing extra.
"""
from __future__ import annotations

import contextlib
import logging
import sys
import threading
import time
from typing import Callable, Iterator, TextIO

log = logging.getLogger(__name__)
EVERY_S = 30.0       # at most one log line this often
REDRAW_S = 0.5       # live line redraw interval on a terminal


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    if seconds < 60:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    return f"{minutes}m{seconds:02d}s" if minutes < 60 else f"{minutes // 60}h{minutes % 60:02d}m"


class Progress:
    def __init__(self, what: str, total: int | None = None, *, unit: str = "rows", every: float = EVERY_S,
                 live: bool | None = None, clock: Callable[[], float] = time.monotonic, out: TextIO | None = None):
        self.what, self.total, self.unit, self.every, self.clock = what, total, unit, every, clock
        self.out = out or sys.stderr
        self.live = self.out.isatty() if live is None else live
        self.count = 0
        self.started = self._shown = clock()
        self._width = 0

    def line(self) -> str:
        elapsed = max(self.clock() - self.started, 1e-9)
        rate = self.count / elapsed
        text = f"{self.what}: {self.count:,}"
        if self.total:
            text += f" of {self.total:,} {self.unit} ({100 * self.count / self.total:.0f} %)"
        else:
            text += f" {self.unit}"
        text += f", {rate:,.0f}/s, {_duration(elapsed)}"
        if self.total and rate > 0 and self.count < self.total:
            text += f", ~{_duration((self.total - self.count) / rate)} left"
        return text

    def add(self, n: int) -> None:
        self.count += n
        now = self.clock()
        if now - self._shown >= (REDRAW_S if self.live else self.every):
            self._shown = now
            self._show()

    def _show(self, text: str | None = None) -> None:
        text = text or self.line()
        if self.live:
            self.out.write("\r" + text.ljust(self._width))
            self.out.flush()
            self._width = len(text)
        else:
            log.info("%s", text)

    def close(self) -> None:
        """Clear the live line (the stage logs its own summary line next)."""
        if self.live and self._width:
            self.out.write("\r" + " " * self._width + "\r")
            self.out.flush()
            self._width = 0


@contextlib.contextmanager
def heartbeat(what: str, *, every: float = EVERY_S, live: bool | None = None,
              out: TextIO | None = None) -> Iterator[None]:
    """For one long statement whose progress cannot be counted (a set-based INSERT): say every `every`
    seconds that it is still running and for how long."""
    progress = Progress(what, unit="", every=every, live=live, out=out)
    stop = threading.Event()

    def beat():
        while not stop.wait(REDRAW_S if progress.live else every):
            progress._show(f"{what}: still running, {_duration(progress.clock() - progress.started)}")

    thread = threading.Thread(target=beat, name="heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
        progress.close()
