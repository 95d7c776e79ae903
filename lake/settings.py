"""Settings: every environment variable the pipeline reads, in one frozen object.

Data flow: .env + process environment -> get_settings() -> Settings (read once, lazily, cached).
Run standalone: python -c "from lake.settings import get_settings; print(get_settings())"

Nothing reads os.environ at import time; tests build Settings with from_env({...}).
Which variables a stage *requires* depends on the stage, so each stage calls
settings.require(...) for its own names, and one SettingsError lists every missing one.
Secrets are kept out of repr() so a settings object can be logged safely.
"""
from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field, fields
from typing import Mapping
from urllib.parse import urlsplit


class SettingsError(Exception):
    """Configuration is missing or invalid (entry points exit 2 on it)."""


SECRET_NAMES = (
    "DATABASE_URL", "PGPASSWORD", "ADLS_CONNECTION_STRING", "ADLS_ACCOUNT_KEY", "ADLS_SAS_TOKEN",
    "PIPEDRIVE_API_TOKEN", "ZENDESK_API_TOKEN", "ZENDESK_OAUTH_TOKEN",
    "ALERT_WEBHOOK_URL", "SMTP_PASSWORD",   # the webhook URL's path carries its secret token
    "POWERBI_READER_PASSWORD",
)


def _secret():
    return field(default=None, repr=False)


@dataclass(frozen=True)
class Settings:
    database_url: str | None = _secret()
    lake_backend: str = "local"
    lake_root: str = "./data/lake"
    adls_connection_string: str | None = _secret()
    adls_account_url: str | None = None
    adls_account_key: str | None = _secret()
    adls_sas_token: str | None = _secret()
    adls_container: str = "datalake"
    pipedrive_api_token: str | None = _secret()
    pipedrive_company_domain: str | None = None
    pipedrive_base_url: str | None = None
    pipedrive_scopes: str | None = None
    zendesk_scopes: str | None = None
    zendesk_subdomain: str | None = None
    zendesk_base_url: str | None = None
    zendesk_email: str | None = None
    zendesk_api_token: str | None = _secret()
    zendesk_oauth_token: str | None = _secret()
    embedded_pg_dir: str = "./data/pg"
    log_dir: str = "./logs"
    pgpassword: str | None = _secret()
    alert_webhook_url: str | None = _secret()
    alert_webhook_kind: str | None = None       # teams | slack (lake/alerts); unset: guessed from the host
    smtp_host: str | None = None
    smtp_port: str | None = None                # digits; lake/alerts defaults to 587
    smtp_user: str | None = None
    smtp_password: str | None = _secret()
    smtp_starttls: str | None = None            # true | false; unset: STARTTLS on 587 when offered
    alert_email_from: str | None = None
    alert_email_to: str | None = None           # comma list
    powerbi_reader_password: str | None = _secret()  # only python -m scripts.setup_powerbi reads it
    environ: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> "Settings":
        values = {}
        for f in fields(cls):
            if f.name == "environ":
                continue
            raw = env.get(f.name.upper())
            if raw is not None and raw.strip() != "":
                values[f.name] = raw.strip()
        settings = cls(environ=dict(env), **values)
        if settings.lake_backend not in ("local", "adls"):
            raise SettingsError(f"LAKE_BACKEND must be 'local' or 'adls', not {settings.lake_backend!r}")
        if settings.alert_webhook_kind not in (None, "teams", "slack"):
            raise SettingsError(f"ALERT_WEBHOOK_KIND must be 'teams' or 'slack', not {settings.alert_webhook_kind!r}")
        if settings.smtp_port is not None and not settings.smtp_port.isdigit():
            raise SettingsError(f"SMTP_PORT must be a port number, not {settings.smtp_port!r}")
        if settings.smtp_starttls not in (None, "true", "false"):
            raise SettingsError(f"SMTP_STARTTLS must be 'true' or 'false', not {settings.smtp_starttls!r}")
        return settings

    def require(self, *names: str) -> None:
        """Fail with one message naming every missing variable (names as in .env)."""
        missing = [n for n in names if getattr(self, n.lower()) in (None, "")]
        if missing:
            raise SettingsError("missing required settings: " + ", ".join(missing)
                                + " (set them in the environment or .env; see .env.example)")

    def require_one_of(self, *groups: tuple[str, ...]) -> None:
        """At least one group of names must be complete, e.g. (("A",), ("B", "C"))."""
        if any(all(getattr(self, n.lower()) for n in g) for g in groups):
            return
        options = " or ".join("+".join(g) for g in groups)
        raise SettingsError(f"missing required settings: need {options} (see .env.example)")

    def scoped(self, name: str, scope: str) -> str | None:
        """A per-scope value: NAME for the 'default' scope, NAME__<SCOPE> (e.g.
        PIPEDRIVE_API_TOKEN__ACME) for any other, so one .env can serve several tenants."""
        if scope == "default":
            return getattr(self, name.lower(), None) or (self.environ.get(name, "").strip() or None)
        value = self.environ.get(f"{name}__{scope.upper()}", "").strip()
        return value or None

    def whole_number(self, name: str, default: int, minimum: int) -> int:
        """An optional integer setting (e.g. LOG_RETENTION_DAYS); SettingsError naming it when it is not one."""
        raw = self.environ.get(name, "").strip()
        try:
            value = int(raw) if raw else default
        except ValueError:
            value = minimum - 1
        if value < minimum:
            raise SettingsError(f"{name} must be a whole number >= {minimum}, not {raw!r}")
        return value

    @staticmethod
    def scoped_name(name: str, scope: str) -> str:
        """The variable scoped() reads for this scope (for messages)."""
        return name if scope == "default" else f"{name}__{scope.upper()}"

    @staticmethod
    def refuse_missing(names: list[str]) -> None:
        if names:
            raise SettingsError("missing required settings: " + ", ".join(names) + " (see .env.example)")

    def secrets(self) -> list[str]:
        """Every configured secret value (scoped ones too), for the log redaction filter."""
        values = [getattr(self, n.lower()) for n in SECRET_NAMES]
        values += [v for k, v in self.environ.items() if k.split("__")[0] in SECRET_NAMES]
        # A URL's token is its path and query: a library logging "POST /webhookb2/<token> 200" shows only those.
        values += [f"{u.path}?{u.query}" if u.query else u.path
                   for u in (urlsplit(v) for v in values if v and v.startswith(("http://", "https://")))]
        return [v for v in values if v and len(v) >= 4]

    def has_pg_env(self) -> bool:
        return any(k in self.environ for k in ("PGHOST", "PGDATABASE", "PGSERVICE"))


@functools.lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Read .env (or DATALAKE_ENV_FILE; without overriding the real environment) and the environment, once."""
    from dotenv import dotenv_values
    # DATALAKE_ENV_FILE points at another file; the demo points it at nothing, so that a real .env (a
    # production DATABASE_URL, say) can never leak into a demo run.
    env = {k: v for k, v in dotenv_values(os.environ.get("DATALAKE_ENV_FILE", ".env")).items() if v is not None}
    env.update(os.environ)
    return Settings.from_env(env)
