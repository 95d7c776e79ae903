"""What every alert channel says: a subject line and the failing/warning rows, fails first, capped.

Data flow: [CheckRow] -> Alert(rows, title) -> .subject / .lines() -> lake/alerts/webhook.py, smtp.py.
Run standalone: python -c "from lake.alerts.message import Alert; from lake.health import CheckRow; \
print(Alert([CheckRow('freshness', 'pipedrive', 'default', 'deals', 'fail', '30 h', '24 h', 'rerun')], 'health check').text())"
"""
from __future__ import annotations

import socket

from lake.health import CheckRow, worst

MAX_ROWS = 20   # a message people read on a phone; the full table is in scripts.health_check


class Alert:
    def __init__(self, rows: list[CheckRow], title: str):
        bad = [r for r in rows if r.status == "fail"] + [r for r in rows if r.status == "warn"]
        self.n_fail = sum(r.status == "fail" for r in rows)
        self.n_warn = len(bad) - self.n_fail
        self.status = worst(rows).upper()
        self.title = title
        self.host = socket.gethostname()
        self.subject = (f"[datalake] {title}: {self.status} ({self.n_fail} failing, {self.n_warn} warning)"
                        f" on {self.host}")
        self.rows = bad[:MAX_ROWS]
        self.more = len(bad) - len(self.rows)

    def lines(self) -> list[str]:
        """One plain-text line per shown row, then '... and N more' when the list was capped."""
        return [row_line(r) for r in self.rows] + ([f"... and {self.more} more"] if self.more else [])

    def text(self) -> str:
        return "\n".join([self.subject, ""] + self.lines())


def where(row: CheckRow) -> str:
    """source/scope/entity without the missing parts ('-' when the row is about nothing in particular)."""
    return "/".join(p for p in (row.source, row.scope, row.entity) if p) or "-"


def row_line(row: CheckRow) -> str:
    """'FAIL freshness pipedrive/default/deals: 30 h since the last success (threshold 24 h) -> hint'."""
    limit = f" (threshold {row.threshold})" if row.threshold else ""
    hint = f" -> {row.hint}" if row.hint else ""
    return f"{row.status.upper()} {row.check} {where(row)}: {row.measured}{limit}{hint}"
