-- Move the incremental position, in the same transaction as the core writes it covers: a crash before
-- the commit leaves both unchanged, so the rerun reads the same rows again and converges.
INSERT INTO meta.normalize_state (source, entity, last_load_id)
VALUES (%(source)s, %(entity)s, %(load_id_after)s)
ON CONFLICT (source, entity) DO UPDATE SET last_load_id = excluded.last_load_id, updated_at = now()
