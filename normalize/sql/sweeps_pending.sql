-- The deletion sweeps normalize applies to one entity (normalize/sweeps.py). Per scope only the newest
-- complete-or-applied sweep counts (the loader keeps the ids of that one alone): it is applied when it is
-- complete (loaded, not yet applied) or, with --full, applied already (re-upserting every stored version
-- has just turned its flags back).
SELECT s.sweep_id, s.scope, s.run_id, s.run_path, s.started_at, s.is_forced
FROM meta.sweeps AS s
WHERE s.source = %(source)s AND s.entity = %(entity)s
  AND (s.status = 'complete' OR (%(full)s AND s.status = 'applied'))
  AND s.run_id = (SELECT max(n.run_id) FROM meta.sweeps AS n
                  WHERE n.source = s.source AND n.scope = s.scope AND n.entity = s.entity
                    AND n.status IN ('complete', 'applied'))
ORDER BY s.scope
