-- core.pd_users, version 2: one-column keys for Power BI (docs/powerbi.md), which relates tables on a single
-- column of the same type: scope_key, then user_key, generated from (scope_key, id) by util.member_key, so
-- they are never stale and never null. is_inferred marks members normalize adds so that no fact loses its link
-- ((none), (unknown <id>)). Grain and key unchanged: one row per user per scope, key (scope, user_id).
-- Additive only: Power BI reads this table live.
CALL util.add_scope_key('core.pd_users');

ALTER TABLE core.pd_users
    ADD COLUMN user_key bigint GENERATED ALWAYS AS (util.member_key(scope_key, user_id)) STORED;

-- the one side of relationships: Power BI joins and probes by it
CREATE INDEX pd_users_user_key_idx ON core.pd_users (user_key);

COMMENT ON COLUMN core.pd_users.user_key IS 'One-column key of the row for Power BI relationships: (scope, user_id) as one bigint (util.member_key); equals user_id in the first scope.';
