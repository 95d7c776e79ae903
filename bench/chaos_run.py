"""One daily pipeline child for `python -m bench.chaos`: started, watched line by line, killed or injected into.

Data flow: PipelineRun(env) -> [setpriv ...] python -m scripts.daily_pipeline (stdout+stderr on a pipe)
           -> a reader thread: (seconds since start, line) in `lines` and in a log file -> stage() says what
           the run is doing now (from the runner's "<source> <stage>: starting" / "exit" lines),
           timeline() how long each part took; kill() is SIGKILL; the injections act on the run's database,
           lake or process limits while it runs.
Run standalone: imported by bench/chaos.py.

Why the child runs without root's permission override: the bench may run as root, and root writes into a
folder whatever its mode. A real pipeline runs under a service account, for which a read-only lake is
read-only. `setpriv` drops CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH from the child (it stays uid 0 and owns
every file it made, so nothing else changes); without setpriv a root bench cannot make the lake read-only
and says so.
"""
from __future__ import annotations

import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import psycopg2

REPO = Path(__file__).resolve().parents[1]
STAGE_LINE = re.compile(r"scripts\.daily_pipeline (\w+) (extract|sweep|load|normalize): (starting|exit (\d+))")
FINISHED = "daily pipeline finished"
DROP_CAPS = "-dac_override,-dac_read_search"


def launcher() -> list[str] | None:
    """The command prefix that makes permissions bind the child; None when a root bench cannot do that."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    return [setpriv, f"--inh-caps={DROP_CAPS}", f"--bounding-set={DROP_CAPS}"] if setpriv else None


class PipelineRun:
    """python -m scripts.daily_pipeline in `env`, its output kept with the time each line arrived."""

    def __init__(self, env: dict, log_path: Path):
        prefix = launcher() or []
        self.started = time.monotonic()
        self.lines: list[tuple[float, str]] = []
        self.proc = subprocess.Popen([*prefix, sys.executable, "-m", "scripts.daily_pipeline"], cwd=REPO, env=env,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace")
        self._reader = threading.Thread(target=self._read, args=(log_path,), daemon=True)
        self._reader.start()

    def _read(self, log_path: Path) -> None:
        # A pipe, not a file: a "full disk" injection (RLIMIT_FSIZE) must not also blind the watcher.
        with open(log_path, "a", encoding="utf-8") as log:
            for line in self.proc.stdout:
                self.lines.append((time.monotonic() - self.started, line.rstrip("\n")))
                log.write(line)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc.poll() is None

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def wait(self, timeout: float) -> int | None:
        """The exit code, after the output is read to its end; None (and the child killed) on a timeout."""
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            return None
        self._reader.join(10)
        return code

    def kill(self) -> None:
        if self.alive():
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(30)
        self._reader.join(10)

    # -- where the run is --------------------------------------------------------------------------
    def events(self) -> list[tuple[float, str, str]]:
        """(seconds, label, 'start' | 'end') for each stage, and (seconds, 'health', 'start') once the stages
        are done; labels are '<source> <stage>'."""
        found = []
        for t, line in list(self.lines):
            m = STAGE_LINE.search(line)
            if m:
                found.append((t, f"{m[1]} {m[2]}", "start" if m[3] == "starting" else "end"))
            elif FINISHED in line:
                found.append((t, "health", "start"))
        return found

    def stage(self) -> str:
        """What the run is doing now: 'startup' (migrations, lock, abandoned rows), '<source> <stage>',
        'after <source> <stage>' (between two stages), 'health' (the closing health check and alerts)."""
        events = self.events()
        if not events:
            return "startup"
        _, label, kind = events[-1]
        return label if kind == "start" else f"after {label}"

    def seen(self, label: str) -> bool:
        return any(lab == label and kind == "start" for _, lab, kind in self.events())

    def timeline(self) -> dict[str, tuple[float, float]]:
        """{label: (start, seconds)} of a finished run: startup, each stage, health."""
        events, end = self.events(), self.elapsed()
        starts = [(t, lab) for t, lab, kind in events if kind == "start"]
        spans = {"startup": (0.0, starts[0][0] if starts else end)}
        for t, label in starts:
            stop = next((u for u, lab, kind in events if lab == label and kind == "end" and u >= t), None)
            spans[label] = (t, (stop if stop is not None else end) - t)
        if "health" in spans:
            spans["health"] = (spans["health"][0], end - spans["health"][0])
        return spans

    def tail(self, n: int = 5) -> str:
        return " | ".join(line for _, line in self.lines[-n:])


# -- injections: each returns a short description, and an undo for those that need one ----------------

def terminate_backends(db_url: str) -> str:
    """Stands in for a database restart: every session of the run's database is cut, as a restart would
    (`pg_ctlcluster restart` is not an option on a server other work shares)."""
    conn = psycopg2.connect(db_url)
    try:
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("select count(pg_terminate_backend(pid)) from pg_stat_activity "
                        "where datname = current_database() and pid <> pg_backend_pid()")
            return f"terminated {cur.fetchone()[0]} sessions"
    finally:
        conn.close()


def make_read_only(lake: Path):
    """chmod a-w on every folder of the lake (files are written through a temp file and a rename, so a
    folder without write permission refuses them). Returns the undo."""
    modes = {}
    for folder, _, _ in os.walk(lake):
        path = Path(folder)
        modes[path] = path.stat().st_mode & 0o7777
        path.chmod(modes[path] & ~0o222)

    def undo() -> None:
        for path, mode in modes.items():
            path.chmod(mode)
    return f"lake read-only ({len(modes)} folders)", undo


def make_full(pid: int):
    """Stands in for a full lake volume: RLIMIT_FSIZE 0 on the running child, so every write that would
    grow a file fails with EFBIG as it would with ENOSPC (the temp part, the lake object and the log file
    alike; they share one disk here). A tiny quota would need a mount. Returns the undo."""
    before = resource.prlimit(pid, resource.RLIMIT_FSIZE)
    resource.prlimit(pid, resource.RLIMIT_FSIZE, (0, before[1]))

    def undo() -> None:
        try:
            resource.prlimit(pid, resource.RLIMIT_FSIZE, before)
        except ProcessLookupError:
            pass  # already gone: nothing to give back
    return "lake full (RLIMIT_FSIZE=0)", undo


def wait_sessions_gone(db_url: str, timeout: float = 60.0) -> float:
    """Seconds until no other session is left in the database (a killed client's backend may still be
    finishing a statement, holding the daily lock); the scheduler's next run would come hours later."""
    started = time.monotonic()
    while True:
        conn = psycopg2.connect(db_url)
        try:
            with conn.cursor() as cur:
                cur.execute("select count(*) from pg_stat_activity where datname = current_database() "
                            "and pid <> pg_backend_pid()")
                left = cur.fetchone()[0]
        finally:
            conn.close()
        waited = time.monotonic() - started
        if left == 0 or waited > timeout:
            return waited
        time.sleep(0.2)
