-- --rebuild: forget what was loaded for one source entity, in one scope or (scope parameter null) in
-- all, so that every complete bronze run is loaded again. Runs in one transaction, after the TRUNCATE
-- the loader issues first when no scope is given (cheaper than deleting every row).
DELETE FROM {table} WHERE %(scope)s::text IS NULL OR scope = %(scope)s;
DELETE FROM meta.loaded_files
WHERE source = %(source)s AND entity = %(entity)s AND (%(scope)s::text IS NULL OR scope = %(scope)s);
DELETE FROM meta.rejected_rows
WHERE source = %(source)s AND entity = %(entity)s AND (%(scope)s::text IS NULL OR scope = %(scope)s);
