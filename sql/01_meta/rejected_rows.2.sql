-- meta.rejected_rows, version 2: an index on the lines that were NOT loaded, per source entity, scope and
-- bronze part, so the health check's reconciliation (ledger lines = stg rows + duplicates + rejected)
-- counts them from the index alone, without reading the repaired rows (normalize's bad_type rows can be
-- millions) or raw_text.
CREATE INDEX rejected_rows_not_loaded_idx ON meta.rejected_rows (source, entity, scope, _blob_path, _line_no)
    WHERE NOT is_repaired;
