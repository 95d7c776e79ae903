-- reconciliation: distinct records (scope, record_id) per scope in one stg table ({stg}), among the rows
-- normalize has read (%(upto)s null: all of them, normalize is caught up).
-- Grain: one row per scope.
SELECT scope, count(*) AS records
FROM (SELECT DISTINCT scope, record_id
      FROM {stg}
      WHERE (%(upto)s::bigint IS NULL OR _load_id <= %(upto)s)
        AND (%(scope)s::text IS NULL OR scope = %(scope)s)) AS records
GROUP BY scope
