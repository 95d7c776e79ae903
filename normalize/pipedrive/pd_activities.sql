-- core.pd_activities <- stg_pipedrive.activities_raw (v2 shape, api/pipedrive.md §5.5).
-- Grain: one row per activity per scope (batch: the newest version of each in this run). Key: (scope, activity_id).
-- Text out, typed by normalize/engine.py (util.try_*; bad values -> NULL + meta.rejected_rows 'bad_type').
-- v1 habits tolerated: '' for an unset due_time/duration/marked_as_done_time means null.
-- duration 'HH:MM' -> minutes here; anything else is passed on and rejected by the integer cast.
with source as (
    select * from batch
),

renamed as (
    select
        -- ids
        scope,
        record_id                                   as activity_id,
        doc->>'deal_id'                             as deal_id,
        doc->>'person_id'                           as person_id,
        doc->>'org_id'                              as organization_id,
        doc->>'owner_id'                            as owner_id,
        doc->>'creator_user_id'                     as creator_user_id,
        doc->>'lead_id'                             as lead_id,

        -- attributes
        doc->>'type'                                as type,
        doc->>'subject'                             as subject,
        doc->>'done'                                as is_done,
        doc->>'busy'                                as is_busy,
        coalesce(doc->>'is_deleted', 'false')       as is_deleted,
        case when doc->>'is_deleted' = 'true' then 'source' end as deletion_detected_by,
        nullif(doc->>'due_time', '')                as due_time,
        case when doc->>'duration' ~ '^[0-9]{1,5}:[0-5][0-9]$'
             then (split_part(doc->>'duration', ':', 1)::bigint * 60
                   + split_part(doc->>'duration', ':', 2)::int)::text
             else nullif(doc->>'duration', '') end  as duration_minutes,

        -- timestamps
        nullif(doc->>'due_date', '')                as due_date,
        nullif(doc->>'marked_as_done_time', '')     as done_at,
        doc->>'add_time'                            as created_at,
        doc->>'update_time'                         as updated_at,
        case when doc->>'is_deleted' = 'true' then doc->>'update_time' end as deleted_at,

        -- lineage
        source_updated_at                           as _source_updated_at,
        _blob_path,
        _line_no
    from source
)

select * from renamed
