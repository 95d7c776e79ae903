"""What the loader skips: the parts and runs an operator quarantined (python -m load.quarantine).

Data flow: meta.quarantined_parts (active rows of one source x scope x entity, load/sql/quarantined.sql)
           -> held() -> load.engine asks reason(held, part) per part; skip_run() for a whole run.
Run standalone: used by load/engine.py (python -m load.load_pipedrive_stg); the command: load/quarantine.py.

One warning line per skipped part (a run whose manifest cannot be read: one line for the run), counted
in EntityResult.quarantined and in the entity's log line (quarantined=N): meta.pipeline_runs has no
column for it, and its status stays what the rest of the load earned.
"""
from __future__ import annotations

import logging
from pathlib import Path

log = logging.getLogger("load.engine")  # the loader's own lines: one logger to grep for a load

QUERY = Path(__file__).with_name("sql") / "quarantined.sql"


def held(conn, source: str, scope: str | None, entity: str) -> dict[str, str]:
    """Active quarantines: blob path (a part, or a run folder ending in '/') -> reason. The caller commits."""
    with conn.cursor() as cur:
        cur.execute(QUERY.read_text(encoding="utf-8"), {"source": source, "scope": scope, "entity": entity})
        return {path: reason for _kind, path, reason in cur}


def reason(quarantined: dict[str, str], path: str) -> str | None:
    """Why a part is quarantined (itself, or with its run), or None when it is not."""
    return quarantined.get(path, quarantined.get(path.rpartition("/")[0] + "/"))


def skip_part(path: str, why: str) -> None:
    log.warning("%s: quarantined, not loaded (%s; python -m load.quarantine --list)", path, why)


def skip_run(folder: str, parts: list[dict] | None, loaded: set[str], why: str) -> int:
    """A quarantined run: one warning line per part not loaded; parts None = its manifest is unreadable,
    one line for the run. Returns how many were skipped."""
    if parts is None:
        log.warning("%s: run quarantined, not loaded (%s; python -m load.quarantine --list)", folder, why)
        return 1
    waiting = [p["path"] for p in parts if p["path"] not in loaded]
    for path in waiting:
        log.warning("%s: quarantined with its run, not loaded (%s; python -m load.quarantine --list)", path, why)
    return len(waiting)
