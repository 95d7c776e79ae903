"""The demo's environment, shared by the daily runner's --demo and the health check's --demo.

Data flow: demo_env(extra) -> this process's os.environ (real settings removed, ./data/demo lake and
           embedded PostgreSQL, scope 'demo', no .env) -> get_settings() -> every stage; restored on exit.
Run standalone: used by scripts/daily_pipeline.py and scripts/health_check.py.

PG* and DATABASE_URL leave the process environment too (libpq reads them itself), and DATALAKE_ENV_FILE
points at nothing, so a real .env can never send a demo run to a production database.
"""
from __future__ import annotations

import contextlib
import os
from typing import Iterator, Mapping

from lake.settings import get_settings

DEMO_ENV = {"DATALAKE_ENV_FILE": os.devnull, "PIPEDRIVE_SCOPES": "demo", "ZENDESK_SCOPES": "demo",
            "LAKE_BACKEND": "local", "LAKE_ROOT": "./data/demo/lake", "EMBEDDED_PG_DIR": "./data/demo/pg"}
OWN_PREFIXES = ("PIPEDRIVE_", "ZENDESK_", "DATABASE_URL", "PG", "LAKE_", "EMBEDDED_PG_DIR")


@contextlib.contextmanager
def demo_env(extra: Mapping[str, str] | None = None) -> Iterator[None]:
    """The demo's settings (plus `extra`, e.g. the simulators' URLs and tokens) for this process only."""
    saved = dict(os.environ)
    for name in [k for k in os.environ if k.startswith(OWN_PREFIXES)]:
        del os.environ[name]
    os.environ.update({**DEMO_ENV, **(extra or {})})
    get_settings.cache_clear()
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)
        get_settings.cache_clear()
