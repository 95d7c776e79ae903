-- Flag in {table} the rows one complete deletion sweep shows gone (normalize/sweeps.py): rows of its
-- scope, not deleted, whose id it did not list, and whose stored version came from a bronze run that
-- started before the sweep did: its _blob_path sorts before the sweep's run folder (paths of one scope
-- and entity hold ingestion_date=/run_id=, so byte order is chronological; a plain comparison, cheap
-- on 1M rows). A record created or changed once the listing had begun reaches core through a later run
-- and may be missing from the listing without being gone. Only the flag columns change:
-- _source_updated_at and lineage stay, so the flag is never "newer" than a version that arrives later
-- (an undeleted record turns it back).
-- Inferred members (normalize/members.py) were never received, so a sweep has nothing to say of them.
-- Returns (rows flagged, live rows of the scope before), for the guard. Correlated on scope, which keys
-- both tables, so Citus can push it down when meta.sweep_ids is distributed by scope (DESIGN.md §9).
WITH flagged AS (
    UPDATE {table} AS c
    SET is_deleted = true, deleted_at = %(started_at)s, deletion_detected_by = 'sweep', _updated_at = now()
    WHERE c.scope = %(scope)s
      AND NOT c.is_deleted
      AND NOT c.is_inferred
      AND c._blob_path COLLATE "C" < %(run_path)s
      AND NOT EXISTS (SELECT FROM meta.sweep_ids AS i
                      WHERE i.scope = c.scope AND i.sweep_id = %(sweep_id)s AND i.record_id = c.{key}::text)
    RETURNING 1
)
SELECT (SELECT count(*) FROM flagged),
       (SELECT count(*) FROM {table} WHERE scope = %(scope)s AND NOT is_deleted AND NOT is_inferred)
