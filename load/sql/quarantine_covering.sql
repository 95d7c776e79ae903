-- The active quarantine that covers a part or run folder (the path itself, or the run folder a part lies
-- in), if any: python -m load.quarantine says "already quarantined" instead of adding a second row.
SELECT quarantine_id, kind, blob_path, reason, quarantined_by, quarantined_at
FROM meta.quarantined_parts
WHERE released_at IS NULL
  AND (blob_path = %(blob_path)s OR (kind = 'run' AND starts_with(%(blob_path)s, blob_path)))
ORDER BY kind = 'part' DESC
LIMIT 1
