-- watermarks: new lines (not equal to the stored version) loaded from the bronze runs of one scope x entity
-- that started after %(after)s (a run_id: sortable text).
SELECT coalesce(sum(rows - rows_duplicate), 0)
FROM meta.loaded_files
WHERE source = %(source)s AND scope = %(scope)s AND entity = %(entity)s AND bronze_run_id > %(after)s
