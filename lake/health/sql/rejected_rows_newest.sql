-- rejected_rows: the newest rejected row now; this check reports up to it and records it as seen.
SELECT coalesce(max(rejected_id), 0) FROM meta.rejected_rows
