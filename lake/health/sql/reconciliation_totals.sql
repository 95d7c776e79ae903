-- reconciliation: per scope of one source entity, the ledger's parts and lines (meta.loaded_files), stg
-- rows in {stg} (counted from an index), duplicates, and lines rejected and not repaired (each line once,
-- from the partial index rejected_rows_not_loaded_idx). lines = stg + duplicates + rejected when whole;
-- otherwise reconciliation_parts.sql finds the parts that do not add up.
-- Grain: one row per scope.
WITH ledger AS (
    SELECT scope, count(*) AS parts, sum(rows) AS lines, sum(rows_duplicate) AS duplicate_rows
    FROM meta.loaded_files
    WHERE source = %(source)s AND entity = %(entity)s AND (%(scope)s::text IS NULL OR scope = %(scope)s)
    GROUP BY scope
), stored AS (
    SELECT scope, count(*) AS stg_rows
    FROM {stg}
    WHERE %(scope)s::text IS NULL OR scope = %(scope)s
    GROUP BY scope
), rejected AS (
    SELECT scope, count(*) AS rejected_rows
    FROM (SELECT DISTINCT scope, _blob_path, _line_no FROM meta.rejected_rows
          WHERE source = %(source)s AND entity = %(entity)s AND NOT is_repaired
            AND (%(scope)s::text IS NULL OR scope = %(scope)s)) AS lines
    GROUP BY scope
)
SELECT scope, coalesce(parts, 0), coalesce(lines, 0), coalesce(stg_rows, 0), coalesce(duplicate_rows, 0),
       coalesce(rejected_rows, 0)
FROM ledger
FULL JOIN stored USING (scope)
FULL JOIN rejected USING (scope)
ORDER BY scope
