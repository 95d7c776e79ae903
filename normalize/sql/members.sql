-- Inferred members (DESIGN.md §5, docs/powerbi.md): the rows of temp table _nz_wanted (scope, scope_key,
-- id) that {target} lacks are added as members of their own, so that every fact's member key finds its
-- row and Power BI's inner joins ("Assume referential integrity") lose no fact. Id 0 is the "(none)"
-- member of facts with no id (util.member_key maps NULL to 0); any other is "(unknown <id>)", a record
-- referenced but never received (purged, deleted before the first run, not extracted yet). Lineage ''/0
-- sorts before every bronze path, so the first version the source sends replaces the member whole
-- (normalize/sql/upsert.sql), is_inferred included. Probe by primary key before writing, as everywhere.
-- The members added go to temp table _nz_added (scope, scope_key, id).
WITH added AS (
    INSERT INTO {target} AS m (scope, {target_id}, scope_key, is_inferred, {label}, _blob_path, _line_no, _updated_at)
    SELECT w.scope, w.id, w.scope_key, true,
           CASE WHEN w.id = 0 THEN '(none)' ELSE '(unknown ' || w.id || ')' END, '', 0, now()
    FROM _nz_wanted w
    WHERE NOT EXISTS (SELECT FROM {target} x WHERE x.scope = w.scope AND x.{target_id} = w.id)
    ON CONFLICT DO NOTHING
    RETURNING m.scope, m.scope_key, m.{target_id}
)
INSERT INTO _nz_added SELECT * FROM added
