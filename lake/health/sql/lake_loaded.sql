-- lake: every bronze part of one source already loaded into stg (meta.loaded_files), to find complete runs
-- not loaded yet. Grain: one row per loaded part (one small row per 50k records).
SELECT blob_path FROM meta.loaded_files WHERE source = %(source)s
