-- lake: the bronze parts and runs an operator quarantined (python -m load.quarantine) and has not
-- released: the loader skips them on purpose, so they are not a backlog. Grain: one row per active
-- quarantine; blob_path is a part's path, or a run's folder (ending in /) for kind run.
SELECT scope, entity, kind, blob_path, reason
FROM meta.quarantined_parts
WHERE source = %(source)s AND released_at IS NULL
ORDER BY quarantined_at
