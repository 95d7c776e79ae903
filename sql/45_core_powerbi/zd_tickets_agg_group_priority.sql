-- core.zd_tickets_agg_group_priority: core.zd_tickets counted by status, group and priority, for Power BI's "Manage
-- aggregations" (docs/powerbi.md). Grain: one row per scope, status, group_key and priority that has tickets. Key:
-- (scope, status, group_key, priority), nulls equal.
-- Why: "open tickets by group and priority" counts every open ticket (~15 % of 1M) on every click: ~0.9 s at 1M
-- tickets (bench/README.md), and an index only spares the table scan, not the counting. This table has a row per
-- status, group and priority (~500). It serves bench/powerbi_sql q5.
-- Exact at every commit: statement triggers on core.zd_tickets apply what each statement wrote (set-based, from its
-- transition tables) in the writing transaction (not a TRUNCATE: run the _rebuild() function after one). It counts
-- every zd_tickets row, deleted ones too, as the detail table does.
CREATE TABLE core.zd_tickets_agg_group_priority (
    -- ids
    scope         text    NOT NULL,
    scope_key     integer NOT NULL,
    status        text,
    group_key     bigint  NOT NULL,
    priority      text,
    -- measures
    ticket_count  bigint  NOT NULL,
    UNIQUE NULLS NOT DISTINCT (scope, status, group_key, priority)
);

CREATE FUNCTION util.zd_tickets_agg_group_priority_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format($sql$
        INSERT INTO core.zd_tickets_agg_group_priority AS a
        SELECT scope, scope_key, status, group_key, priority, sum(sign)
        FROM (%s) AS r
        GROUP BY scope, scope_key, status, group_key, priority
        HAVING sum(sign) <> 0
        ON CONFLICT (scope, status, group_key, priority) DO UPDATE
        SET ticket_count = a.ticket_count + excluded.ticket_count
    $sql$, util.agg_signed_rows(TG_OP, 'scope, scope_key, status, group_key, priority'));
    IF TG_OP <> 'INSERT' THEN  -- a group whose last ticket left
        DELETE FROM core.zd_tickets_agg_group_priority WHERE ticket_count = 0;
    END IF;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION util.zd_tickets_agg_group_priority_apply() IS 'Trigger: applies the rows a statement wrote to core.zd_tickets to core.zd_tickets_agg_group_priority.';

CREATE FUNCTION util.zd_tickets_agg_group_priority_rebuild() RETURNS bigint LANGUAGE sql AS $$
    DELETE FROM core.zd_tickets_agg_group_priority;
    INSERT INTO core.zd_tickets_agg_group_priority
    SELECT scope, scope_key, status, group_key, priority, count(*)
    FROM core.zd_tickets GROUP BY scope, scope_key, status, group_key, priority;
    SELECT count(*) FROM core.zd_tickets_agg_group_priority;
$$;
COMMENT ON FUNCTION util.zd_tickets_agg_group_priority_rebuild() IS 'Recomputes core.zd_tickets_agg_group_priority from core.zd_tickets: its first fill, and the repair after a TRUNCATE of core.zd_tickets (which no trigger applies); returns its rows.';

CREATE TRIGGER zd_tickets_agg_group_priority_insert AFTER INSERT ON core.zd_tickets
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION util.zd_tickets_agg_group_priority_apply();
CREATE TRIGGER zd_tickets_agg_group_priority_update AFTER UPDATE ON core.zd_tickets
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION util.zd_tickets_agg_group_priority_apply();
CREATE TRIGGER zd_tickets_agg_group_priority_delete AFTER DELETE ON core.zd_tickets
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION util.zd_tickets_agg_group_priority_apply();

SELECT util.zd_tickets_agg_group_priority_rebuild();  -- the tickets already there (the triggers see only what comes)

COMMENT ON TABLE core.zd_tickets_agg_group_priority IS 'Tickets counted by status, group and priority: a DirectQuery aggregation table for core.zd_tickets (map it in Power BI with Manage aggregations). Always exact.';
COMMENT ON COLUMN core.zd_tickets_agg_group_priority.scope IS 'Zendesk account (scope) of the tickets.';
COMMENT ON COLUMN core.zd_tickets_agg_group_priority.scope_key IS 'Number of the scope (core.dim_scope).';
COMMENT ON COLUMN core.zd_tickets_agg_group_priority.status IS 'GroupBy zd_tickets.status: new, open, pending, hold, solved, closed, or deleted.';
COMMENT ON COLUMN core.zd_tickets_agg_group_priority.group_key IS 'GroupBy zd_tickets.group_key: relate to core.zd_groups.group_key.';
COMMENT ON COLUMN core.zd_tickets_agg_group_priority.priority IS 'GroupBy zd_tickets.priority: urgent, high, normal, low, or null.';
COMMENT ON COLUMN core.zd_tickets_agg_group_priority.ticket_count IS 'Count table rows of zd_tickets: the tickets of the group.';
