-- core.pd_users: Pipedrive users (the company's own people: owners, creators), newest version of each
-- (dimension). Built by normalize/pipedrive/pd_users.sql from stg_pipedrive.users_raw (v1 shape, full refresh).
-- Grain: one row per user per scope. Key: (scope, user_id). Users leave by is_active false (or is_deleted).
CREATE TABLE core.pd_users (
    -- ids
    scope               text        NOT NULL,
    user_id             bigint      NOT NULL,
    role_id             bigint,
    -- attributes
    name                text,
    email               text,
    default_currency    text,
    locale              text,
    timezone_name       text,
    is_active           boolean,
    is_admin            boolean,
    is_deleted          boolean     NOT NULL DEFAULT false,
    -- timestamps
    created_at          timestamptz,
    updated_at          timestamptz,
    last_login_at       timestamptz,
    -- lineage
    _source_updated_at  timestamptz,
    _blob_path          text        NOT NULL,
    _line_no            integer     NOT NULL,
    _updated_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (scope, user_id)
);

COMMENT ON TABLE core.pd_users IS 'Pipedrive users (owners and creators of records): newest version of each. One row per scope and user_id.';
COMMENT ON COLUMN core.pd_users.scope IS 'Pipedrive account (tenant) the user belongs to; part of every key.';
COMMENT ON COLUMN core.pd_users.user_id IS 'Pipedrive user id (owner_id, creator_user_id elsewhere).';
COMMENT ON COLUMN core.pd_users.role_id IS 'Pipedrive role of the user.';
COMMENT ON COLUMN core.pd_users.name IS 'Display name.';
COMMENT ON COLUMN core.pd_users.email IS 'Login email.';
COMMENT ON COLUMN core.pd_users.default_currency IS 'ISO 4217 code of the user''s default currency.';
COMMENT ON COLUMN core.pd_users.locale IS 'Locale, e.g. en_US.';
COMMENT ON COLUMN core.pd_users.timezone_name IS 'Time zone name, e.g. Europe/Berlin.';
COMMENT ON COLUMN core.pd_users.is_active IS 'True while the user can log in (Pipedrive active_flag); false once deactivated.';
COMMENT ON COLUMN core.pd_users.is_admin IS 'True for company admins.';
COMMENT ON COLUMN core.pd_users.is_deleted IS 'True when Pipedrive reports the user deleted (the row is kept).';
COMMENT ON COLUMN core.pd_users.created_at IS 'When the user was created (Pipedrive created, UTC).';
COMMENT ON COLUMN core.pd_users.updated_at IS 'When the user was last changed (Pipedrive modified, UTC).';
COMMENT ON COLUMN core.pd_users.last_login_at IS 'Last login (UTC).';
COMMENT ON COLUMN core.pd_users._source_updated_at IS 'Version of the record in stg (source_updated_at): a row is only replaced by a version at least as new.';
COMMENT ON COLUMN core.pd_users._blob_path IS 'Bronze object the row''s version came from (lineage).';
COMMENT ON COLUMN core.pd_users._line_no IS 'Line in that bronze object (lineage).';
COMMENT ON COLUMN core.pd_users._updated_at IS 'When normalize last wrote this row (UTC).';
