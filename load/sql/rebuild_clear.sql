-- --rebuild: forget what was loaded (stg rows, ledger, rejected rows, sweeps) for one source entity, in
-- one scope or (scope parameter null) in all, so that every complete bronze run is loaded again. Runs in
-- the entity's rebuild transaction (load/rebuild.py), which also reloads it: committed together, or rolled
-- back together. After the TRUNCATE the loader issues first when no scope is given (cheaper than deleting
-- every row).
DELETE FROM {table} WHERE %(scope)s::text IS NULL OR scope = %(scope)s;
DELETE FROM meta.loaded_files
WHERE source = %(source)s AND entity = %(entity)s AND (%(scope)s::text IS NULL OR scope = %(scope)s);
DELETE FROM meta.rejected_rows
WHERE source = %(source)s AND entity = %(entity)s AND (%(scope)s::text IS NULL OR scope = %(scope)s);
-- Sweeps are recorded again as their runs are replayed (normalize re-applies the newest, idempotently).
DELETE FROM meta.sweep_ids AS i
USING meta.sweeps AS s
WHERE i.scope = s.scope AND i.sweep_id = s.sweep_id
  AND s.source = %(source)s AND s.entity = %(entity)s AND (%(scope)s::text IS NULL OR s.scope = %(scope)s);
DELETE FROM meta.sweeps
WHERE source = %(source)s AND entity = %(entity)s AND (%(scope)s::text IS NULL OR scope = %(scope)s);
