-- core.zd_tickets: Zendesk tickets, newest version of each (fact; version = generated_timestamp), built by
-- normalize/zendesk/zd_tickets.sql from stg_zendesk.tickets_raw. Grain: one row per ticket per scope. Key: (scope,
-- ticket_id). Deleted tickets stay, flagged; no foreign keys (records arrive out of order). Tags and custom
-- values: core.zd_ticket_tags, core.zd_ticket_custom_field_values.
CREATE TABLE core.zd_tickets (
    -- ids
    scope               text        NOT NULL,
    ticket_id           bigint      NOT NULL,
    requester_id        bigint,
    submitter_id        bigint,
    assignee_id         bigint,
    organization_id     bigint,
    group_id            bigint,
    brand_id            bigint,
    ticket_form_id      bigint,
    problem_id          bigint,
    custom_status_id    bigint,
    external_id         text,
    -- attributes
    subject             text,
    description         text,
    status              text,
    priority            text,
    type                text,
    via_channel         text,
    satisfaction_score  text,
    is_public           boolean,
    has_incidents       boolean,
    is_deleted          boolean     NOT NULL DEFAULT false,
    -- timestamps
    created_at          timestamptz,
    updated_at          timestamptz,
    due_at              timestamptz,
    generated_at        timestamptz,
    deleted_at          timestamptz,
    created_date        date,
    updated_date        date,
    due_date            date,
    -- lineage
    _source_updated_at  timestamptz,
    _blob_path          text        NOT NULL,
    _line_no            integer     NOT NULL,
    _updated_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (scope, ticket_id)
);

CREATE INDEX zd_tickets_assignee_id_idx ON core.zd_tickets (scope, assignee_id);
CREATE INDEX zd_tickets_group_id_idx ON core.zd_tickets (scope, group_id);
CREATE INDEX zd_tickets_organization_id_idx ON core.zd_tickets (scope, organization_id);
CREATE INDEX zd_tickets_requester_id_idx ON core.zd_tickets (scope, requester_id);

COMMENT ON TABLE core.zd_tickets IS 'Zendesk tickets (fact): newest version of each ticket, deleted ones flagged. One row per scope and ticket_id.';
COMMENT ON COLUMN core.zd_tickets.scope IS 'Zendesk account (subdomain) the ticket belongs to; part of every key.';
COMMENT ON COLUMN core.zd_tickets.ticket_id IS 'Zendesk ticket id (the number agents see).';
COMMENT ON COLUMN core.zd_tickets.requester_id IS 'User who asked (core.zd_users).';
COMMENT ON COLUMN core.zd_tickets.submitter_id IS 'User who submitted the ticket, e.g. an agent on the requester''s behalf (core.zd_users).';
COMMENT ON COLUMN core.zd_tickets.assignee_id IS 'Agent the ticket is assigned to (core.zd_users); null if unassigned.';
COMMENT ON COLUMN core.zd_tickets.organization_id IS 'Organization of the ticket (core.zd_organizations).';
COMMENT ON COLUMN core.zd_tickets.group_id IS 'Group the ticket is assigned to (core.zd_groups).';
COMMENT ON COLUMN core.zd_tickets.brand_id IS 'Zendesk brand the ticket belongs to.';
COMMENT ON COLUMN core.zd_tickets.ticket_form_id IS 'Form the ticket uses (core.zd_ticket_forms).';
COMMENT ON COLUMN core.zd_tickets.problem_id IS 'For an incident: the problem ticket it is linked to (a ticket_id).';
COMMENT ON COLUMN core.zd_tickets.custom_status_id IS 'Custom status of the ticket, when custom statuses are enabled (status then holds its category).';
COMMENT ON COLUMN core.zd_tickets.external_id IS 'Id of the ticket in another system, as set through the API.';
COMMENT ON COLUMN core.zd_tickets.subject IS 'Ticket subject.';
COMMENT ON COLUMN core.zd_tickets.description IS 'First comment of the ticket, full text.';
COMMENT ON COLUMN core.zd_tickets.status IS 'new, open, pending, hold, solved, closed, or deleted.';
COMMENT ON COLUMN core.zd_tickets.priority IS 'urgent, high, normal or low; null if unset.';
COMMENT ON COLUMN core.zd_tickets.type IS 'problem, incident, question or task; null if unset.';
COMMENT ON COLUMN core.zd_tickets.via_channel IS 'Channel the ticket came in by (via.channel): web, email, api, chat...';
COMMENT ON COLUMN core.zd_tickets.satisfaction_score IS 'Satisfaction rating: good, bad, offered or unoffered; null without CSAT.';
COMMENT ON COLUMN core.zd_tickets.is_public IS 'True when the ticket has public comments.';
COMMENT ON COLUMN core.zd_tickets.has_incidents IS 'True for a problem ticket that has incidents linked to it.';
COMMENT ON COLUMN core.zd_tickets.is_deleted IS 'True when the ticket was deleted in Zendesk (status deleted; the row is kept).';
COMMENT ON COLUMN core.zd_tickets.created_at IS 'When the ticket was created (UTC).';
COMMENT ON COLUMN core.zd_tickets.updated_at IS 'When the ticket last had an event (updated_at, UTC); system updates do not move it.';
COMMENT ON COLUMN core.zd_tickets.due_at IS 'Due time of a task ticket (UTC).';
COMMENT ON COLUMN core.zd_tickets.generated_at IS 'When Zendesk last changed the ticket in any way, system updates included (generated_timestamp, UTC).';
COMMENT ON COLUMN core.zd_tickets.deleted_at IS 'When the ticket was deleted (the version time, generated_timestamp, of the version that came back deleted, UTC).';
COMMENT ON COLUMN core.zd_tickets.created_date IS 'created_at as a UTC date (joins core.dim_date).';
COMMENT ON COLUMN core.zd_tickets.updated_date IS 'updated_at as a UTC date (joins core.dim_date).';
COMMENT ON COLUMN core.zd_tickets.due_date IS 'due_at as a UTC date (joins core.dim_date).';
COMMENT ON COLUMN core.zd_tickets._source_updated_at IS 'Version of the record in stg (generated_timestamp): a row is only replaced by a version at least as new.';
COMMENT ON COLUMN core.zd_tickets._blob_path IS 'Bronze object the row''s version came from (lineage).';
COMMENT ON COLUMN core.zd_tickets._line_no IS 'Line in that bronze object (lineage).';
COMMENT ON COLUMN core.zd_tickets._updated_at IS 'When normalize last wrote this row (UTC).';
