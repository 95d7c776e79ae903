-- The Pipedrive custom values normalize/pivots.py reads, in the shape every source gives them: one row per
-- record per field with a value (core.pd_custom_field_values, already rendered). Used as a subquery
-- filtered by scope, entity and record_id (its primary key's prefix) or by field_key.
select scope, entity, record_id, field_key, value_text, value_numeric, value_currency
from core.pd_custom_field_values
