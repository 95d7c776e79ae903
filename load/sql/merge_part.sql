-- Merge path for one bronze part: its rows were COPYed into the temp table {part}; insert those that
-- are new versions. Keyed (_blob_path, _line_no), so a part that was already (partly) loaded, e.g. after
-- its meta.loaded_files row was lost, converges without duplicates. A row whose doc equals the newest
-- stored version of the same record (latest bronze path, then line) is the same version read again
-- (inclusive incremental boundary, full refresh) and is not stored twice.
INSERT INTO {table} (scope, _blob_path, _load_id, record_id, source_updated_at, _line_no, doc)
SELECT p.scope, p._blob_path, p._load_id, p.record_id, p.source_updated_at, p._line_no, p.doc
FROM {part} AS p
WHERE NOT EXISTS (
    SELECT 1
    FROM (SELECT s.doc FROM {table} AS s
          WHERE s.scope = p.scope AND s.record_id = p.record_id
          ORDER BY s._blob_path DESC, s._line_no DESC
          LIMIT 1) AS newest
    WHERE newest.doc = p.doc)
ON CONFLICT (_blob_path, _line_no) DO NOTHING
