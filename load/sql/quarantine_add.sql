-- Quarantine one part or run (python -m load.quarantine, which has checked the lake, the ledger and that
-- no active quarantine covers it, under the loader's advisory lock). Returns the new row.
INSERT INTO meta.quarantined_parts
    (source, scope, entity, kind, blob_path, bronze_run_id, rows, reason, quarantined_by)
VALUES (%(source)s, %(scope)s, %(entity)s, %(kind)s, %(blob_path)s, %(run_id)s, %(rows)s, %(reason)s, %(who)s)
ON CONFLICT (blob_path) WHERE released_at IS NULL DO NOTHING
RETURNING quarantine_id, quarantined_at
