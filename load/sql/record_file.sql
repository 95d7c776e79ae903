-- Ledger row for one loaded bronze part, in the same transaction as its stg rows and rejected rows.
INSERT INTO meta.loaded_files (blob_path, load_id, source, scope, entity, bronze_run_id, sha256, rows, bytes, rows_duplicate)
VALUES (%(blob_path)s, %(load_id)s, %(source)s, %(scope)s, %(entity)s, %(run_id)s, %(sha256)s, %(rows)s, %(bytes)s, %(rows_duplicate)s)
