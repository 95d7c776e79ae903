-- core.pd_deals_agg_owner_won_day: core.pd_deals summed by owner, status and day won, for Power BI's "Manage
-- aggregations" (docs/powerbi.md). Grain: one row per scope, owner_key, status and won_date that has deals. Key:
-- (scope, owner_key, status, won_date), nulls equal.
-- Why: "won deals by owner and quarter" joins and groups every won deal, a quarter of the table, on every click:
-- ~0.45 s at 1M deals (bench/README.md), index or not. This table has a row per owner and day won (~45k at 1M deals
-- and 50 owners) and one per owner for the open and the lost. It serves bench/powerbi_sql q2.
-- Exact at every commit: statement triggers on core.pd_deals apply what each statement wrote (set-based, from its
-- transition tables) in the writing transaction (not a TRUNCATE: run the _rebuild() function after one). It counts
-- every pd_deals row, inferred and deleted ones too, as the detail table does; value_sum is null where no deal of
-- the group has a value, as SUM(value) is, and has no trailing zeros (trim_scale: the same digits however the
-- deals came and went).
CREATE TABLE core.pd_deals_agg_owner_won_day (
    -- ids
    scope         text    NOT NULL,
    scope_key     integer NOT NULL,
    owner_key     bigint  NOT NULL,
    status        text,
    won_date      date,
    -- measures
    deal_count    bigint  NOT NULL,
    value_sum     numeric,
    value_count   bigint  NOT NULL,
    UNIQUE NULLS NOT DISTINCT (scope, owner_key, status, won_date)
);

CREATE FUNCTION util.pd_deals_agg_owner_won_day_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format($sql$
        INSERT INTO core.pd_deals_agg_owner_won_day AS a
        SELECT scope, scope_key, owner_key, status, won_date,
               sum(sign), trim_scale(sum(sign * value)), sum(sign * (value IS NOT NULL)::int)
        FROM (%s) AS r
        GROUP BY scope, scope_key, owner_key, status, won_date
        HAVING sum(sign) <> 0 OR sum(sign * (value IS NOT NULL)::int) <> 0 OR sum(sign * value) <> 0
        ON CONFLICT (scope, owner_key, status, won_date) DO UPDATE
        SET deal_count = a.deal_count + excluded.deal_count, value_count = a.value_count + excluded.value_count,
            value_sum = CASE WHEN a.value_count + excluded.value_count > 0
                             THEN trim_scale(coalesce(a.value_sum, 0) + coalesce(excluded.value_sum, 0)) END
    $sql$, util.agg_signed_rows(TG_OP, 'scope, scope_key, owner_key, status, won_date, value'));
    IF TG_OP <> 'INSERT' THEN  -- a group whose last deal left
        DELETE FROM core.pd_deals_agg_owner_won_day WHERE deal_count = 0;
    END IF;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION util.pd_deals_agg_owner_won_day_apply() IS 'Trigger: applies the rows a statement wrote to core.pd_deals to core.pd_deals_agg_owner_won_day.';

CREATE FUNCTION util.pd_deals_agg_owner_won_day_rebuild() RETURNS bigint LANGUAGE sql AS $$
    DELETE FROM core.pd_deals_agg_owner_won_day;
    INSERT INTO core.pd_deals_agg_owner_won_day
    SELECT scope, scope_key, owner_key, status, won_date, count(*), trim_scale(sum(value)), count(value)
    FROM core.pd_deals GROUP BY scope, scope_key, owner_key, status, won_date;
    SELECT count(*) FROM core.pd_deals_agg_owner_won_day;
$$;
COMMENT ON FUNCTION util.pd_deals_agg_owner_won_day_rebuild() IS 'Recomputes core.pd_deals_agg_owner_won_day from core.pd_deals: its first fill, and the repair after a TRUNCATE of core.pd_deals (which no trigger applies); returns its rows.';

CREATE TRIGGER pd_deals_agg_owner_won_day_insert AFTER INSERT ON core.pd_deals REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION util.pd_deals_agg_owner_won_day_apply();
CREATE TRIGGER pd_deals_agg_owner_won_day_update AFTER UPDATE ON core.pd_deals
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION util.pd_deals_agg_owner_won_day_apply();
CREATE TRIGGER pd_deals_agg_owner_won_day_delete AFTER DELETE ON core.pd_deals REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION util.pd_deals_agg_owner_won_day_apply();

SELECT util.pd_deals_agg_owner_won_day_rebuild();  -- the deals already there (the triggers see only what comes)

COMMENT ON TABLE core.pd_deals_agg_owner_won_day IS 'Deals summed by owner, status and day won: a DirectQuery aggregation table for core.pd_deals (map it in Power BI with Manage aggregations). Always exact.';
COMMENT ON COLUMN core.pd_deals_agg_owner_won_day.scope IS 'Pipedrive account (scope) of the deals.';
COMMENT ON COLUMN core.pd_deals_agg_owner_won_day.scope_key IS 'Number of the scope (core.dim_scope).';
COMMENT ON COLUMN core.pd_deals_agg_owner_won_day.owner_key IS 'GroupBy pd_deals.owner_key: relate to core.pd_users.user_key.';
COMMENT ON COLUMN core.pd_deals_agg_owner_won_day.status IS 'GroupBy pd_deals.status: open, won, lost (or deleted).';
COMMENT ON COLUMN core.pd_deals_agg_owner_won_day.won_date IS 'GroupBy pd_deals.won_date: relate to the won-date role of core.dim_date (date_day); null unless won.';
COMMENT ON COLUMN core.pd_deals_agg_owner_won_day.deal_count IS 'Count table rows of pd_deals: the deals of the group.';
COMMENT ON COLUMN core.pd_deals_agg_owner_won_day.value_sum IS 'Sum of pd_deals.value (each in its own currency, as the detail column); null when no deal of the group has a value.';
COMMENT ON COLUMN core.pd_deals_agg_owner_won_day.value_count IS 'Deals of the group whose value is set (keeps value_sum null where SUM(value) is).';
