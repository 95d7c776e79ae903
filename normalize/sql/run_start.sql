-- One meta.pipeline_runs row per normalize of one source entity, committed at once as 'running' so that
-- a killed run leaves a visible trace. Normalize covers every scope: scope stays null.
INSERT INTO meta.pipeline_runs (batch_id, stage, source, entity, status, host, pid)
VALUES (%(batch_id)s, 'normalize', %(source)s, %(entity)s, 'running', %(host)s, %(pid)s)
RETURNING run_id
