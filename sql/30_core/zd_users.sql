-- core.zd_users: Zendesk users (end users, agents, admins), newest version of each (dimension). Built by
-- normalize/zendesk/zd_users.sql from stg_zendesk.users_raw (incremental export).
-- Grain: one row per user per scope. Key: (scope, user_id). Zendesk deletes a user by making it inactive
-- (active false): such users stay, flagged is_deleted with deleted_at.
CREATE TABLE core.zd_users (
    -- ids
    scope               text        NOT NULL,
    user_id             bigint      NOT NULL,
    organization_id     bigint,
    default_group_id    bigint,
    custom_role_id      bigint,
    external_id         text,
    -- attributes
    name                text,
    email               text,
    role                text,
    time_zone           text,
    iana_time_zone      text,
    locale              text,
    is_active           boolean,
    is_suspended        boolean,
    is_verified         boolean,
    is_deleted          boolean     NOT NULL DEFAULT false,
    -- timestamps
    created_at          timestamptz,
    updated_at          timestamptz,
    last_login_at       timestamptz,
    deleted_at          timestamptz,
    -- lineage
    _source_updated_at  timestamptz,
    _blob_path          text        NOT NULL,
    _line_no            integer     NOT NULL,
    _updated_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (scope, user_id)
);

CREATE INDEX zd_users_organization_id_idx ON core.zd_users (scope, organization_id);

COMMENT ON TABLE core.zd_users IS 'Zendesk users (requesters, agents, admins): newest version of each, deleted ones flagged. One row per scope and user_id.';
COMMENT ON COLUMN core.zd_users.scope IS 'Zendesk account (subdomain) the user belongs to; part of every key.';
COMMENT ON COLUMN core.zd_users.user_id IS 'Zendesk user id (requester_id, assignee_id, submitter_id elsewhere).';
COMMENT ON COLUMN core.zd_users.organization_id IS 'The user''s default organization (core.zd_organizations).';
COMMENT ON COLUMN core.zd_users.default_group_id IS 'For agents: the group new tickets go to by default (core.zd_groups).';
COMMENT ON COLUMN core.zd_users.custom_role_id IS 'For agents on Enterprise plans: their custom role.';
COMMENT ON COLUMN core.zd_users.external_id IS 'Id of the user in another system, as set through the API.';
COMMENT ON COLUMN core.zd_users.name IS 'Display name.';
COMMENT ON COLUMN core.zd_users.email IS 'Primary email.';
COMMENT ON COLUMN core.zd_users.role IS 'end-user, agent or admin.';
COMMENT ON COLUMN core.zd_users.time_zone IS 'Zendesk time zone name, e.g. Copenhagen.';
COMMENT ON COLUMN core.zd_users.iana_time_zone IS 'IANA time zone, e.g. Europe/Copenhagen.';
COMMENT ON COLUMN core.zd_users.locale IS 'Locale, e.g. en-US.';
COMMENT ON COLUMN core.zd_users.is_active IS 'False once the user was deleted in Zendesk (active).';
COMMENT ON COLUMN core.zd_users.is_suspended IS 'True when the user is suspended (cannot sign in; tickets go to suspended tickets).';
COMMENT ON COLUMN core.zd_users.is_verified IS 'True when an identity of the user is verified.';
COMMENT ON COLUMN core.zd_users.is_deleted IS 'True when the user was deleted in Zendesk (active false; the row is kept).';
COMMENT ON COLUMN core.zd_users.created_at IS 'When the user was created (UTC).';
COMMENT ON COLUMN core.zd_users.updated_at IS 'When the user was last changed (UTC).';
COMMENT ON COLUMN core.zd_users.last_login_at IS 'Last sign-in (UTC).';
COMMENT ON COLUMN core.zd_users.deleted_at IS 'When the user was deleted (updated_at of the version that came back inactive, UTC).';
COMMENT ON COLUMN core.zd_users._source_updated_at IS 'Version of the record in stg (updated_at): a row is only replaced by a version at least as new.';
COMMENT ON COLUMN core.zd_users._blob_path IS 'Bronze object the row''s version came from (lineage).';
COMMENT ON COLUMN core.zd_users._line_no IS 'Line in that bronze object (lineage).';
COMMENT ON COLUMN core.zd_users._updated_at IS 'When normalize last wrote this row (UTC).';
