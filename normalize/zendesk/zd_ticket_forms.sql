-- core.zd_ticket_forms <- stg_zendesk.ticket_forms_raw (list shape, api/zendesk.md §5.6; full refresh each run).
-- Grain: one row per ticket form per scope (batch: the newest version of each in this run).
-- Key: (scope, ticket_form_id). Text out, typed by normalize/engine.py (util.try_*).
-- Deleted = deleted_at set ('' counts as unset). ticket_field_ids, restricted_brand_ids stay JSON arrays.
with source as (
    select * from batch
),

renamed as (
    select
        -- ids
        scope,
        record_id                                   as ticket_form_id,

        -- attributes
        doc->>'name'                                as name,
        doc->>'display_name'                        as display_name,
        doc->>'position'                            as position,
        case jsonb_typeof(doc->'ticket_field_ids') when 'array' then doc->'ticket_field_ids' end as ticket_field_ids,
        case jsonb_typeof(doc->'restricted_brand_ids') when 'array' then doc->'restricted_brand_ids' end
                                                    as restricted_brand_ids,
        doc->>'active'                              as is_active,
        doc->>'default'                             as is_default,
        doc->>'end_user_visible'                    as is_end_user_visible,
        doc->>'in_all_brands'                       as is_in_all_brands,
        case when nullif(doc->>'deleted_at', '') is not null then 'true' else 'false' end as is_deleted,

        -- timestamps
        doc->>'created_at'                          as created_at,
        doc->>'updated_at'                          as updated_at,
        nullif(doc->>'deleted_at', '')              as deleted_at,

        -- lineage
        source_updated_at                           as _source_updated_at,
        _blob_path,
        _line_no
    from source
)

select * from renamed
