-- duplicates: per entity of one source, the first load id of the parts loaded since %(since)s (the previous
-- check, less an hour for loads that were committing while it ran). Grain: one row per entity.
SELECT entity, min(load_id) FROM meta.loaded_files
WHERE source = %(source)s AND loaded_at > %(since)s
GROUP BY entity
