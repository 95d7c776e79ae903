-- core.zd_users <- stg_zendesk.users_raw (incremental export shape, api/zendesk.md §5.2).
-- Grain: one row per user per scope (batch: the newest version of each in this run). Key: (scope, user_id).
-- Text out, typed by normalize/engine.py (util.try_*; bad values -> NULL + meta.rejected_rows 'bad_type').
-- Zendesk deletes a user by setting active false (api/zendesk.md §2.7): is_deleted, and deleted_at is the
-- updated_at of that version.
with source as (
    select * from batch
),

renamed as (
    select
        -- ids
        scope,
        record_id                                   as user_id,
        doc->>'organization_id'                     as organization_id,
        doc->>'default_group_id'                    as default_group_id,
        doc->>'custom_role_id'                      as custom_role_id,
        doc->>'external_id'                         as external_id,

        -- attributes
        doc->>'name'                                as name,
        doc->>'email'                               as email,
        doc->>'role'                                as role,
        doc->>'time_zone'                           as time_zone,
        doc->>'iana_time_zone'                      as iana_time_zone,
        doc->>'locale'                              as locale,
        doc->>'active'                              as is_active,
        doc->>'suspended'                           as is_suspended,
        doc->>'verified'                            as is_verified,
        case when doc->>'active' = 'false' then 'true' else 'false' end as is_deleted,

        -- timestamps
        doc->>'created_at'                          as created_at,
        doc->>'updated_at'                          as updated_at,
        doc->>'last_login_at'                       as last_login_at,
        case when doc->>'active' = 'false' then doc->>'updated_at' end as deleted_at,

        -- lineage
        source_updated_at                           as _source_updated_at,
        _blob_path,
        _line_no
    from source
)

select * from renamed
