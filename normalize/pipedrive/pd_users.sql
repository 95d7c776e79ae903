-- core.pd_users <- stg_pipedrive.users_raw (v1 shape, api/pipedrive.md §5.6; full refresh each run).
-- Grain: one row per user per scope (batch: the newest version of each in this run). Key: (scope, user_id).
-- Text out, typed by normalize/engine.py (util.try_*). v1 timestamps have no zone and are UTC
-- (util.try_timestamptz reads them so); is_admin is 0/1 in v1 (util.try_boolean takes both).
with source as (
    select * from batch
),

renamed as (
    select
        -- ids
        scope,
        record_id                                   as user_id,
        doc->>'role_id'                             as role_id,

        -- attributes
        doc->>'name'                                as name,
        doc->>'email'                               as email,
        doc->>'default_currency'                    as default_currency,
        doc->>'locale'                              as locale,
        doc->>'timezone_name'                       as timezone_name,
        doc->>'active_flag'                         as is_active,
        doc->>'is_admin'                            as is_admin,
        coalesce(doc->>'is_deleted', 'false')       as is_deleted,

        -- timestamps
        doc->>'created'                             as created_at,
        doc->>'modified'                            as updated_at,
        nullif(doc->>'last_login', '')              as last_login_at,

        -- lineage
        source_updated_at                           as _source_updated_at,
        _blob_path,
        _line_no
    from source
)

select * from renamed
