-- core.zd_tickets <- stg_zendesk.tickets_raw (incremental export shape, api/zendesk.md §5.1).
-- Grain: one row per ticket per scope (batch holds the newest version of each in this run). Key: (scope, ticket_id).
-- Text out, typed by normalize/engine.py (util.try_*; bad values -> NULL + meta.rejected_rows 'bad_type').
-- The version (source_updated_at) is generated_timestamp, so system updates that leave updated_at alone
-- still land. A deleted ticket comes back with status "deleted": flagged, deleted_at = that version's time.
-- generated_timestamp (epoch seconds) -> ISO text here; anything else is passed on and rejected by the cast.
-- satisfaction_rating is an object ({score: good|bad|offered|unoffered}), a bare state string, or null.
-- The *_date columns are the UTC days of their *_at within dim_date's 1990..2100 (util.report_date;
-- already typed, so the engine does not cast them).
with source as (
    select * from batch
),

renamed as (
    select
        -- ids
        scope,
        record_id                                   as ticket_id,
        doc->>'requester_id'                        as requester_id,
        doc->>'submitter_id'                        as submitter_id,
        doc->>'assignee_id'                         as assignee_id,
        doc->>'organization_id'                     as organization_id,
        doc->>'group_id'                            as group_id,
        doc->>'brand_id'                            as brand_id,
        doc->>'ticket_form_id'                      as ticket_form_id,
        doc->>'problem_id'                          as problem_id,
        doc->>'custom_status_id'                    as custom_status_id,
        doc->>'external_id'                         as external_id,

        -- attributes
        doc->>'subject'                             as subject,
        doc->>'description'                         as description,
        doc->>'status'                              as status,
        doc->>'priority'                            as priority,
        doc->>'type'                                as type,
        doc #>> '{via,channel}'                     as via_channel,
        case jsonb_typeof(doc->'satisfaction_rating')
            when 'object' then doc #>> '{satisfaction_rating,score}'
            when 'string' then doc->>'satisfaction_rating' end as satisfaction_score,
        doc->>'is_public'                           as is_public,
        doc->>'has_incidents'                       as has_incidents,
        case when doc->>'status' = 'deleted' then 'true' else 'false' end as is_deleted,

        -- timestamps
        doc->>'created_at'                          as created_at,
        doc->>'updated_at'                          as updated_at,
        doc->>'due_at'                              as due_at,
        case when doc->>'generated_timestamp' ~ '^[0-9]{1,11}(\.[0-9]+)?$'
             then to_char(to_timestamp((doc->>'generated_timestamp')::numeric) at time zone 'UTC',
                          'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
             else doc->>'generated_timestamp' end   as generated_at,
        case when doc->>'status' = 'deleted' then source_updated_at end as deleted_at,
        util.report_date(util.try_timestamptz(doc->>'created_at')) as created_date,
        util.report_date(util.try_timestamptz(doc->>'updated_at')) as updated_date,
        util.report_date(util.try_timestamptz(doc->>'due_at'))     as due_date,

        -- lineage
        source_updated_at                           as _source_updated_at,
        _blob_path,
        _line_no
    from source
)

select * from renamed
