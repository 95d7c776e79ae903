-- core.pd_deals, version 3: one-column keys for Power BI (docs/powerbi.md), which relates tables on a single
-- column of the same type: scope_key, then deal_key, pipeline_key, stage_key, owner_key, creator_user_key,
-- person_key, organization_key, created_date, closed_date, won_date, lost_date, generated from (scope_key, id)
-- by util.member_key and the UTC days of their timestamps (util.report_date), so they are never stale and
-- never null. is_inferred marks members normalize adds so that no fact loses its link ((none), (unknown
-- <id>)). Grain and key unchanged: one row per deal per scope, key (scope, deal_id). Additive only: Power BI
-- reads this table live.
CALL util.add_scope_key('core.pd_deals');

ALTER TABLE core.pd_deals
    ADD COLUMN deal_key bigint GENERATED ALWAYS AS (util.member_key(scope_key, deal_id)) STORED,
    ADD COLUMN pipeline_key bigint GENERATED ALWAYS AS (util.member_key(scope_key, pipeline_id)) STORED,
    ADD COLUMN stage_key bigint GENERATED ALWAYS AS (util.member_key(scope_key, stage_id)) STORED,
    ADD COLUMN owner_key bigint GENERATED ALWAYS AS (util.member_key(scope_key, owner_id)) STORED,
    ADD COLUMN creator_user_key bigint GENERATED ALWAYS AS (util.member_key(scope_key, creator_user_id)) STORED,
    ADD COLUMN person_key bigint GENERATED ALWAYS AS (util.member_key(scope_key, person_id)) STORED,
    ADD COLUMN organization_key bigint GENERATED ALWAYS AS (util.member_key(scope_key, organization_id)) STORED,
    ADD COLUMN created_date date GENERATED ALWAYS AS (util.report_date(created_at)) STORED,
    ADD COLUMN closed_date date GENERATED ALWAYS AS (util.report_date(closed_at)) STORED,
    ADD COLUMN won_date date GENERATED ALWAYS AS (util.report_date(won_at)) STORED,
    ADD COLUMN lost_date date GENERATED ALWAYS AS (util.report_date(lost_at)) STORED;

-- the one side of relationships: Power BI joins and probes by it
CREATE INDEX pd_deals_deal_key_idx ON core.pd_deals (deal_key);

COMMENT ON COLUMN core.pd_deals.deal_key IS 'One-column key of the row for Power BI relationships: (scope, deal_id) as one bigint (util.member_key); equals deal_id in the first scope.';
COMMENT ON COLUMN core.pd_deals.pipeline_key IS 'Key of pipeline_id in core.pd_pipelines (relate to its pipeline_key); never null: no pipeline is the (none) member.';
COMMENT ON COLUMN core.pd_deals.stage_key IS 'Key of stage_id in core.pd_stages (relate to its stage_key); never null: no stage is the (none) member.';
COMMENT ON COLUMN core.pd_deals.owner_key IS 'Key of owner_id in core.pd_users (relate to its user_key); never null: no owner is the (none) member.';
COMMENT ON COLUMN core.pd_deals.creator_user_key IS 'Key of creator_user_id in core.pd_users (relate to its user_key); never null: no creator_user is the (none) member.';
COMMENT ON COLUMN core.pd_deals.person_key IS 'Key of person_id in core.pd_persons (relate to its person_key); never null: no person is the (none) member.';
COMMENT ON COLUMN core.pd_deals.organization_key IS 'Key of organization_id in core.pd_organizations (relate to its organization_key); never null: no organization is the (none) member.';
COMMENT ON COLUMN core.pd_deals.created_date IS 'Day the deal was created: created_at as a UTC date (relate to core.dim_date.date_day); null when unset or outside 1990..2100.';
COMMENT ON COLUMN core.pd_deals.closed_date IS 'Day the deal was closed (won or lost): closed_at as a UTC date (relate to core.dim_date.date_day); null when unset or outside 1990..2100.';
COMMENT ON COLUMN core.pd_deals.won_date IS 'Day the deal was won: won_at as a UTC date (relate to core.dim_date.date_day); null when unset or outside 1990..2100.';
COMMENT ON COLUMN core.pd_deals.lost_date IS 'Day the deal was lost: lost_at as a UTC date (relate to core.dim_date.date_day); null when unset or outside 1990..2100.';
