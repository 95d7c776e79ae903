"""Post an alert to an incoming webhook: Microsoft Teams (Workflows) or Slack, one POST, no retries.

Data flow: Alert -> payload(alert, kind) -> requests.post(ALERT_WEBHOOK_URL) -> 'webhook (kind): sent' | 'failed: ...'.
Run standalone: python -c "from lake.alerts.webhook import payload; from lake.alerts.message import Alert; \
from lake.health import CheckRow; print(payload(Alert([CheckRow('c', None, None, None, 'fail', 'm', None, '')], 't'), 'slack'))"

Teams: an Adaptive Card wrapped in a message with one attachment, not the legacy MessageCard. Microsoft is
retiring Office 365 Connectors; the Workflows app's 'When a Teams webhook request is received' trigger
(the replacement URL, *.powerplatform.com / *.logic.azure.com) accepts Adaptive Cards only, and the old
connector webhooks accept this same shape too, so one payload serves both. Card version 1.4 (Teams renders
up to 1.5). Workflows answers 202 Accepted, connectors and Slack 200: any 2xx is sent.
Slack: {"text": ...} in mrkdwn (bold subject, one bullet per row, check names as code); &, <, > escaped
as Slack requires. ALERT_WEBHOOK_KIND unset: slack for a *.slack.com host, else teams.
Redirects are not followed (requests would turn the POST into a GET): a 3xx is a failure.
"""
from __future__ import annotations

from urllib.parse import urlsplit

import requests

from lake.alerts.message import Alert, row_line
from lake.settings import Settings

TIMEOUT_S = 10   # connect and read each; a dead webhook must not hold up the daily run


def post_webhook(alert: Alert, settings: Settings) -> str:
    """One POST; returns 'webhook (teams): sent (HTTP 202)' or 'webhook (teams): failed: <reason>'.
    Reasons name the status or exception class and the host, never the URL's path or query."""
    url = settings.alert_webhook_url
    host = urlsplit(url).hostname or "?"
    kind = settings.alert_webhook_kind or ("slack" if host.endswith("slack.com") else "teams")
    label = f"webhook ({kind})"
    try:
        response = requests.post(url, json=payload(alert, kind), timeout=(TIMEOUT_S, TIMEOUT_S),
                                 allow_redirects=False)
    except requests.RequestException as exc:
        return f"{label}: failed: {type(exc).__name__} posting to {host}"
    if 200 <= response.status_code < 300:
        return f"{label}: sent (HTTP {response.status_code})"
    return f"{label}: failed: HTTP {response.status_code} from {host}"


def payload(alert: Alert, kind: str) -> dict:
    return teams_payload(alert) if kind == "teams" else slack_payload(alert)


def teams_payload(alert: Alert) -> dict:
    color = "Attention" if alert.status == "FAIL" else "Warning"
    body = [{"type": "TextBlock", "text": alert.subject, "weight": "Bolder", "size": "Medium",
             "color": color, "wrap": True}]
    body += [{"type": "TextBlock", "text": line, "wrap": True, "spacing": "Small"} for line in alert.lines()]
    card = {"$schema": "http://adaptivecards.io/schemas/adaptive-card.json", "type": "AdaptiveCard",
            "version": "1.4", "msteams": {"width": "Full"}, "body": body}
    return {"type": "message",
            "attachments": [{"contentType": "application/vnd.microsoft.card.adaptive",
                             "contentUrl": None, "content": card}]}


def slack_payload(alert: Alert) -> dict:
    lines = [f"*{slack_escape(alert.subject)}*"]
    for row in alert.rows:
        line = slack_escape(row_line(row))
        lines.append("• " + line.replace(f" {row.check} ", f" `{row.check}` ", 1))
    if alert.more:
        lines.append(f"… and {alert.more} more")
    return {"text": "\n".join(lines)}


def slack_escape(text: str) -> str:
    """Slack's three control characters in message text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
