"""Chaos suite, secrets: plant a recognisable fake credential in every variable that can hold one, run every
command that reads them, then look for them everywhere the pipeline writes.

Data flow: SECRETS (one per lake.settings.SECRET_NAMES entry, plus a scoped one) -> the environment of
           subprocesses: the daily runner (both sources, simulators started with the planted tokens; once with
           working alert channels, once with failing ones), the health check, the doctor, setup_powerbi, a
           migrate against a dead server and extracts whose tokens are refused
           -> scanned: every file under the test's folder (logs, lake with .gz unzipped, the .pbids), the
           commands' stdout/stderr, what the alert channels received, and pg_dump of the database.
Run standalone: python -m pytest -q tests/test_chaos_secrets.py

Each secret is looked for as planted, URL-encoded (quote and quote_plus), base64-encoded, and Zendesk's Basic
credential (base64 of '{email}/token:{token}'). The local PostgreSQL uses trust auth, so the planted password
in DATABASE_URL is accepted. setup_powerbi sets the cluster-wide role powerbi_reader's password to the planted
one (tests/test_setup_powerbi.py does the same). The health check is forced to fail (HEALTH_FRESHNESS_HOURS
tiny) so that the daily runner's alerts are really sent.
"""
from __future__ import annotations

import base64
import glob
import gzip
import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote, quote_plus, urlsplit, urlunsplit

import pytest

from lake.settings import SECRET_NAMES
from sandbox.pipedrive import PipedriveSimulator
from sandbox.zendesk import ZendeskSimulator
from tests.fixtures.chaos_bronze import REPO, clean_env
from tests.fixtures.smtp_server import LoopbackSMTP
from tests.fixtures.webhook import closed_port

ZENDESK_EMAIL = "chaos-admin@simco.example"
SMTP_USER = "chaos-mailer"
SECRETS = {
    "DATABASE_URL": "pgpw-CHAOS/Q7x+db1",          # the password inside the URL
    "PGPASSWORD": "pgenv-CHAOS-W3k9-pg2",
    "PIPEDRIVE_API_TOKEN": "pdtok-CHAOS-J5r2m8-pd3",
    "ZENDESK_API_TOKEN": "zdtok-CHAOS-H4n6v1-zd4",
    "ZENDESK_OAUTH_TOKEN": "zdoauth-CHAOS-T8c3p0-zd5",
    "ALERT_WEBHOOK_URL": "whk-CHAOS-E2u7s5-wh6",    # the secret path segment of the webhook URL
    "ALERT_WEBHOOK_SIG": "whsig-CHAOS-B1y4g7-wh7",  # and its query's signature
    "SMTP_PASSWORD": "smtp-CHAOS-R6d0f3-sm8",
    "ADLS_CONNECTION_STRING": "adlscs-CHAOS-K9w2e5-ad9",
    "ADLS_ACCOUNT_KEY": "adlskey-CHAOS-M3q8z1-ad10",
    "ADLS_SAS_TOKEN": "adlssas-CHAOS-P7h5j2-ad11",
    "POWERBI_READER_PASSWORD": "pbi-CHAOS-V0n4x6-pb12",
    "PIPEDRIVE_API_TOKEN__OTHER": "pdscoped-CHAOS-L2k7c9-pd13",   # a scoped secret of an unused scope
    "REFUSED_PIPEDRIVE_TOKEN": "pdrefused-CHAOS-F5t1w8-pd14",    # planted where the API refuses it
    "REFUSED_ZENDESK_OAUTH": "zdrefused-CHAOS-G9s3b6-zd15",
    "DEAD_DATABASE_PASSWORD": "pgdead-CHAOS/N1r5+db16",          # a DATABASE_URL whose server is down
}


def forms(secret: str) -> set[str]:
    """Every way a secret could be written out."""
    found = {secret, quote(secret, safe=""), quote_plus(secret), base64.b64encode(secret.encode()).decode()}
    if "ZENDESK" in secret or secret.startswith("zd"):
        found.add(base64.b64encode(f"{ZENDESK_EMAIL}/token:{secret}".encode()).decode())
    return found


def with_password(url: str, password: str, port: int | None = None) -> str:
    parts = urlsplit(url)
    host = parts.hostname or ""
    where = host + (f":{port or parts.port}" if (port or parts.port) else "")
    return urlunsplit(parts._replace(netloc=f"{parts.username or 'postgres'}:{quote(password, safe='')}@{where}"))


def pg_dump_binary() -> str | None:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_dump"),
                        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    return candidates[-1] if candidates else None


class Runs:
    """What the runs left behind, for the scans."""

    def __init__(self, root: Path):
        self.root = root
        self.outputs: dict[str, tuple[int, str]] = {}   # name -> (exit code, stdout + stderr)
        self.alerts: list[str] = []                     # bodies received by the webhook and the SMTP server


