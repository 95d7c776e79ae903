-- core.zd_ticket_tags: the tags of each Zendesk ticket, long format (bridge). Built by
-- normalize/zendesk/zd_ticket_tags.sql from the tags array of the ticket version stored in core.zd_tickets.
-- Grain: one row per ticket per tag. Key: (scope, ticket_id, tag). A ticket's rows are replaced whenever
-- a newer version of the ticket is normalized: a tag removed in Zendesk disappears here too.
CREATE TABLE core.zd_ticket_tags (
    -- ids
    scope               text        NOT NULL,
    ticket_id           bigint      NOT NULL,
    tag                 text        NOT NULL,
    -- lineage
    _source_updated_at  timestamptz,
    _blob_path          text        NOT NULL,
    _line_no            integer     NOT NULL,
    _updated_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (scope, ticket_id, tag)
);

-- "Tickets with tag X" across the account.
CREATE INDEX zd_ticket_tags_tag_idx ON core.zd_ticket_tags (scope, tag);

COMMENT ON TABLE core.zd_ticket_tags IS 'Tags of Zendesk tickets, one row per ticket and tag (the ticket''s current tag set). Join core.zd_tickets on (scope, ticket_id).';
COMMENT ON COLUMN core.zd_ticket_tags.scope IS 'Zendesk account (subdomain); part of every key.';
COMMENT ON COLUMN core.zd_ticket_tags.ticket_id IS 'The ticket (core.zd_tickets).';
COMMENT ON COLUMN core.zd_ticket_tags.tag IS 'One tag of the ticket, as Zendesk stores it (lower case, no spaces).';
COMMENT ON COLUMN core.zd_ticket_tags._source_updated_at IS 'Version (generated_timestamp) of the ticket the tag was read from.';
COMMENT ON COLUMN core.zd_ticket_tags._blob_path IS 'Bronze object of the ticket version the tag was read from (lineage).';
COMMENT ON COLUMN core.zd_ticket_tags._line_no IS 'Line in that bronze object (lineage).';
COMMENT ON COLUMN core.zd_ticket_tags._updated_at IS 'When normalize last wrote this row (UTC).';
