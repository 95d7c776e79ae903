-- lake: since when a daily runner holds its single-instance lock 'daily_pipeline' in this database (null:
-- none runs), so that the bronze runs it may still be writing are not taken for crashed ones.
SELECT min(coalesce(a.backend_start, 'epoch'::timestamptz))
FROM pg_locks l
LEFT JOIN pg_stat_activity a ON a.pid = l.pid
WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
  AND (l.classid::bigint << 32) | l.objid::bigint = hashtext('daily_pipeline')::bigint
