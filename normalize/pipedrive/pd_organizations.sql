-- core.pd_organizations <- stg_pipedrive.organizations_raw (v2 shape, api/pipedrive.md §5.4).
-- Grain: one row per organization per scope (batch: the newest version of each in this run).
-- Key: (scope, organization_id). Text out, typed by normalize/engine.py (util.try_*).
-- address: v2 sends an object (formatted_address preferred, else value); a v1-style string is kept as is.
with source as (
    select * from batch
),

renamed as (
    select
        -- ids
        scope,
        record_id                                   as organization_id,
        doc->>'owner_id'                            as owner_id,

        -- attributes
        doc->>'name'                                as name,
        case jsonb_typeof(doc->'address')
            when 'object' then coalesce(doc #>> '{address,formatted_address}', doc #>> '{address,value}')
            when 'string' then doc->>'address' end  as address,
        doc #>> '{address,locality}'                as address_locality,
        doc #>> '{address,country}'                 as address_country,
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
