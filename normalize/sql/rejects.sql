-- Values that did not cast to their core type (_nz_typed._bad = '<column>: <value>; ...'): one
-- meta.rejected_rows row per stg row, with its lineage. A row whose key cast was loaded with NULL in the
-- bad columns, hence is_repaired; a row whose key did not cast ({key_present} false) was not loaded at
-- all, so is_repaired is false. Unique (_blob_path, _line_no, reason_code): a rerun records nothing twice.
INSERT INTO meta.rejected_rows (load_id, source, scope, entity, reason_code, detail, is_repaired, _blob_path, _line_no)
SELECT s._load_id, %(source)s, t.scope, %(entity)s, 'bad_type', t._bad, ({key_present}), t._blob_path, t._line_no
FROM _nz_typed t
JOIN stg_source s ON s._blob_path = t._blob_path AND s._line_no = t._line_no
WHERE t._bad <> ''
ON CONFLICT (_blob_path, _line_no, reason_code) DO NOTHING
