-- Record every row of one health check run (the VALUES list is filled by psycopg2.extras.execute_values).
INSERT INTO meta.health_checks
    (check_run_id, check_name, source, scope, entity, status, measured, threshold, hint, checked_at)
VALUES %s
