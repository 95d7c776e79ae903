-- core.pd_persons <- stg_pipedrive.persons_raw (v2 shape, api/pipedrive.md §5.3).
-- Grain: one row per person per scope (batch: the newest version of each in this run). Key: (scope, person_id).
-- Text out, typed by normalize/engine.py (util.try_*; bad values -> NULL + meta.rejected_rows 'bad_type').
-- primary_email/phone: the entry flagged primary, else the first; '' (persons without email) -> null.
with source as (
    select * from batch
),

renamed as (
    select
        -- ids
        scope,
        record_id                                   as person_id,
        doc->>'org_id'                              as organization_id,
        doc->>'owner_id'                            as owner_id,

        -- attributes
        doc->>'name'                                as name,
        doc->>'first_name'                          as first_name,
        doc->>'last_name'                           as last_name,
        nullif(coalesce(jsonb_path_query_first(doc, '$.emails[*] ? (@.primary == true).value'),
                        doc #> '{emails,0,value}') #>> '{}', '') as primary_email,
        nullif(coalesce(jsonb_path_query_first(doc, '$.phones[*] ? (@.primary == true).value'),
                        doc #> '{phones,0,value}') #>> '{}', '') as primary_phone,
        doc->'label_ids'                            as label_ids,
        coalesce(doc->>'is_deleted', 'false')       as is_deleted,
        case when doc->>'is_deleted' = 'true' then 'source' end as deletion_detected_by,

        -- timestamps
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
