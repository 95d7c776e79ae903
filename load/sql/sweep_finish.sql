-- The last part of a deletion sweep run is loaded (same transaction): the sweep is complete when the
-- listing ran to its end and every line had an id, else incomplete (never applied). Then only the newest
-- complete-or-applied sweep of this source x scope x entity keeps its ids: an older one not yet applied
-- is superseded (a late-loaded older run is superseded by the newer one already there), and the ids of
-- every other sweep of the key are deleted. The newest applied one keeps its ids for normalize --full.
UPDATE meta.sweeps AS s
SET status = CASE WHEN %(complete)s AND s.lines_without_id = 0 THEN 'complete' ELSE 'incomplete' END,
    ids_listed = (SELECT count(*) FROM meta.sweep_ids i WHERE i.scope = s.scope AND i.sweep_id = s.sweep_id),
    loaded_at = now()
WHERE s.sweep_id = %(sweep_id)s;

UPDATE meta.sweeps AS s
SET status = 'superseded'
WHERE s.source = %(source)s AND s.scope = %(scope)s AND s.entity = %(entity)s AND s.status = 'complete'
  AND s.run_id < (SELECT max(n.run_id) FROM meta.sweeps n
                  WHERE n.source = s.source AND n.scope = s.scope AND n.entity = s.entity
                    AND n.status IN ('complete', 'applied'));

DELETE FROM meta.sweep_ids AS i
USING meta.sweeps AS s
WHERE i.scope = %(scope)s AND i.sweep_id = s.sweep_id
  AND s.source = %(source)s AND s.scope = %(scope)s AND s.entity = %(entity)s
  AND s.sweep_id IS DISTINCT FROM (SELECT n.sweep_id FROM meta.sweeps n
                                   WHERE n.source = s.source AND n.scope = s.scope AND n.entity = s.entity
                                     AND n.status IN ('complete', 'applied')
                                   ORDER BY n.run_id DESC LIMIT 1)
