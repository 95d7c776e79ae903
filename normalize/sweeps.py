"""Deletion sweeps in normalize: flag in core what a complete sweep did not list, unflag what it listed again.

Data flow: meta.sweeps (sweeps_pending.sql) -> per scope, in the entity's normalize transaction and after
           its upserts: sweep_restore.sql + sweep_flag.sql on its first core table -> guard -> sweep_done.sql.
Run standalone: used by normalize/engine.py (python -m normalize.normalize_pipedrive).

Decisions (extract/sweep.py lists, load/sweeps.py records the ids):
- Which rows: of the sweep's scope, not deleted, not listed, and whose stored version came from a bronze
  run that started before the sweep (its _blob_path sorts before the sweep's run folder: bronze paths
  hold ingestion_date=/run_id=, the extractor's own clock). Comparing the record's update time with
  the sweep's start instead would mix two clocks: an API clock running behind ours would let a record
  created after the listing began look older than the sweep, and be flagged.
- How: is_deleted true, deleted_at = when the sweep began (the record was gone by then; when exactly
  it went, the API no longer says), deletion_detected_by 'sweep'. Lineage and _source_updated_at stay,
  so the flag is not a version: any later version (the record undeleted) wins the upsert's "never
  older" test and sets deletion_detected_by back (null, or 'source' if that version says deleted).
- A row a sweep flagged that a later complete sweep lists again (visible again with its old version,
  which the loader drops as a duplicate) is unflagged by that sweep.
- Guard: a sweep that would flag more than MAX_SHARE of the scope's live rows, and more than
  MIN_GUARDED rows, is refused (status 'refused', an error logged, nothing changed): an emptied listing
  is far likelier a token that lost visibility than a mass deletion. When the deletions are real, set the
  sweep's status back to 'complete' and is_forced to true: the next normalize applies it.
- normalize --full re-applies the newest applied sweep: re-upserting every stored version unflags. A
  row it flags again gets that sweep's start as deleted_at: possibly later than the first sweep that
  found the record gone (whose ids are no longer kept), still a time by which it was gone.
The flags count in meta.pipeline_runs rows_out and in meta.sweeps (rows_flagged, rows_restored).
"""
from __future__ import annotations

import logging
from pathlib import Path

from psycopg2 import sql

log = logging.getLogger(__name__)

SQL_DIR = Path(__file__).resolve().parent / "sql"
MAX_SHARE = 0.5
MIN_GUARDED = 10


def _sql(name: str, **identifiers) -> sql.Composable:
    return sql.SQL((SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")).format(**identifiers)


def apply_sweeps(cur, source: str, entity: str, table: str, key: str, full: bool) -> int:
    """Apply the pending sweeps of one entity to core.{table} (key: its id column beside scope);
    returns the rows changed. Runs inside the caller's transaction."""
    cur.execute(_sql("sweeps_pending"), {"source": source, "entity": entity, "full": full})
    changed = 0
    ids = {"table": sql.Identifier("core", table), "key": sql.Identifier(key)}
    for sweep_id, scope, run_id, run_path, started_at, forced in cur.fetchall():
        params = {"sweep_id": sweep_id, "scope": scope, "run_path": run_path, "started_at": started_at}
        cur.execute("SAVEPOINT sweep")
        cur.execute(_sql("sweep_restore", **ids), params)
        restored = cur.rowcount
        cur.execute(_sql("sweep_flag", **ids), params)
        flagged, live = cur.fetchone()
        status = "applied"
        if flagged > MIN_GUARDED and flagged > MAX_SHARE * live and not forced:
            cur.execute("ROLLBACK TO SAVEPOINT sweep")
            status = "refused"
            log.error("%s.%s sweep scope=%s run %s refused: it would flag %d of %d live rows in core.%s; if "
                      "that many were really deleted, set meta.sweeps status 'complete' and is_forced true "
                      "for sweep_id %d", source, entity, scope, run_id, flagged, live, table, sweep_id)
            flagged = restored = 0
        else:
            cur.execute("RELEASE SAVEPOINT sweep")
            log.info("%s.%s sweep scope=%s run %s: flagged=%d restored=%d in core.%s", source, entity, scope,
                     run_id, flagged, restored, table)
        cur.execute(_sql("sweep_done"), {"sweep_id": sweep_id, "status": status, "flagged": flagged,
                                          "restored": restored})
        changed += flagged + restored
    return changed
