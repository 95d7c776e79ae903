-- core.pd_organizations, version 3: one-column keys for Power BI (docs/powerbi.md), which relates tables on a
-- single column of the same type: scope_key, then organization_key, owner_key, created_date, generated from
-- (scope_key, id) by util.member_key and the UTC days of their timestamps (util.report_date), so they are
-- never stale and never null. is_inferred marks members normalize adds so that no fact loses its link ((none),
-- (unknown <id>)). Grain and key unchanged: one row per organization per scope, key (scope, organization_id).
-- Additive only: Power BI reads this table live.
CALL util.add_scope_key('core.pd_organizations');

ALTER TABLE core.pd_organizations
    ADD COLUMN organization_key bigint GENERATED ALWAYS AS (util.member_key(scope_key, organization_id)) STORED,
    ADD COLUMN owner_key bigint GENERATED ALWAYS AS (util.member_key(scope_key, owner_id)) STORED,
    ADD COLUMN created_date date GENERATED ALWAYS AS (util.report_date(created_at)) STORED;

-- the one side of relationships: Power BI joins and probes by it
CREATE INDEX pd_organizations_organization_key_idx ON core.pd_organizations (organization_key);

COMMENT ON COLUMN core.pd_organizations.organization_key IS 'One-column key of the row for Power BI relationships: (scope, organization_id) as one bigint (util.member_key); equals organization_id in the first scope.';
COMMENT ON COLUMN core.pd_organizations.owner_key IS 'Key of owner_id in core.pd_users (relate to its user_key); never null: no owner is the (none) member.';
COMMENT ON COLUMN core.pd_organizations.created_date IS 'Day the organization was created: created_at as a UTC date (relate to core.dim_date.date_day); null when unset or outside 1990..2100.';
