-- duplicates: the stg rows of {stg} loaded from load id %(from_load)s on whose version (same scope,
-- record_id, source_updated_at and doc) an earlier row already holds (earlier: by load id, then bronze
-- line). An index range on _load_id, then one (scope, record_id) index probe per new row.
-- Grain: one row: records affected, extra rows, an example.
WITH extra AS (
    SELECT n.scope, n.record_id, n._blob_path, n._line_no
    FROM {stg} n
    WHERE n._load_id >= %(from_load)s
      AND (%(scope)s::text IS NULL OR n.scope = %(scope)s)
      AND EXISTS (SELECT 1 FROM {stg} o
                  WHERE o.scope = n.scope AND o.record_id = n.record_id
                    AND o.source_updated_at IS NOT DISTINCT FROM n.source_updated_at
                    AND (o._load_id, o._blob_path, o._line_no) < (n._load_id, n._blob_path, n._line_no)
                    AND o.doc = n.doc)
)
SELECT count(DISTINCT (scope, record_id)), count(*),
       min(format('scope %%s record %%s at %%s:%%s', scope, record_id, _blob_path, _line_no))
FROM extra
