-- Rejected or repaired lines of one bronze part (the VALUES list is filled by psycopg2.extras.execute_values).
-- Unique (_blob_path, _line_no, reason_code): a part reloaded by the slow path records each problem once.
INSERT INTO meta.rejected_rows
    (load_id, source, scope, entity, reason_code, detail, raw_text, is_repaired, _blob_path, _line_no)
VALUES %s
ON CONFLICT (_blob_path, _line_no, reason_code) DO NOTHING
