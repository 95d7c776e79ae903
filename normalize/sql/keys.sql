-- The records one normalize step reads: the newest version per (scope, record_id) among the stg rows
-- with _load_id in (%(after)s, %(upto)s] (an index range scan on _load_id when incremental).
-- Newest = latest source_updated_at (NULL counts as oldest), then the latest bronze path and line: paths
-- hold ingestion_date=/run_id=/part-NNNNN, so byte order (COLLATE "C") is chronological.
-- Grain: one row per scope x record_id. Then `batch` (those versions, with _entity) and `stg_source`
-- (every version, for history lookups) are the temp views the per-table SQL files read.
CREATE TEMP TABLE _nz_keys AS
SELECT DISTINCT ON (scope, record_id) scope, record_id, _blob_path, _line_no
FROM {stg}
WHERE _load_id > %(after)s AND _load_id <= %(upto)s
ORDER BY scope, record_id, source_updated_at DESC NULLS LAST, _blob_path COLLATE "C" DESC, _line_no DESC;

ANALYZE _nz_keys;

CREATE TEMP VIEW batch AS
SELECT %(entity)s::text AS _entity, s.*
FROM {stg} s
JOIN _nz_keys k ON k._blob_path = s._blob_path AND k._line_no = s._line_no;

CREATE TEMP VIEW stg_source AS SELECT * FROM {stg};
