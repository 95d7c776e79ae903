-- One meta.pipeline_runs row per load of one source x scope x entity, committed at once as 'running'
-- so that a killed loader leaves a visible trace; takes the load id stamped on every row it loads.
INSERT INTO meta.pipeline_runs (load_id, stage, source, scope, entity, status, host, pid)
VALUES (nextval('meta.load_id_seq'), 'load', %(source)s, %(scope)s, %(entity)s, 'running', %(host)s, %(pid)s)
RETURNING run_id, load_id
