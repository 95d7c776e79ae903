"""Alerts: when the health check's worst row is warn or fail, tell people through a webhook and/or e-mail.

Data flow: [CheckRow] (scripts/health_check, the daily runner) -> send_alerts(rows, settings)
           -> message.Alert -> webhook.post_webhook (Teams or Slack) + smtp.send_email (SMTP).
Run standalone: python -c "from lake.alerts import send_alerts; from lake.settings import get_settings; \
from lake.health import CheckRow; print(send_alerts([CheckRow('demo', None, None, None, 'warn', 'x', None, 'y')], get_settings()))"

Decisions a reader would otherwise question:
- Alerting is best effort and never fails the caller: each channel is tried once (no retries; the next
  run alerts again), a failing channel becomes a 'failed: reason' line and a warning in the log.
- A channel is on when its key setting is set (ALERT_WEBHOOK_URL; SMTP_HOST or ALERT_EMAIL_TO). A
  half-configured e-mail channel is reported as failed, naming what is missing, rather than skipped.
- No secret reaches a log line or a returned line: reasons are built from status codes and exception
  class names, never from exception text (requests quotes the URL, whose path is the webhook's token),
  and pass through a scrub of every configured secret as well.
"""
from __future__ import annotations

import logging

from lake.alerts.message import Alert
from lake.alerts.smtp import send_email
from lake.alerts.webhook import post_webhook
from lake.health import CheckRow, worst
from lake.settings import Settings

__all__ = ["send_alerts"]

log = logging.getLogger(__name__)


def send_alerts(rows: list[CheckRow], settings: Settings, *, title: str | None = None) -> list[str]:
    """Alert every configured channel when the worst row is warn or fail; returns one line per channel
    ('webhook (teams): sent', 'email: failed: SMTPAuthenticationError 535'); [] when nothing was due."""
    status = worst(rows)
    if status == "ok":
        return []
    channels = []
    if settings.alert_webhook_url:
        channels.append(("webhook", post_webhook))
    if settings.smtp_host or settings.alert_email_to:
        channels.append(("email", send_email))
    if not channels:
        log.info("alerts: worst status %s, no alert channel configured", status)
        return []
    alert = Alert(rows, title or "health check")
    results = []
    for name, send in channels:
        try:
            line = send(alert, settings)
        except Exception as exc:  # noqa: BLE001  a bug in one channel must cost neither the other nor the run
            line = f"{name}: failed: {type(exc).__name__}"
        line = scrub(line, settings)
        if ": failed: " in line:
            log.warning("alerts: %s (%s, %d failing, %d warning)", line, alert.status, alert.n_fail, alert.n_warn)
        else:
            log.info("alerts: %s (%s, %d failing, %d warning)", line, alert.status, alert.n_fail, alert.n_warn)
        results.append(line)
    return results


def scrub(text: str, settings: Settings) -> str:
    """Remove every configured secret from text, longest first."""
    for secret in sorted(settings.secrets(), key=len, reverse=True):
        text = text.replace(secret, "***")
    return text
