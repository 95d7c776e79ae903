-- The records one normalize step reads: the newest version per (scope, record_id) among the stg rows
-- with _load_id in (%(after)s, %(upto)s] (an index range scan on _load_id when incremental).
-- Newest = latest source_updated_at (NULL counts as oldest), then the latest bronze path and line: paths
-- hold ingestion_date=/run_id=/part-NNNNN, so byte order (COLLATE "C") is chronological.
-- Grain: one row per scope x record_id. Then `batch` (those versions, with _entity and the scope's
-- scope_key) and `stg_source` (every version, for history lookups) are the temp views the per-table SQL
-- files read. A scope met for the first time is numbered in core.dim_scope first (scope_key, the high
-- bits of every member key; ON CONFLICT covers a normalizer of the other source adding it meanwhile).
CREATE TEMP TABLE _nz_keys AS
SELECT DISTINCT ON (scope, record_id) scope, record_id, _blob_path, _line_no
FROM {stg}
WHERE _load_id > %(after)s AND _load_id <= %(upto)s
ORDER BY scope, record_id, source_updated_at DESC NULLS LAST, _blob_path COLLATE "C" DESC, _line_no DESC;

ANALYZE _nz_keys;

INSERT INTO core.dim_scope (scope)
SELECT n.scope FROM (SELECT DISTINCT scope FROM _nz_keys) AS n
WHERE NOT EXISTS (SELECT FROM core.dim_scope d WHERE d.scope = n.scope)
ORDER BY n.scope
ON CONFLICT (scope) DO NOTHING;

CREATE TEMP VIEW batch AS
SELECT %(entity)s::text AS _entity, s.*, d.scope_key
FROM {stg} s
JOIN _nz_keys k ON k._blob_path = s._blob_path AND k._line_no = s._line_no
JOIN core.dim_scope d ON d.scope = k.scope;

CREATE TEMP VIEW stg_source AS SELECT * FROM {stg};
