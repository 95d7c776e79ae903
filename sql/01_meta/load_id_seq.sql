-- meta.load_id_seq: monotonic load ids. Each loader run takes one with nextval() and stamps it on every
-- stg row it inserts (_load_id), on meta.loaded_files and on meta.rejected_rows. Normalize reads
-- stg rows with _load_id > meta.normalize_state.last_load_id.
-- Loaders take their id under the per-source advisory lock, so for one entity a lower id is never
-- committed after a higher one (which would let normalize skip it).
-- Grain: n/a (a sequence). Ids are never reused; gaps (rolled-back loads) are normal.
CREATE SEQUENCE meta.load_id_seq AS bigint;

COMMENT ON SEQUENCE meta.load_id_seq IS 'Monotonic load ids, one per loader run (stamped as _load_id on stg rows).';
