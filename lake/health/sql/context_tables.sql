-- Which of the health check's own bookkeeping tables exist yet (a database older than their migrations
-- still gets checked; the schema check says what is pending).
SELECT to_regclass('meta.pipeline_runs') IS NOT NULL, to_regclass('meta.health_check_runs') IS NOT NULL,
       to_regclass('meta.health_checks') IS NOT NULL
