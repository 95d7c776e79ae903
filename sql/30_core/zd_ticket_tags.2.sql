-- core.zd_ticket_tags, version 2: one-column keys for Power BI (docs/powerbi.md), which relates tables on a
-- single column of the same type: scope_key, then ticket_key, generated from (scope_key, id) by
-- util.member_key, so they are never stale and never null. Grain and key unchanged: one row per ticket per
-- tag, key (scope, ticket_id, tag). Additive only: Power BI reads this table live.
CALL util.add_scope_key('core.zd_ticket_tags', false);

ALTER TABLE core.zd_ticket_tags
    ADD COLUMN ticket_key bigint GENERATED ALWAYS AS (util.member_key(scope_key, ticket_id)) STORED;

COMMENT ON COLUMN core.zd_ticket_tags.ticket_key IS 'Key of the tagged ticket: relate to core.zd_tickets.ticket_key (many tags to one ticket).';