@pytest.fixture(scope="module")
def runs(pg_url, tmp_path_factory) -> Runs:
    root = tmp_path_factory.mktemp("secrets")
    result = Runs(root)
    webhook_server, webhook_url = _webhook()
    smtp = LoopbackSMTP(auth=(SMTP_USER, SECRETS["SMTP_PASSWORD"])).start()
    try:
        with PipedriveSimulator(seed=1, token=SECRETS["PIPEDRIVE_API_TOKEN"]) as pd_sim, \
                ZendeskSimulator(seed=1, email=ZENDESK_EMAIL, token=SECRETS["ZENDESK_API_TOKEN"],
                                 oauth_token=SECRETS["ZENDESK_OAUTH_TOKEN"]) as zd_sim:
            env = {
                "DATABASE_URL": with_password(pg_url, SECRETS["DATABASE_URL"]),
                "PGPASSWORD": SECRETS["PGPASSWORD"],
                "LAKE_BACKEND": "local", "LAKE_ROOT": str(root / "lake"), "LOG_DIR": str(root / "logs"),
                "PIPEDRIVE_API_TOKEN": SECRETS["PIPEDRIVE_API_TOKEN"], "PIPEDRIVE_BASE_URL": pd_sim.base_url,
                "PIPEDRIVE_API_TOKEN__OTHER": SECRETS["PIPEDRIVE_API_TOKEN__OTHER"],
                "ZENDESK_BASE_URL": zd_sim.base_url, "ZENDESK_EMAIL": ZENDESK_EMAIL,
                "ZENDESK_API_TOKEN": SECRETS["ZENDESK_API_TOKEN"],
                "ZENDESK_OAUTH_TOKEN": SECRETS["ZENDESK_OAUTH_TOKEN"],
                "ALERT_WEBHOOK_URL": webhook_url, "ALERT_WEBHOOK_KIND": "slack",
                "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(smtp.port), "SMTP_STARTTLS": "false",
                "SMTP_USER": SMTP_USER, "SMTP_PASSWORD": SECRETS["SMTP_PASSWORD"],
                "ALERT_EMAIL_FROM": "lake@simco.example", "ALERT_EMAIL_TO": "ops@simco.example",
                "ADLS_CONNECTION_STRING": ("DefaultEndpointsProtocol=https;AccountName=chaoslake;"
                                           f"AccountKey={SECRETS['ADLS_CONNECTION_STRING']};"
                                           "EndpointSuffix=core.windows.net"),
                "ADLS_ACCOUNT_URL": "https://chaoslake.blob.core.windows.net",
                "ADLS_ACCOUNT_KEY": SECRETS["ADLS_ACCOUNT_KEY"], "ADLS_SAS_TOKEN": SECRETS["ADLS_SAS_TOKEN"],
                "POWERBI_READER_PASSWORD": SECRETS["POWERBI_READER_PASSWORD"],
                "HEALTH_FRESHNESS_HOURS": "0.00001",   # the health check fails, so alerts are sent
            }

            def run(name: str, module: str, *argv: str, **overrides):
                done = subprocess.run([sys.executable, "-m", module, *argv], cwd=REPO,
                                      env=clean_env(**{**env, **overrides}), capture_output=True, text=True,
                                      errors="backslashreplace", timeout=300)
                result.outputs[name] = (done.returncode, done.stdout + done.stderr)

            run("daily", "scripts.daily_pipeline")
            webhook_server.status = 500                           # now both channels fail
            run("daily_failing_alerts", "scripts.daily_pipeline", SMTP_PORT=str(closed_port()))
            run("health_check", "scripts.health_check", "--all")
            run("doctor", "scripts.doctor", ZENDESK_OAUTH_TOKEN=None)   # Basic {email}/token:{token} this time
            run("setup_powerbi", "scripts.setup_powerbi", "--out-dir", str(root / "pbids"))
            run("extract_refused_tokens_pipedrive", "extract.pipedrive_bronze", "--entity", "users",
                PIPEDRIVE_API_TOKEN=SECRETS["REFUSED_PIPEDRIVE_TOKEN"])
            run("extract_refused_tokens_zendesk", "extract.zendesk_bronze", "--entity", "groups",
                ZENDESK_OAUTH_TOKEN=SECRETS["REFUSED_ZENDESK_OAUTH"])
            run("migrate_dead_database", "scripts.migrate",
                DATABASE_URL=with_password(pg_url, SECRETS["DEAD_DATABASE_PASSWORD"], port=closed_port()))
    finally:
        webhook_server.shutdown()
        webhook_server.server_close()
        smtp.stop()
    result.webhook_posts = len(webhook_server.received)
    result.alerts = [json.dumps(body) for _, _, body in webhook_server.received]
    result.alerts += [m.data.decode("utf-8", "backslashreplace") for m in smtp.messages]
    result.smtp_auth = [m.auth for m in smtp.messages]
    return result


