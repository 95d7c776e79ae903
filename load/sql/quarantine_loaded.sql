-- Which of these bronze parts are already loaded (meta.loaded_files): quarantine is refused for them.
SELECT blob_path, load_id, loaded_at FROM meta.loaded_files WHERE blob_path = ANY(%(paths)s) ORDER BY blob_path
