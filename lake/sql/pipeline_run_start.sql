-- Open one meta.pipeline_runs row (stage x source x scope x entity), committed at once as 'running' so
-- that a killed stage leaves a visible trace for the health check.
INSERT INTO meta.pipeline_runs (batch_id, stage, source, scope, entity, load_id, status, host, pid)
VALUES (%(batch_id)s, %(stage)s, %(source)s, %(scope)s, %(entity)s, %(load_id)s, 'running', %(host)s, %(pid)s)
RETURNING run_id
