-- duplicates, whole table (the first check, or one that found some before): record versions stored more
-- than once in {stg}: the same scope, record_id, source_updated_at and doc in two rows. One scan; only
-- records with two rows of one source_updated_at (NULL counts as a value) are hashed (md5 of the doc).
-- Grain: one row: records affected, extra rows, an example (scope, record id, first bronze line).
WITH same_time AS MATERIALIZED (
    SELECT scope, record_id, source_updated_at
    FROM {stg}
    WHERE %(scope)s::text IS NULL OR scope = %(scope)s
    GROUP BY scope, record_id, source_updated_at
    HAVING count(*) > 1
), twice AS (
    SELECT s.scope, s.record_id, count(*) AS copies, min(s._blob_path || ':' || s._line_no) AS first_line
    FROM {stg} s
    JOIN same_time t ON t.scope = s.scope AND t.record_id = s.record_id
                    AND t.source_updated_at IS NOT DISTINCT FROM s.source_updated_at
    GROUP BY s.scope, s.record_id, s.source_updated_at, md5(s.doc::text)
    HAVING count(*) > 1
)
SELECT count(DISTINCT (scope, record_id)) AS records, coalesce(sum(copies - 1), 0) AS extra_rows,
       min(format('scope %%s record %%s at %%s', scope, record_id, first_line)) AS example
FROM twice
