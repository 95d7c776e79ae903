-- A row an earlier sweep flagged that this complete sweep lists again (visible again with no new version,
-- e.g. a deal that was archived away from the listing and came back) is live: its stored version said so
-- (a version that says deleted sets deletion_detected_by 'source'). Same scope correlation as sweep_flag.sql.
UPDATE {table} AS c
SET is_deleted = false, deleted_at = NULL, deletion_detected_by = NULL, _updated_at = now()
WHERE c.scope = %(scope)s
  AND c.deletion_detected_by = 'sweep'
  AND EXISTS (SELECT FROM meta.sweep_ids AS i
              WHERE i.scope = c.scope AND i.sweep_id = %(sweep_id)s AND i.record_id = c.{key}::text)
