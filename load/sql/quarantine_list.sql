-- python -m load.quarantine --list: quarantines, newest first; released ones only with --all.
SELECT quarantine_id, quarantined_at, quarantined_by, source, scope, entity, kind, blob_path, rows, reason,
       released_at, released_by
FROM meta.quarantined_parts
WHERE (%(all)s OR released_at IS NULL)
  AND (%(source)s::text IS NULL OR source = %(source)s)
  AND (%(scope)s::text IS NULL OR scope = %(scope)s)
  AND (%(entity)s::text IS NULL OR entity = %(entity)s)
ORDER BY quarantine_id DESC
