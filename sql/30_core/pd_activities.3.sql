-- core.pd_activities, version 3: one-column keys for Power BI (docs/powerbi.md), which relates tables on a
-- single column of the same type: scope_key, then activity_key, deal_key, person_key, organization_key,
-- owner_key, creator_user_key, created_date, done_date, generated from (scope_key, id) by util.member_key and
-- the UTC days of their timestamps (util.report_date), so they are never stale and never null. Grain and key
-- unchanged: one row per activity per scope, key (scope, activity_id). Additive only: Power BI reads this
-- table live.
CALL util.add_scope_key('core.pd_activities');

ALTER TABLE core.pd_activities
    ADD COLUMN activity_key bigint GENERATED ALWAYS AS (util.member_key(scope_key, activity_id)) STORED,
    ADD COLUMN deal_key bigint GENERATED ALWAYS AS (util.member_key(scope_key, deal_id)) STORED,
    ADD COLUMN person_key bigint GENERATED ALWAYS AS (util.member_key(scope_key, person_id)) STORED,
    ADD COLUMN organization_key bigint GENERATED ALWAYS AS (util.member_key(scope_key, organization_id)) STORED,
    ADD COLUMN owner_key bigint GENERATED ALWAYS AS (util.member_key(scope_key, owner_id)) STORED,
    ADD COLUMN creator_user_key bigint GENERATED ALWAYS AS (util.member_key(scope_key, creator_user_id)) STORED,
    ADD COLUMN created_date date GENERATED ALWAYS AS (util.report_date(created_at)) STORED,
    ADD COLUMN done_date date GENERATED ALWAYS AS (util.report_date(done_at)) STORED;

-- the one side of relationships: Power BI joins and probes by it
CREATE INDEX pd_activities_activity_key_idx ON core.pd_activities (activity_key);

COMMENT ON COLUMN core.pd_activities.activity_key IS 'One-column key of the row for Power BI relationships: (scope, activity_id) as one bigint (util.member_key); equals activity_id in the first scope.';
COMMENT ON COLUMN core.pd_activities.deal_key IS 'Key of deal_id in core.pd_deals (relate to its deal_key); never null: no deal is the (none) member.';
COMMENT ON COLUMN core.pd_activities.person_key IS 'Key of person_id in core.pd_persons (relate to its person_key); never null: no person is the (none) member.';
COMMENT ON COLUMN core.pd_activities.organization_key IS 'Key of organization_id in core.pd_organizations (relate to its organization_key); never null: no organization is the (none) member.';
COMMENT ON COLUMN core.pd_activities.owner_key IS 'Key of owner_id in core.pd_users (relate to its user_key); never null: no owner is the (none) member.';
COMMENT ON COLUMN core.pd_activities.creator_user_key IS 'Key of creator_user_id in core.pd_users (relate to its user_key); never null: no creator_user is the (none) member.';
COMMENT ON COLUMN core.pd_activities.created_date IS 'Day the activity was created: created_at as a UTC date (relate to core.dim_date.date_day); null when unset or outside 1990..2100.';
COMMENT ON COLUMN core.pd_activities.done_date IS 'Day the activity was marked done: done_at as a UTC date (relate to core.dim_date.date_day); null when unset or outside 1990..2100.';
