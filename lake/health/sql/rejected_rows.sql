-- rejected_rows: rows added to meta.rejected_rows in (%(after)s, %(upto)s] (a primary-key range), by source,
-- scope, entity, reason and repaired or not, with the bronze line of the first of each group.
-- Grain: one row per source x scope x entity x reason_code x is_repaired.
WITH new AS (
    SELECT source, scope, entity, reason_code, is_repaired, count(*) AS lines, min(rejected_id) AS first_id
    FROM meta.rejected_rows
    WHERE rejected_id > %(after)s AND rejected_id <= %(upto)s
      AND source = ANY(%(sources)s) AND (%(scope)s::text IS NULL OR scope = %(scope)s)
    GROUP BY source, scope, entity, reason_code, is_repaired
)
SELECT n.source, n.scope, n.entity, n.reason_code, n.is_repaired, n.lines, r._blob_path || ':' || r._line_no
FROM new n
JOIN meta.rejected_rows r ON r.rejected_id = n.first_id
ORDER BY n.source, n.scope, n.entity, n.is_repaired, n.reason_code
