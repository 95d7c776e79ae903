"""What every check needs: thresholds from .env, the sources/scopes/entities in question, SQL files, formatting.

Data flow: Settings.environ (HEALTH_*) -> Thresholds; conn + store + settings -> Context -> each check.
Run standalone: python -c "from lake.health.context import Thresholds; print(Thresholds())"

Which sources are checked: the configured ones (lake.sources.configured: any PIPEDRIVE_* / ZENDESK_*
setting); when none is configured (e.g. the check runs on a reporting machine without API settings),
every source that has rows in meta.pipeline_runs. Scopes: <SOURCE>_SCOPES (else 'default') for a
configured source, else the scopes its pipeline_runs rows name. Times are compared with ctx.now (UTC).
"""
from __future__ import annotations

import datetime as dt
import functools
import importlib
import socket
from dataclasses import dataclass, field, fields
from pathlib import Path

from psycopg2 import sql

from lake.entities import Entity
from lake.settings import Settings, SettingsError
from lake.sources import SOURCES, configured
from lake.store import Store

SQL_DIR = Path(__file__).with_name("sql")


@dataclass(frozen=True)
class Thresholds:
    """Every limit the checks use; HEALTH_<NAME> in .env overrides the default."""
    did_it_run_hours: float = 26        # a complete daily run at least this recently (dead-man's switch)
    stuck_minutes: float = 60           # a 'running' row / a bronze run without manifest older than this is looked at
    freshness_hours: float = 24         # each entity extracted and normalized at least this recently
    volume_tolerance: float = 0.10      # full-refresh extract vs median, and core count drops
    volume_runs: int = 7                # the median is over this many previous successful extracts
    backlog_hours: float = 24           # a complete bronze run still not loaded after this fails
    incomplete_run_days: float = 7      # runs without manifest older than this are only counted (ok)
    watermark_stuck_days: float = 3     # a watermark unmoved this long while new data arrives warns

    @classmethod
    def from_settings(cls, settings: Settings) -> "Thresholds":
        values, bad = {}, []
        for f in fields(cls):
            name = f"HEALTH_{f.name.upper()}"
            raw = (settings.environ.get(name) or "").strip()
            if not raw:
                continue
            try:
                value = int(raw) if f.type == "int" else float(raw)
            except ValueError:
                value = -1
            if value <= 0 or (f.name == "volume_tolerance" and value >= 1):
                bad.append(f"{name}={raw!r}")
            values[f.name] = value
        if bad:
            raise SettingsError("invalid health check thresholds (positive numbers; HEALTH_VOLUME_TOLERANCE a "
                                "fraction below 1, e.g. 0.10): " + ", ".join(bad))
        return cls(**values)


@dataclass
class Context:
    conn: object
    store: Store
    settings: Settings
    now: dt.datetime
    limits: Thresholds
    sources: list[str]
    scope: str | None = None                          # --scope: only this one
    scopes: dict[str, list[str]] = field(default_factory=dict)
    source_filter: str | None = None                  # --source, as recorded with the run
    accept_counts: bool = False
    previous_run_id: int | None = None                # the newest earlier check covering the same sources/scope
    previous_at: dt.datetime | None = None
    rejected_id_before: int = 0                       # the highest rejected row an earlier such check reported
    rejected_id_seen: int = 0                         # set by the rejected_rows check, recorded with the run
    cache: dict = field(default_factory=dict)         # what several checks read once (core counts, lake listing)

    def entities(self, source: str) -> tuple[Entity, ...]:
        return entities(source)

    def scopes_of(self, source: str) -> list[str]:
        """The scopes to check: --scope when given (configured or not), else the source's."""
        return [self.scope] if self.scope else self.scopes.get(source, [])

    def sql(self, name: str) -> str:
        return read_sql(name)

    def query(self, name: str, params=None, **identifiers) -> list[tuple]:
        """Run lake/health/sql/<name>.sql (identifiers filled in with psycopg2.sql) and fetch all rows."""
        with self.conn.cursor() as cur:
            cur.execute(sql.SQL(read_sql(name)).format(**identifiers) if identifiers else read_sql(name), params)
            return cur.fetchall() if cur.description else []

    def ago(self, ts: dt.datetime | None) -> float | None:
        """Hours from ts to now (None for never)."""
        return None if ts is None else (self.now - ts).total_seconds() / 3600


@functools.cache
def read_sql(name: str) -> str:
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


@functools.cache
def entities(source: str) -> tuple[Entity, ...]:
    return importlib.import_module(f"lake.sources.{source}").ENTITIES


def build_context(conn, store: Store, settings: Settings, *, source: str | None = None, scope: str | None = None,
                  now: dt.datetime | None = None, accept_counts: bool = False) -> Context:
    if source is not None and source not in SOURCES:
        raise SettingsError(f"unknown source {source!r}; known: {', '.join(SOURCES)}")
    ctx = Context(conn, store, settings, now or dt.datetime.now(dt.timezone.utc), Thresholds.from_settings(settings),
                  [], scope, source_filter=source, accept_counts=accept_counts)
    with conn.cursor() as cur:
        cur.execute(read_sql("context_tables"))
        has_runs, has_checks, _ = cur.fetchone()
        if has_checks:
            cur.execute(read_sql("previous_check"), {"source": source, "scope": scope})
            ctx.previous_run_id, ctx.previous_at, ctx.rejected_id_before = cur.fetchone()
        seen: dict[str, set[str]] = {}
        if has_runs:
            cur.execute(read_sql("context_scopes"))
            for src, scp in cur.fetchall():
                seen.setdefault(src, set()).update([scp] if scp else [])
    conn.rollback()
    chosen = configured(settings)
    ctx.sources = [source] if source else chosen or [s for s in SOURCES if s in seen]
    for s in ctx.sources:
        names = [n.strip() for n in (settings.environ.get(f"{s.upper()}_SCOPES") or "").split(",") if n.strip()]
        ctx.scopes[s] = (names or ["default"]) if s in chosen else sorted(seen.get(s, ())) or ["default"]
    return ctx


def hours(value: float | None) -> str:
    if value is None:
        return "never"
    return f"{value:.1f} h" if abs(value) < 72 else f"{value / 24:.1f} d"


def when(ts: dt.datetime | None) -> str:
    return "never" if ts is None else ts.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def one_line(text: str | None, limit: int = 240) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[:limit - 3] + "..."


def this_host() -> str:
    return socket.gethostname()