def _webhook():
    """A loopback webhook (tests/fixtures/webhook.py's handler) whose URL carries planted secrets."""
    import threading
    from http.server import ThreadingHTTPServer

    from tests.fixtures.webhook import _Hook
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hook)
    server.received, server.status = [], 200
    url = (f"http://127.0.0.1:{server.server_address[1]}/webhookb2/{SECRETS['ALERT_WEBHOOK_URL']}/hook"
           f"?sig={SECRETS['ALERT_WEBHOOK_SIG']}")
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    return server, url


def leaks(text: str) -> list[str]:
    return sorted(name for name, secret in SECRETS.items() if any(form in text for form in forms(secret)))


def read_any(path: Path) -> str:
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    return data.decode("utf-8", "backslashreplace")


# ---- the runs did what they should (so that the scans below mean something) ----

def test_the_planted_credentials_were_really_used(runs):
    codes = {name: code for name, (code, _) in runs.outputs.items()}
    assert codes["daily"] == 0, runs.outputs["daily"][1][-3000:]          # both APIs accepted the planted tokens
    assert codes["daily_failing_alerts"] == 0, runs.outputs["daily_failing_alerts"][1][-3000:]
    assert codes["health_check"] == 2                                     # failing on purpose (freshness)
    assert codes["doctor"] == 0, runs.outputs["doctor"][1][-3000:]
    assert codes["setup_powerbi"] == 0, runs.outputs["setup_powerbi"][1][-3000:]
    assert codes["extract_refused_tokens_pipedrive"] == 1 and codes["extract_refused_tokens_zendesk"] == 1
    assert codes["migrate_dead_database"] == 1
    # both daily runs posted to the webhook (the second one answered 500); only the first reached the SMTP
    # server (the second's port was closed), logged in with the planted password
    assert runs.webhook_posts == 2 and runs.smtp_auth == [(SMTP_USER, SECRETS["SMTP_PASSWORD"])]
    daily_log = "".join(read_any(p) for p in (runs.root / "logs").glob("daily_pipeline_*.log"))
    assert "webhook (slack): sent" in daily_log and "email: sent" in daily_log
    assert "webhook (slack): failed" in daily_log and "email: failed" in daily_log
    assert all((runs.root / "lake" / "bronze" / source).is_dir() for source in ("pipedrive", "zendesk"))
    assert set(SECRET_NAMES) <= {name.split("__")[0] for name in SECRETS} | {"ALERT_WEBHOOK_URL"}


# ---- the scans ----

def test_the_scan_finds_a_secret_in_every_form_it_looks_for():
    token, password = SECRETS["ZENDESK_API_TOKEN"], SECRETS["DATABASE_URL"]
    basic = base64.b64encode(f"{ZENDESK_EMAIL}/token:{token}".encode()).decode()
    assert leaks(f"Authorization: Basic {basic}") == ["ZENDESK_API_TOKEN"]
    assert leaks(f"postgresql://u:{quote(password, safe='')}@h/db") == ["DATABASE_URL"]
    assert leaks(f"pw={quote_plus(password)}") == ["DATABASE_URL"]
    assert leaks("nothing to see") == []

def test_no_secret_in_any_file_the_pipeline_wrote(runs):
    files = [p for p in runs.root.rglob("*") if p.is_file()]
    assert any(p.suffix == ".gz" for p in files) and any(p.suffix == ".log" for p in files)
    assert any(p.suffix == ".pbids" for p in files)
    found = {str(p.relative_to(runs.root)): leaks(read_any(p)) for p in files}
    assert {path: names for path, names in found.items() if names} == {}


def test_no_secret_in_any_command_output(runs):
    found = {name: leaks(output) for name, (_, output) in runs.outputs.items()}
    assert {name: names for name, names in found.items() if names} == {}


def test_no_secret_in_what_the_alert_channels_received(runs):
    assert {i: leaks(body) for i, body in enumerate(runs.alerts) if leaks(body)} == {}


def test_no_secret_in_a_dump_of_the_database(runs, pg_url):
    binary = pg_dump_binary()
    if binary is None:
        pytest.skip("no pg_dump under /usr/lib/postgresql/*/bin: the database dump is not scanned")
    done = subprocess.run([binary, "--no-owner", "--dbname", pg_url], capture_output=True, text=True,
                          errors="backslashreplace", timeout=120, env={**os.environ, "PGPASSWORD": ""})
    if done.returncode != 0 and "server version mismatch" in done.stderr:
        pytest.skip(f"{binary} is older than the server: the database dump is not scanned ({done.stderr.strip()})")
    assert done.returncode == 0, done.stderr[-2000:]
    assert "meta.pipeline_runs" in done.stdout and "COPY stg_pipedrive.deals_raw" in done.stdout
    assert leaks(done.stdout) == []
