-- One part of a deletion sweep run: its meta.sweeps row (created by the first part, status 'loading') and
-- the count of lines whose id could not be read, in the transaction of the part's stg rows. Returns sweep_id.
INSERT INTO meta.sweeps AS s (source, scope, entity, run_id, run_path, started_at, rows_listed, lines_without_id)
VALUES (%(source)s, %(scope)s, %(entity)s, %(run_id)s, %(run_path)s, %(started_at)s, %(rows_listed)s,
        %(lines_without_id)s)
ON CONFLICT (source, scope, entity, run_id)
DO UPDATE SET lines_without_id = s.lines_without_id + excluded.lines_without_id
RETURNING sweep_id
