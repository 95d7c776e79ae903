-- The Pipedrive custom fields normalize/pivots.py publishes as columns: every custom field of deals,
-- persons and organizations in core.pd_custom_fields, with the column type its values take.
-- Grain: one row per field per entity per scope. Key: (scope, entity, field_key).
-- column_type: double -> numeric; monetary -> money (a numeric column and a currency column); date and
-- daterange (its start) -> date; user, org, people -> bigint (the id); everything else -> text (enum
-- and set as their current labels, address and time as their main value), as in the long table.
select
    scope,
    entity,
    field_key,
    field_name,
    field_type,
    case
        when field_type in ('double', 'int') then 'numeric'
        when field_type = 'monetary' then 'money'
        when field_type in ('date', 'daterange') then 'date'
        when field_type in ('user', 'org', 'people') then 'bigint'
        else 'text'
    end as column_type
from core.pd_custom_fields
where entity in ('deal', 'person', 'organization')
