-- reconciliation: how far normalize has read each entity of one source (stg rows with _load_id up to this
-- are in core). Grain: one row per entity.
SELECT entity, last_load_id FROM meta.normalize_state WHERE source = %(source)s
