"""E-mail an alert through SMTP with the standard library: plain text, one message to every ALERT_EMAIL_TO.

Data flow: Alert -> EmailMessage -> smtplib (SMTP_HOST:SMTP_PORT) -> 'email: sent to N' | 'email: failed: ...'.
Run standalone: python -c "from lake.alerts.smtp import build_message; from lake.alerts.message import Alert; \
from lake.health import CheckRow; print(build_message(Alert([CheckRow('c', None, None, None, 'fail', 'm', None, '')], 't'), 'a@x', ['b@x']))"

Transport, by SMTP_PORT (default 587):
- 465: implicit TLS (SMTP_SSL), certificate verified.
- any other port: plain connection, then STARTTLS (certificate verified) when SMTP_STARTTLS=true (a server
  that does not offer it is then a failure, never a silent fallback to clear text), or when SMTP_STARTTLS
  is unset, the port is 587 and the server offers it. SMTP_STARTTLS=false never upgrades (a local relay).
- login only when SMTP_USER is set (with SMTP_PASSWORD); smtplib picks CRAM-MD5, PLAIN or LOGIN from what
  the server offers. Every network step times out after TIMEOUT_S.
"""
from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from lake.alerts.message import Alert
from lake.settings import Settings

TIMEOUT_S = 10   # per socket operation; a dead mail server must not hold up the daily run


def send_email(alert: Alert, settings: Settings) -> str:
    """Send one message; returns 'email: sent to 2 recipients' or 'email: failed: <reason>'."""
    missing = [n for n in ("SMTP_HOST", "ALERT_EMAIL_FROM", "ALERT_EMAIL_TO") if not getattr(settings, n.lower())]
    to = [a.strip() for a in (settings.alert_email_to or "").split(",") if a.strip()]
    if missing or not to:
        return "email: failed: missing " + (", ".join(missing) or "ALERT_EMAIL_TO")
    host, port = settings.smtp_host, int(settings.smtp_port or 587)
    message = build_message(alert, settings.alert_email_from, to)
    try:
        refused = deliver(message, to, host, port, settings)
    except smtplib.SMTPResponseException as exc:
        text = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        return f"email: failed: {type(exc).__name__} {exc.smtp_code} {text[:80]} from {host}:{port}"
    except smtplib.SMTPRecipientsRefused:
        return f"email: failed: every recipient refused by {host}:{port}"
    except smtplib.SMTPException as exc:
        return f"email: failed: {type(exc).__name__} {str(exc)[:80]} ({host}:{port})"
    except OSError as exc:   # refused connection, timeout, TLS handshake, DNS
        return f"email: failed: {type(exc).__name__} connecting to {host}:{port}"
    sent = len(to) - len(refused)
    return f"email: sent to {sent} recipient(s)" + (f", refused: {', '.join(sorted(refused))}" if refused else "")


def deliver(message: EmailMessage, to: list[str], host: str, port: int, settings: Settings) -> dict:
    """Connect, secure, log in and send; returns the recipients the server refused (smtplib's dict)."""
    if port == 465:
        conn = smtplib.SMTP_SSL(host, port, timeout=TIMEOUT_S, context=ssl.create_default_context())
    else:
        conn = smtplib.SMTP(host, port, timeout=TIMEOUT_S)
    with conn:
        if port != 465:
            conn.ehlo()
            mode = settings.smtp_starttls
            if mode == "true" or (mode is None and port == 587 and conn.has_extn("starttls")):
                conn.starttls(context=ssl.create_default_context())   # raises when not offered
                conn.ehlo()
        if settings.smtp_user:
            conn.login(settings.smtp_user, settings.smtp_password or "")
        return conn.send_message(message, to_addrs=to)


def build_message(alert: Alert, sender: str, to: list[str]) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = alert.subject
    message["From"] = sender
    message["To"] = ", ".join(to)
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=alert.host)
    body = alert.lines() + ["", "Full table: python -m scripts.health_check (on " + alert.host + ")"]
    message.set_content(f"{alert.title}: {alert.status}, {alert.n_fail} failing, {alert.n_warn} warning\n\n"
                        + "\n".join(body) + "\n")
    return message
