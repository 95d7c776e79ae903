-- core.pd_activities: Pipedrive activities (calls, meetings, tasks...), the newest version of each (fact).
-- Built by normalize/pipedrive/pd_activities.sql from stg_pipedrive.activities_raw (v2 shape).
-- Grain: one row per activity per scope. Key: (scope, activity_id). Deleted activities stay, flagged.
CREATE TABLE core.pd_activities (
    -- ids
    scope               text        NOT NULL,
    activity_id         bigint      NOT NULL,
    deal_id             bigint,
    person_id           bigint,
    organization_id     bigint,
    owner_id            bigint,
    creator_user_id     bigint,
    lead_id             text,
    -- attributes
    type                text,
    subject             text,
    is_done             boolean,
    is_busy             boolean,
    is_deleted          boolean     NOT NULL DEFAULT false,
    due_time            time,
    duration_minutes    integer,
    -- timestamps
    due_date            date,
    done_at             timestamptz,
    created_at          timestamptz,
    updated_at          timestamptz,
    deleted_at          timestamptz,
    -- lineage
    _source_updated_at  timestamptz,
    _blob_path          text        NOT NULL,
    _line_no            integer     NOT NULL,
    _updated_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (scope, activity_id)
);

CREATE INDEX pd_activities_deal_id_idx ON core.pd_activities (scope, deal_id);
CREATE INDEX pd_activities_person_id_idx ON core.pd_activities (scope, person_id);
CREATE INDEX pd_activities_organization_id_idx ON core.pd_activities (scope, organization_id);
CREATE INDEX pd_activities_owner_id_idx ON core.pd_activities (scope, owner_id);

COMMENT ON TABLE core.pd_activities IS 'Pipedrive activities (fact): newest version of each, deleted ones flagged. One row per scope and activity_id.';
COMMENT ON COLUMN core.pd_activities.scope IS 'Pipedrive account (tenant) the activity belongs to; part of every key.';
COMMENT ON COLUMN core.pd_activities.activity_id IS 'Pipedrive activity id.';
COMMENT ON COLUMN core.pd_activities.deal_id IS 'Deal the activity is linked to (core.pd_deals).';
COMMENT ON COLUMN core.pd_activities.person_id IS 'Primary participant (core.pd_persons).';
COMMENT ON COLUMN core.pd_activities.organization_id IS 'Organization the activity is linked to (core.pd_organizations); Pipedrive org_id.';
COMMENT ON COLUMN core.pd_activities.owner_id IS 'User the activity is assigned to (core.pd_users).';
COMMENT ON COLUMN core.pd_activities.creator_user_id IS 'User who created the activity (core.pd_users).';
COMMENT ON COLUMN core.pd_activities.lead_id IS 'Lead the activity is linked to (a UUID; leads are not loaded).';
COMMENT ON COLUMN core.pd_activities.type IS 'Activity type key, e.g. call, meeting, task (activityFields type options).';
COMMENT ON COLUMN core.pd_activities.subject IS 'Subject line.';
COMMENT ON COLUMN core.pd_activities.is_done IS 'True when the activity is marked done.';
COMMENT ON COLUMN core.pd_activities.is_busy IS 'True when the activity blocks the owner''s calendar.';
COMMENT ON COLUMN core.pd_activities.is_deleted IS 'True when the activity was deleted in Pipedrive (the row is kept).';
COMMENT ON COLUMN core.pd_activities.due_time IS 'Due time of day (UTC), when the activity has one.';
COMMENT ON COLUMN core.pd_activities.duration_minutes IS 'Planned duration in minutes (Pipedrive HH:MM duration).';
COMMENT ON COLUMN core.pd_activities.due_date IS 'Day the activity is due.';
COMMENT ON COLUMN core.pd_activities.done_at IS 'When the activity was marked done (marked_as_done_time, UTC).';
COMMENT ON COLUMN core.pd_activities.created_at IS 'When the activity was created (Pipedrive add_time, UTC).';
COMMENT ON COLUMN core.pd_activities.updated_at IS 'When the activity was last changed in Pipedrive (update_time, UTC).';
COMMENT ON COLUMN core.pd_activities.deleted_at IS 'When the activity was deleted (its update_time when it came back deleted, UTC).';
COMMENT ON COLUMN core.pd_activities._source_updated_at IS 'Version of the record in stg (source_updated_at): a row is only replaced by a version at least as new.';
COMMENT ON COLUMN core.pd_activities._blob_path IS 'Bronze object the row''s version came from (lineage).';
COMMENT ON COLUMN core.pd_activities._line_no IS 'Line in that bronze object (lineage).';
COMMENT ON COLUMN core.pd_activities._updated_at IS 'When normalize last wrote this row (UTC).';
