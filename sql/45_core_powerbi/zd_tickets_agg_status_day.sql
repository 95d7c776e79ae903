-- core.zd_tickets_agg_status_day: core.zd_tickets counted by status and day created, for Power BI's "Manage
-- aggregations" (docs/powerbi.md). Grain: one row per scope, status and created_date that has tickets. Key: (scope,
-- status, created_date), nulls equal.
-- Why: "tickets by status and week" and "tickets created per month" count 100k to 500k of 1M tickets on every
-- click: ~0.8 s at 1M tickets (bench/README.md), and an index only spares the table scan, not the counting. This
-- table has a row per status and day (~3.7k over two years). It serves the visuals of bench/powerbi_sql q4 and q7b.
-- Exact at every commit: statement triggers on core.zd_tickets apply what each statement wrote (set-based, from its
-- transition tables) in the writing transaction (not a TRUNCATE: run the _rebuild() function after one). It counts
-- every zd_tickets row, deleted ones too, as the detail table does.
CREATE TABLE core.zd_tickets_agg_status_day (
    -- ids
    scope         text    NOT NULL,
    scope_key     integer NOT NULL,
    status        text,
    created_date  date,
    -- measures
    ticket_count  bigint  NOT NULL,
    UNIQUE NULLS NOT DISTINCT (scope, status, created_date)
);

CREATE FUNCTION util.zd_tickets_agg_status_day_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format($sql$
        INSERT INTO core.zd_tickets_agg_status_day AS a
        SELECT scope, scope_key, status, created_date, sum(sign)
        FROM (%s) AS r
        GROUP BY scope, scope_key, status, created_date
        HAVING sum(sign) <> 0
        ON CONFLICT (scope, status, created_date) DO UPDATE SET ticket_count = a.ticket_count + excluded.ticket_count
    $sql$, util.agg_signed_rows(TG_OP, 'scope, scope_key, status, created_date'));
    IF TG_OP <> 'INSERT' THEN  -- a group whose last ticket left
        DELETE FROM core.zd_tickets_agg_status_day WHERE ticket_count = 0;
    END IF;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION util.zd_tickets_agg_status_day_apply() IS 'Trigger: applies the rows a statement wrote to core.zd_tickets to core.zd_tickets_agg_status_day.';

CREATE FUNCTION util.zd_tickets_agg_status_day_rebuild() RETURNS bigint LANGUAGE sql AS $$
    DELETE FROM core.zd_tickets_agg_status_day;
    INSERT INTO core.zd_tickets_agg_status_day
    SELECT scope, scope_key, status, created_date, count(*)
    FROM core.zd_tickets GROUP BY scope, scope_key, status, created_date;
    SELECT count(*) FROM core.zd_tickets_agg_status_day;
$$;
COMMENT ON FUNCTION util.zd_tickets_agg_status_day_rebuild() IS 'Recomputes core.zd_tickets_agg_status_day from core.zd_tickets: its first fill, and the repair after a TRUNCATE of core.zd_tickets (which no trigger applies); returns its rows.';

CREATE TRIGGER zd_tickets_agg_status_day_insert AFTER INSERT ON core.zd_tickets REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION util.zd_tickets_agg_status_day_apply();
CREATE TRIGGER zd_tickets_agg_status_day_update AFTER UPDATE ON core.zd_tickets
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION util.zd_tickets_agg_status_day_apply();
CREATE TRIGGER zd_tickets_agg_status_day_delete AFTER DELETE ON core.zd_tickets REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION util.zd_tickets_agg_status_day_apply();

SELECT util.zd_tickets_agg_status_day_rebuild();  -- the tickets already there (the triggers see only what comes)

COMMENT ON TABLE core.zd_tickets_agg_status_day IS 'Tickets counted by status and day created: a DirectQuery aggregation table for core.zd_tickets (map it in Power BI with Manage aggregations). Always exact.';
COMMENT ON COLUMN core.zd_tickets_agg_status_day.scope IS 'Zendesk account (scope) of the tickets.';
COMMENT ON COLUMN core.zd_tickets_agg_status_day.scope_key IS 'Number of the scope (core.dim_scope).';
COMMENT ON COLUMN core.zd_tickets_agg_status_day.status IS 'GroupBy zd_tickets.status: new, open, pending, hold, solved, closed, or deleted.';
COMMENT ON COLUMN core.zd_tickets_agg_status_day.created_date IS 'GroupBy zd_tickets.created_date: relate to core.dim_date.date_day.';
COMMENT ON COLUMN core.zd_tickets_agg_status_day.ticket_count IS 'Count table rows of zd_tickets: the tickets of the group.';
