"""The health check's vocabulary: one CheckRow per thing checked, and how rows rank.

Data flow: lake/health checks (run_checks: lake/health/runner.py) -> [CheckRow] -> meta.health_checks
           -> scripts/health_check.py (table/json, exit code) -> lake/alerts (webhook, e-mail) when the worst
           row is warn or fail. Operating it: lake/health/README.md.
Run standalone: python -c "from lake.health import CheckRow, worst; print(worst([]))"
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

STATUSES = ("ok", "warn", "fail")   # in rising order of badness; exit codes 0, 1, 2


@dataclass(frozen=True)
class CheckRow:
    check: str                 # e.g. did_it_run, stuck_runs, freshness, volume, duplicates, rejected_rows, ...
    source: str | None         # pipedrive | zendesk | None (not about one source)
    scope: str | None
    entity: str | None
    status: str                # ok | warn | fail
    measured: str              # what was found, readable ("26.5 h since the last success")
    threshold: str | None      # the limit it was held against ("24 h"), None when there is none
    hint: str                  # one line: what to do about it ("" when ok)

    def __post_init__(self):
        if self.status not in STATUSES:
            raise ValueError(f"status {self.status!r} is not one of {STATUSES}")

    def as_dict(self) -> dict:
        return asdict(self)


def worst(rows: list[CheckRow]) -> str:
    """The worst status among rows ('ok' for none)."""
    return max((r.status for r in rows), key=STATUSES.index, default="ok")


def exit_code(rows: list[CheckRow]) -> int:
    """0 all ok, 1 the worst is warn, 2 the worst is fail (the health check's own contract)."""
    return STATUSES.index(worst(rows))


def run_checks(conn, store, settings, *, source=None, scope=None, now=None, **options) -> list[CheckRow]:
    """Run every check (lake/health/runner.py) and record the rows in meta.health_checks; the daily runner
    calls this at its end. Options: record=False (do not write the result), accept_counts=True."""
    from lake.health.runner import run_checks as run  # lazy: the checks import this module
    return run(conn, store, settings, source=source, scope=scope, now=now, **options)
