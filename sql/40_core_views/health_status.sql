-- core.health_status: the pipeline's health for Power BI, next to the numbers: the latest result of every
-- health check row (python -m scripts.health_check, meta.health_checks).
-- Grain: one row per check x source x scope x entity of the newest health check run that covered it: the
-- newest run over every scope for that check and source, except the scopes a later --scope run
-- checked, whose rows come from that run. A row a newer run no longer produces (a stuck run now closed)
-- disappears. Key: (check_name, source, scope, entity), nulls meaning "not about one".
-- A plain view runs with its owner's rights, so the read-only Power BI role (SELECT on core only) can
-- read it without any right on meta. Evolve with CREATE OR REPLACE VIEW, adding columns at the end.
CREATE VIEW core.health_status AS
WITH runs AS (
    SELECT h.check_name, coalesce(h.source, '') AS source_key, r.scope_filter, max(h.check_run_id) AS check_run_id
    FROM meta.health_checks h
    JOIN meta.health_check_runs r ON r.check_run_id = h.check_run_id
    GROUP BY h.check_name, coalesce(h.source, ''), r.scope_filter
), whole AS (
    SELECT check_name, source_key, check_run_id FROM runs WHERE scope_filter IS NULL
), narrowed AS (
    SELECT n.check_name, n.source_key, n.scope_filter, n.check_run_id
    FROM runs n
    LEFT JOIN whole w ON w.check_name = n.check_name AND w.source_key = n.source_key
    WHERE n.scope_filter IS NOT NULL AND n.check_run_id > coalesce(w.check_run_id, 0)
), latest AS (
    SELECT h.*
    FROM meta.health_checks h
    JOIN whole w ON w.check_run_id = h.check_run_id AND w.check_name = h.check_name
                AND w.source_key = coalesce(h.source, '')
    WHERE NOT EXISTS (SELECT 1 FROM narrowed n WHERE n.check_name = h.check_name
                      AND n.source_key = coalesce(h.source, '') AND n.scope_filter = h.scope)
    UNION ALL
    SELECT h.*
    FROM meta.health_checks h
    JOIN narrowed n ON n.check_run_id = h.check_run_id AND n.check_name = h.check_name
                   AND n.source_key = coalesce(h.source, '')
)
SELECT
    -- what was checked
    check_name,
    source,
    scope,
    entity,
    -- outcome
    status,
    CASE status WHEN 'ok' THEN 0 WHEN 'warn' THEN 1 ELSE 2 END AS status_rank,
    measured,
    threshold,
    hint,
    -- lineage
    check_run_id,
    checked_at
FROM latest;

COMMENT ON VIEW core.health_status IS 'Pipeline health for reports: the latest health check result per check, source, scope and entity (from meta.health_checks).';
COMMENT ON COLUMN core.health_status.check_name IS 'did_it_run, stuck_runs, freshness, volume, duplicates, rejected_rows, lake, reconciliation, watermarks or schema.';
COMMENT ON COLUMN core.health_status.source IS 'pipedrive or zendesk; null when not about one source.';
COMMENT ON COLUMN core.health_status.scope IS 'Account (tenant); null when the row covers every scope.';
COMMENT ON COLUMN core.health_status.entity IS 'Entity name (e.g. deals); null when about the whole source.';
COMMENT ON COLUMN core.health_status.status IS 'ok, warn or fail.';
COMMENT ON COLUMN core.health_status.status_rank IS '0 ok, 1 warn, 2 fail (for sorting and conditional formatting).';
COMMENT ON COLUMN core.health_status.measured IS 'What was found, readable.';
COMMENT ON COLUMN core.health_status.threshold IS 'The limit it was held against; null when there is none.';
COMMENT ON COLUMN core.health_status.hint IS 'What to do about it; empty when ok.';
COMMENT ON COLUMN core.health_status.check_run_id IS 'The health check run the row comes from (meta.health_check_runs).';
COMMENT ON COLUMN core.health_status.checked_at IS 'When that health check ran (UTC).';
