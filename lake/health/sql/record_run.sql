-- Record one health check run (its rows follow in record_rows.sql, same transaction).
INSERT INTO meta.health_check_runs
    (checked_at, source_filter, scope_filter, status, rows_ok, rows_warn, rows_fail, rejected_id_seen, host, duration_ms)
VALUES (%(checked_at)s, %(source)s, %(scope)s, %(status)s, %(ok)s, %(warn)s, %(fail)s, %(rejected_id_seen)s,
        %(host)s, %(duration_ms)s)
RETURNING check_run_id
