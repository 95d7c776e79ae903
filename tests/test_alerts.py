"""Alerts reach a loopback webhook (Teams and Slack shapes) and a loopback SMTP server; a dead or failing
channel is reported, never raised; no secret reaches a log line or a returned line. Nothing is mocked."""
import logging
import socket

import pytest

from lake.alerts import send_alerts
from lake.health import CheckRow
from lake.settings import Settings, SettingsError
from tests.fixtures.smtp_server import LoopbackSMTP
from tests.fixtures.webhook import WEBHOOK_SIG, WEBHOOK_TOKEN, closed_port

SMTP_PASSWORD = "smtp-pa55-word-91"

ROWS = [
    CheckRow("did_it_run", "pipedrive", None, None, "ok", "last success 3 h ago", "26 h", ""),
    CheckRow("freshness", "pipedrive", "default", "deals", "fail", "30.5 h since the last success", "24 h",
             "run python -m scripts.daily_pipeline --source pipedrive"),
    CheckRow("volume", "zendesk", "acme", "tickets", "warn", "12 rows vs median 100", "10 %",
             "check the Zendesk token's scope"),
    CheckRow("schema", None, None, None, "fail", "2 migrations not applied", None, "run python -m scripts.migrate"),
]


@pytest.fixture
def smtp():
    with LoopbackSMTP(auth=("alerts@acme.test", SMTP_PASSWORD)) as server:
        yield server


def email_env(smtp, **extra):
    env = {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(smtp.port), "SMTP_USER": "alerts@acme.test",
           "SMTP_PASSWORD": SMTP_PASSWORD, "ALERT_EMAIL_FROM": "datalake@acme.test",
           "ALERT_EMAIL_TO": "ops@acme.test, bi@acme.test"}
    return {**env, **extra}


def assert_no_secret(*texts):
    for text in texts:
        for secret in (WEBHOOK_TOKEN, WEBHOOK_SIG, SMTP_PASSWORD):
            assert secret not in text


