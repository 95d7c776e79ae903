-- What the loader skips for one source x scope x entity: the active quarantines (python -m load.quarantine),
-- kind 'part' (blob_path = the part) or 'run' (blob_path = the run folder: every part under it).
SELECT kind, blob_path, reason
FROM meta.quarantined_parts
WHERE source = %(source)s AND scope = %(scope)s AND entity = %(entity)s AND released_at IS NULL
