"""Settings are read lazily with one error for every missing name; logs never carry a secret."""
import logging

import pytest

from lake.logs import RedactSecrets, setup_logging
from lake.settings import Settings, SettingsError


def test_defaults_need_no_environment():
    s = Settings.from_env({})
    assert s.lake_backend == "local" and s.lake_root == "./data/lake" and s.adls_container == "datalake"


def test_one_error_lists_every_missing_name():
    s = Settings.from_env({"PIPEDRIVE_COMPANY_DOMAIN": "acme"})
    with pytest.raises(SettingsError) as err:
        s.require("PIPEDRIVE_API_TOKEN", "ZENDESK_SUBDOMAIN", "PIPEDRIVE_COMPANY_DOMAIN")
    assert "PIPEDRIVE_API_TOKEN" in str(err.value) and "ZENDESK_SUBDOMAIN" in str(err.value)
    assert "PIPEDRIVE_COMPANY_DOMAIN" not in str(err.value)


def test_bad_backend_is_refused():
    with pytest.raises(SettingsError, match="LAKE_BACKEND"):
        Settings.from_env({"LAKE_BACKEND": "s3"})


def test_secrets_stay_out_of_repr_and_scoped_values_resolve():
    s = Settings.from_env({"PIPEDRIVE_API_TOKEN": "tok-default-123", "PIPEDRIVE_API_TOKEN__ACME": "tok-acme-456"})
    assert "tok-default-123" not in repr(s)
    assert s.scoped("PIPEDRIVE_API_TOKEN", "default") == "tok-default-123"
    assert s.scoped("PIPEDRIVE_API_TOKEN", "acme") == "tok-acme-456"
    assert set(s.secrets()) >= {"tok-default-123", "tok-acme-456"}


def test_log_file_and_console_never_show_a_secret(tmp_path, capsys):
    secret = "s3cr3t-token-value"
    s = Settings.from_env({"PIPEDRIVE_API_TOKEN": secret, "ADLS_ACCOUNT_KEY": "a2V5a2V5a2V5", "LOG_DIR": str(tmp_path)})
    path = setup_logging("unit", s)
    log = logging.getLogger("lake.test")
    log.warning("calling with token %s", secret)
    try:
        raise RuntimeError(f"request failed: https://x/api?api_token={secret}&key=a2V5a2V5a2V5")
    except RuntimeError:
        log.exception("boom")
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = path.read_text() + capsys.readouterr().err
    assert "calling with token ***" in text and "api_token=***" in text
    assert secret not in text and "a2V5a2V5a2V5" not in text


def test_longest_secret_is_redacted_whole():
    f = RedactSecrets(["abcd", "abcdefgh"])
    assert f.redact("x abcdefgh y abcd") == "x *** y ***"


def test_old_dated_logs_are_pruned_and_nothing_else(tmp_path):
    import datetime as dt

    from lake.logs import prune_logs
    from lake.settings import Settings, SettingsError
    today = dt.date(2026, 12, 2)
    names = [f"daily_pipeline_{today - dt.timedelta(days=d):%Y-%m-%d}.log" for d in (0, 7, 7 + 1)]
    keep = ["cron.log", "notes_2020-01-01.txt", "zendesk_bronze_2026-13-45.log"]
    for name in names + keep:
        (tmp_path / name).write_text("x")
    settings = Settings.from_env({"LOG_DIR": str(tmp_path), "LOG_RETENTION_DAYS": "7"})
    removed = prune_logs(settings, today=today)
    assert [p.name for p in removed] == [names[2]]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(names[:2] + keep)
    with pytest.raises(SettingsError, match="LOG_RETENTION_DAYS"):
        prune_logs(Settings.from_env({"LOG_DIR": str(tmp_path), "LOG_RETENTION_DAYS": "a month"}))


def test_a_secret_url_is_redacted_also_when_only_its_path_is_logged():
    settings = Settings.from_env({"ALERT_WEBHOOK_URL": "https://hooks.example.com/webhookb2/tok-123456?sig=abcdef"})
    redact = RedactSecrets(settings.secrets())
    assert redact.redact('"POST /webhookb2/tok-123456?sig=abcdef HTTP/1.1" 200') == '"POST *** HTTP/1.1" 200'
