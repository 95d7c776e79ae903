"""scripts.doctor on a fresh installation: every check answers, and each kind of problem is named."""
from lake.settings import get_settings
from scripts import doctor
from tests.fixtures.pipedrive_sim import PIPEDRIVE_SIM_TOKEN
from tests.fixtures.zendesk_sim import ZENDESK_SIM_EMAIL, ZENDESK_SIM_TOKEN


def configure(monkeypatch, tmp_path, pg_url, pipedrive, zendesk, **extra):
    for name in ("PIPEDRIVE_SCOPES", "ZENDESK_SCOPES", "LAKE_BACKEND", "ZENDESK_OAUTH_TOKEN", "ZENDESK_SUBDOMAIN"):
        monkeypatch.delenv(name, raising=False)
    env = {"DATABASE_URL": pg_url, "LAKE_ROOT": str(tmp_path / "lake"), "LOG_DIR": str(tmp_path / "logs"),
           "PIPEDRIVE_API_TOKEN": PIPEDRIVE_SIM_TOKEN, "PIPEDRIVE_BASE_URL": pipedrive.base_url,
           "ZENDESK_EMAIL": ZENDESK_SIM_EMAIL, "ZENDESK_API_TOKEN": ZENDESK_SIM_TOKEN,
           "ZENDESK_BASE_URL": zendesk.base_url, **extra}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()


def test_a_complete_installation_is_ready(monkeypatch, tmp_path, pg_url, pipedrive_sim, zendesk_sim, capsys):
    configure(monkeypatch, tmp_path, pg_url, pipedrive_sim, zendesk_sim)
    try:
        assert doctor.main([]) == 0
    finally:
        get_settings.cache_clear()
    out = capsys.readouterr().out
    assert out.count("ok   ") == 4 and "ready for the first scheduled run" in out
    assert pipedrive_sim.request_count == 1 and zendesk_sim.request_count == 1
    assert (tmp_path / "lake" / "_doctor" / "probe.json").exists()


def test_a_refused_credential_and_a_missing_setting_are_named(monkeypatch, tmp_path, pg_url, pipedrive_sim,
                                                             zendesk_sim, capsys):
    configure(monkeypatch, tmp_path, pg_url, pipedrive_sim, zendesk_sim, ZENDESK_API_TOKEN="revoked-9f8e7d")
    monkeypatch.delenv("PIPEDRIVE_API_TOKEN")
    try:
        assert doctor.main([]) == 2
    finally:
        get_settings.cache_clear()
    out = capsys.readouterr().out
    assert "FAIL pipedrive: missing required settings: PIPEDRIVE_API_TOKEN" in out
    assert "FAIL zendesk: FatalHttpError: HTTP 401" in out and "revoked-9f8e7d" not in out
    assert "ok   database" in out and "ok   lake" in out


def test_an_unreachable_database_fails_in_one_line(monkeypatch, tmp_path, pipedrive_sim, zendesk_sim, capsys):
    configure(monkeypatch, tmp_path, "postgresql://nobody@127.0.0.1:1/none?connect_timeout=2", pipedrive_sim,
              zendesk_sim)
    try:
        assert doctor.main(["--source", "pipedrive"]) == 1
    finally:
        get_settings.cache_clear()
    out = capsys.readouterr().out
    assert [line for line in out.splitlines() if line.startswith("FAIL")] == [
        next(line for line in out.splitlines() if line.startswith("FAIL database: OperationalError"))]
