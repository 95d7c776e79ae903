-- duplicates: the entities of one source in which the previous check (%(check_run_id)s) found a version
-- stored twice, or all of them (entity null) when that check could not run: they are read whole again,
-- so a warning stays until stg is repaired and nothing loaded meanwhile goes unchecked.
SELECT DISTINCT entity FROM meta.health_checks
WHERE check_run_id = %(check_run_id)s AND check_name = 'duplicates' AND status <> 'ok'
  AND (source = %(source)s OR source IS NULL)
