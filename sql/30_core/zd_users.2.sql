-- core.zd_users, version 2: one-column keys for Power BI (docs/powerbi.md), which relates tables on a single
-- column of the same type: scope_key, then user_key, organization_key, default_group_key, generated from
-- (scope_key, id) by util.member_key, so they are never stale and never null. is_inferred marks members
-- normalize adds so that no fact loses its link ((none), (unknown <id>)). Grain and key unchanged: one row per
-- user per scope, key (scope, user_id). Additive only: Power BI reads this table live.
CALL util.add_scope_key('core.zd_users');

ALTER TABLE core.zd_users
    ADD COLUMN user_key bigint GENERATED ALWAYS AS (util.member_key(scope_key, user_id)) STORED,
    ADD COLUMN organization_key bigint GENERATED ALWAYS AS (util.member_key(scope_key, organization_id)) STORED,
    ADD COLUMN default_group_key bigint GENERATED ALWAYS AS (util.member_key(scope_key, default_group_id)) STORED;

-- the one side of relationships: Power BI joins and probes by it
CREATE INDEX zd_users_user_key_idx ON core.zd_users (user_key);

COMMENT ON COLUMN core.zd_users.user_key IS 'One-column key of the row for Power BI relationships: (scope, user_id) as one bigint (util.member_key); equals user_id in the first scope.';
COMMENT ON COLUMN core.zd_users.organization_key IS 'Key of organization_id in core.zd_organizations (relate to its organization_key); never null: no organization is the (none) member.';
COMMENT ON COLUMN core.zd_users.default_group_key IS 'Key of default_group_id in core.zd_groups (relate to its group_key); never null: no default_group is the (none) member.';
