-- stuck_runs: 'running' rows started before %(older_than)s, and whether a session that could have started
-- each one still holds the advisory lock its stage runs under: extract and sweep rows are written by the daily
-- runner, which holds 'daily_pipeline'; load and normalize hold 'load:<source>'. A session connected
-- after the row started cannot be its writer. Advisory locks taken as pg_advisory_lock(bigint) show in
-- pg_locks as classid (high 32 bits) and objid (low 32 bits) with objsubid 1, in this database only.
-- Grain: one row per running stage row. Uses the partial index pipeline_runs_running_idx.
WITH held AS (
    SELECT (l.classid::bigint << 32) | l.objid::bigint AS lock_key, a.backend_start
    FROM pg_locks l
    LEFT JOIN pg_stat_activity a ON a.pid = l.pid
    WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
      AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
)
SELECT r.run_id, r.stage, r.source, r.scope, r.entity, r.host, r.pid, r.started_at,
       EXISTS (SELECT 1 FROM held h
               WHERE h.lock_key = hashtext(CASE WHEN r.stage IN ('extract', 'sweep') THEN 'daily_pipeline'
                                                ELSE 'load:' || r.source END)::bigint
                 AND (h.backend_start IS NULL OR h.backend_start <= r.started_at)) AS lock_held
FROM meta.pipeline_runs r
WHERE r.status = 'running'
  AND r.started_at < %(older_than)s
  AND r.source = ANY(%(sources)s)
ORDER BY r.run_id
