-- reconciliation, when a scope's totals do not add up: for every loaded bronze part of one source entity,
-- its lines in the ledger (meta.loaded_files.rows, checked against the manifest at load time) against its
-- stg rows in {stg}, plus rows_duplicate, plus its lines rejected and not repaired (each line once).
-- stg rows of a part the ledger does not know are a mismatch too (FULL JOIN).
-- Grain: one row per scope: how many parts do not add up, and the first of them.
WITH ledger AS (
    SELECT blob_path, scope, rows, rows_duplicate
    FROM meta.loaded_files
    WHERE source = %(source)s AND entity = %(entity)s AND (%(scope)s::text IS NULL OR scope = %(scope)s)
), stored AS (
    SELECT _blob_path AS blob_path, scope, count(*) AS rows
    FROM {stg}
    WHERE %(scope)s::text IS NULL OR scope = %(scope)s
    GROUP BY _blob_path, scope
), rejected AS (
    SELECT _blob_path AS blob_path, count(DISTINCT _line_no) AS rows
    FROM meta.rejected_rows
    WHERE source = %(source)s AND entity = %(entity)s AND NOT is_repaired
      AND (%(scope)s::text IS NULL OR scope = %(scope)s)
    GROUP BY _blob_path
), parts AS (
    SELECT coalesce(l.blob_path, s.blob_path) AS blob_path, coalesce(l.scope, s.scope) AS scope,
           l.rows AS ledger_rows, coalesce(s.rows, 0) AS stg_rows,
           coalesce(l.rows_duplicate, 0) AS duplicate_rows, coalesce(r.rows, 0) AS rejected_rows
    FROM ledger l
    FULL JOIN stored s ON s.blob_path = l.blob_path
    LEFT JOIN rejected r ON r.blob_path = coalesce(l.blob_path, s.blob_path)
)
SELECT scope,
       count(*) FILTER (WHERE ledger_rows IS DISTINCT FROM stg_rows + duplicate_rows + rejected_rows) AS bad_parts,
       min(format('%%s: %%s lines in the ledger, %%s stg + %%s duplicates + %%s rejected', blob_path,
                  coalesce(ledger_rows::text, 'no'), stg_rows, duplicate_rows, rejected_rows))
           FILTER (WHERE ledger_rows IS DISTINCT FROM stg_rows + duplicate_rows + rejected_rows) AS first_bad
FROM parts
GROUP BY scope
ORDER BY scope
