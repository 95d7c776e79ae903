-- watermarks: per scope x entity of one source, from its successful extracts: when the watermark last moved
-- (watermark_after differs from watermark_before), the first and last such extract, and the rows the
-- extracts after that move (or after the first, if it never moved) returned.
-- Grain: one row per scope x entity.
WITH runs AS (
    SELECT scope, entity, finished_at, rows_out, watermark_before, watermark_after
    FROM meta.pipeline_runs
    WHERE source = %(source)s AND stage = 'extract' AND status = 'success'
), moves AS (
    SELECT scope, entity,
           max(finished_at) FILTER (WHERE watermark_after IS DISTINCT FROM watermark_before) AS last_move,
           min(finished_at) AS first_run, max(finished_at) AS last_run
    FROM runs
    GROUP BY scope, entity
)
SELECT m.scope, m.entity, m.last_move, m.first_run, m.last_run,
       (SELECT coalesce(sum(r.rows_out), 0) FROM runs r
        WHERE r.scope = m.scope AND r.entity = m.entity
          AND r.finished_at > coalesce(m.last_move, m.first_run)) AS rows_since
FROM moves m
