-- Release the active quarantine of exactly this part (part_path) or run (run_id) of one source x scope x
-- entity (python -m load.quarantine --release): the next load tries it again. The row stays, as history.
-- Works from meta alone, so a quarantine can be released even if the lake no longer lists the run.
UPDATE meta.quarantined_parts
SET released_at = now(), released_by = %(who)s
WHERE source = %(source)s AND scope = %(scope)s AND entity = %(entity)s AND released_at IS NULL
  AND ((kind = 'part' AND blob_path = %(part_path)s) OR (kind = 'run' AND bronze_run_id = %(run_id)s))
RETURNING quarantine_id, blob_path, reason
