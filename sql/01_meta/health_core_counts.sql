-- meta.health_core_counts: the core row counts the health check last accepted, per table and scope, so
-- the next check can tell a table that shrank (core rows are flagged, never deleted). A count that fell
-- by more than HEALTH_VOLUME_TOLERANCE is kept as it was (the check stays red) until it recovers or an
-- operator runs python -m scripts.health_check --accept-counts.
-- Grain: one core table x scope. Key: (table_name, scope).
CREATE TABLE meta.health_core_counts (
    table_name  text        NOT NULL,
    scope       text        NOT NULL,
    rows        bigint      NOT NULL,
    counted_at  timestamptz NOT NULL,
    PRIMARY KEY (table_name, scope)
);

COMMENT ON TABLE meta.health_core_counts IS 'Core row counts per table and scope as the health check last accepted them (its baseline for "a count dropped").';
COMMENT ON COLUMN meta.health_core_counts.table_name IS 'Core table, e.g. pd_deals (schema core).';
COMMENT ON COLUMN meta.health_core_counts.scope IS 'Account (tenant).';
COMMENT ON COLUMN meta.health_core_counts.rows IS 'Row count when counted.';
COMMENT ON COLUMN meta.health_core_counts.counted_at IS 'When the count was taken (UTC).';