def test_teams_webhook_gets_an_adaptive_card_listing_the_bad_checks(webhook):
    s = Settings.from_env({"ALERT_WEBHOOK_URL": webhook.url, "ALERT_WEBHOOK_KIND": "teams"})
    assert send_alerts(ROWS, s) == ["webhook (teams): sent (HTTP 200)"]
    [(path, content_type, body)] = webhook.received
    assert path.startswith(f"/webhookb2/{WEBHOOK_TOKEN}/") and content_type == "application/json"
    assert body["type"] == "message"
    [attachment] = body["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.4"
    texts = [block["text"] for block in card["body"]]
    assert texts[0].startswith("[datalake] health check: FAIL (2 failing, 1 warning) on ")
    assert texts[1:] == [   # fails first, then warns; ok rows left out
        "FAIL freshness pipedrive/default/deals: 30.5 h since the last success (threshold 24 h)"
        " -> run python -m scripts.daily_pipeline --source pipedrive",
        "FAIL schema -: 2 migrations not applied -> run python -m scripts.migrate",
        "WARN volume zendesk/acme/tickets: 12 rows vs median 100 (threshold 10 %) -> check the Zendesk token's scope",
    ]


def test_slack_webhook_gets_mrkdwn_text_and_a_long_list_is_capped(webhook):
    rows = [CheckRow("duplicates", "zendesk", "default", f"e{i}", "warn", f"{i} keys twice", "0", "") for i in range(25)]
    s = Settings.from_env({"ALERT_WEBHOOK_URL": webhook.url, "ALERT_WEBHOOK_KIND": "slack"})
    assert send_alerts(ROWS[:3] + rows, s, title="daily pipeline") == ["webhook (slack): sent (HTTP 200)"]
    [(_, _, body)] = webhook.received
    assert set(body) == {"text"}
    lines = body["text"].split("\n")
    assert lines[0].startswith("*[datalake] daily pipeline: FAIL (1 failing, 26 warning) on ") and lines[0].endswith("*")
    assert lines[1] == ("• FAIL `freshness` pipedrive/default/deals: 30.5 h since the last success (threshold 24 h)"
                        " -&gt; run python -m scripts.daily_pipeline --source pipedrive")
    assert lines[2].startswith("• WARN `volume` zendesk/acme/tickets: 12 rows vs median 100")
    assert len(lines) == 1 + 20 + 1 and lines[-1] == "… and 7 more"


def test_email_arrives_with_the_bad_checks_and_the_right_headers(smtp):
    result = send_alerts(ROWS, Settings.from_env(email_env(smtp)))
    assert result == ["email: sent to 2 recipient(s)"]
    [mail] = smtp.messages
    assert mail.auth == ("alerts@acme.test", SMTP_PASSWORD)     # logged in because SMTP_USER is set
    assert mail.mail_from == "datalake@acme.test" and mail.rcpt_to == ["ops@acme.test", "bi@acme.test"]
    msg = mail.message
    assert msg["From"] == "datalake@acme.test" and msg["To"] == "ops@acme.test, bi@acme.test"
    assert msg["Subject"] == f"[datalake] health check: FAIL (2 failing, 1 warning) on {socket.gethostname()}"
    assert msg.get_content_type() == "text/plain"
    body = msg.get_content()
    assert "FAIL freshness pipedrive/default/deals: 30.5 h since the last success (threshold 24 h)" in body
    assert "FAIL schema -: 2 migrations not applied -> run python -m scripts.migrate" in body
    assert "WARN volume zendesk/acme/tickets" in body and "did_it_run" not in body


def test_both_channels_at_once_without_login_when_no_user(webhook, smtp):
    smtp.auth = None
    env = {**email_env(smtp), "ALERT_WEBHOOK_URL": webhook.url}
    del env["SMTP_USER"], env["SMTP_PASSWORD"]
    assert send_alerts(ROWS, Settings.from_env(env)) == ["webhook (teams): sent (HTTP 200)",
                                                         "email: sent to 2 recipient(s)"]
    assert len(webhook.received) == 1 and smtp.messages[0].auth is None


def test_nothing_is_sent_when_all_ok_or_no_channel_is_configured(webhook, smtp):
    configured = Settings.from_env({**email_env(smtp), "ALERT_WEBHOOK_URL": webhook.url})
    assert send_alerts(ROWS[:1], configured) == [] and send_alerts([], configured) == []
    assert send_alerts(ROWS, Settings.from_env({})) == []
    assert webhook.received == [] and smtp.messages == []


def test_dead_or_failing_channels_are_reported_never_raised_and_leak_no_secret(webhook, smtp, caplog):
    caplog.set_level(logging.INFO)
    caplog.set_level(logging.DEBUG, logger="lake.alerts")
    webhook.status = 500
    dead_url = f"http://127.0.0.1:{closed_port()}/webhookb2/{WEBHOOK_TOKEN}/hook?sig={WEBHOOK_SIG}"
    results = []
    results += send_alerts(ROWS, Settings.from_env({"ALERT_WEBHOOK_URL": webhook.url, "ALERT_WEBHOOK_KIND": "slack"}))
    results += send_alerts(ROWS, Settings.from_env({"ALERT_WEBHOOK_URL": dead_url}))
    results += send_alerts(ROWS, Settings.from_env(email_env(smtp, SMTP_PASSWORD="wrong-" + SMTP_PASSWORD)))
    results += send_alerts(ROWS, Settings.from_env(email_env(smtp, SMTP_PORT=str(closed_port()))))
    results += send_alerts(ROWS, Settings.from_env(email_env(smtp, SMTP_STARTTLS="true")))
    results += send_alerts(ROWS, Settings.from_env({"SMTP_HOST": "127.0.0.1", "ALERT_EMAIL_TO": "ops@acme.test"}))
    assert results == [
        "webhook (slack): failed: HTTP 500 from 127.0.0.1",
        "webhook (teams): failed: ConnectionError posting to 127.0.0.1",
        f"email: failed: SMTPAuthenticationError 535 5.7.8 authentication credentials invalid from 127.0.0.1:{smtp.port}",
        results[3], "email: failed: SMTPNotSupportedError STARTTLS extension not supported by server. "
                    f"(127.0.0.1:{smtp.port})",
        "email: failed: missing ALERT_EMAIL_FROM",
    ]
    assert results[3].startswith("email: failed: ConnectionRefusedError connecting to 127.0.0.1:")
    assert len(webhook.received) == 1 and smtp.messages == []
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING and r.name == "lake.alerts"]
    assert len(warnings) == 6 and all("failed" in w for w in warnings)
    assert_no_secret(caplog.text, "\n".join(results))


def test_a_bad_webhook_kind_or_smtp_setting_is_refused_by_name():
    with pytest.raises(SettingsError, match="ALERT_WEBHOOK_KIND"):
        Settings.from_env({"ALERT_WEBHOOK_KIND": "discord"})
    with pytest.raises(SettingsError, match="SMTP_PORT"):
        Settings.from_env({"SMTP_PORT": "smtp"})
    s = Settings.from_env({"ALERT_WEBHOOK_URL": f"https://x.test/{WEBHOOK_TOKEN}", "SMTP_PASSWORD": SMTP_PASSWORD})
    assert_no_secret(repr(s))
    assert {f"https://x.test/{WEBHOOK_TOKEN}", SMTP_PASSWORD} <= set(s.secrets())
