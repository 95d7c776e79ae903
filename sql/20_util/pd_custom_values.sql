-- util.pd_*: how one Pipedrive custom-field value (v2 shape, api/pipedrive.md §4.1) becomes text for
-- core.pd_custom_field_values, given its field's catalog row (core.pd_custom_fields: field_type, options).
-- Grain/keys: n/a (functions). Used both when values are written and when a catalog change (an option
-- renamed) re-resolves them, so the two paths can never disagree.
-- value_text rules:
--   enum  -> the option's current label; set -> labels joined with ', ' in catalog option order
--            (unknown ids keep their raw id, after the known ones, in value order);
--   monetary {value, currency} -> '<value> <currency>' (e.g. '2300 EUR'), the number as sent;
--   other objects (daterange, time, address...) -> their "value" member; scalars -> their text.
-- Option ids are compared as text, so v2 ints, v1 strings ("123", "123,456") and activity-type
-- string ids ("call") all resolve.
CREATE SCHEMA IF NOT EXISTS util;

-- STABLE, not IMMUTABLE: to_jsonb and concat_ws are, and a function marked stricter than its body
-- is not inlined.
-- Not inlinable (it aggregates), so pd_value_text calls it only for set values.
CREATE OR REPLACE FUNCTION util.pd_set_text(options jsonb, raw jsonb) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT string_agg(coalesce(o.label, e.option_id), ', ' ORDER BY o.ord NULLS LAST, e.pos)
    FROM jsonb_array_elements_text(CASE jsonb_typeof(raw) WHEN 'array' THEN raw
             ELSE to_jsonb(string_to_array(raw #>> '{}', ',')) END) WITH ORDINALITY AS e(option_id, pos)
    LEFT JOIN LATERAL (
        SELECT x.opt ->> 'label' AS label, x.ord
        FROM jsonb_array_elements(CASE jsonb_typeof(options) WHEN 'array' THEN options END)
             WITH ORDINALITY AS x(opt, ord)
        WHERE x.opt ->> 'id' = trim(e.option_id)
        LIMIT 1
    ) AS o ON true
$$;

-- option_labels: {"<option id>": "<label>"} (core.pd_custom_fields.option_labels): an O(1) lookup that
-- keeps this function inlinable, which a search of the options array would not.
CREATE OR REPLACE FUNCTION util.pd_value_text(field_type text, options jsonb, option_labels jsonb, raw jsonb)
    RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN raw IS NULL OR jsonb_typeof(raw) = 'null' THEN NULL
        WHEN field_type = 'set' OR jsonb_typeof(raw) = 'array' THEN util.pd_set_text(options, raw)
        WHEN field_type = 'enum' THEN coalesce(option_labels ->> (raw #>> '{}'), raw #>> '{}')
        WHEN jsonb_typeof(raw) <> 'object' THEN raw #>> '{}'
        WHEN field_type = 'monetary' OR raw ? 'currency' THEN
            CASE WHEN raw ->> 'value' IS NOT NULL THEN concat_ws(' ', raw ->> 'value', raw ->> 'currency') END
        ELSE coalesce(raw ->> 'value', raw::text)
    END
$$;

-- Does the JSON value hold a value worth a row? Not for null, [], "" or {"value": null, ...}. A row is
-- written exactly when this is true, and a stored row whose record now fails it is deleted.
CREATE OR REPLACE FUNCTION util.pd_has_value(raw jsonb) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE jsonb_typeof(raw)
        WHEN 'null' THEN false
        WHEN 'array' THEN jsonb_array_length(raw) > 0
        WHEN 'string' THEN raw <> '""'::jsonb
        WHEN 'object' THEN NOT raw ? 'value' OR jsonb_typeof(raw -> 'value') <> 'null'
        ELSE raw IS NOT NULL
    END
$$;

-- The number behind a double/monetary/int value (NULL for other types); unknown field: any JSON number.
CREATE OR REPLACE FUNCTION util.pd_value_numeric(field_type text, raw jsonb) RETURNS numeric
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN coalesce(field_type, 'double') NOT IN ('double', 'monetary', 'int') THEN NULL
        WHEN jsonb_typeof(raw) = 'number' THEN raw::numeric
        WHEN jsonb_typeof(raw -> 'value') = 'number' THEN (raw -> 'value')::numeric
    END
$$;

COMMENT ON FUNCTION util.pd_set_text(jsonb, jsonb) IS 'Set value (array of option ids) -> current labels joined with '', '' in option order.';
COMMENT ON FUNCTION util.pd_value_text(text, jsonb, jsonb, jsonb) IS 'Pipedrive custom-field value (v2 JSON) -> display text (labels resolved); see file header for the rules.';
COMMENT ON FUNCTION util.pd_has_value(jsonb) IS 'True when a custom-field JSON value is set (not null, [], "" or a null "value").';
COMMENT ON FUNCTION util.pd_value_numeric(text, jsonb) IS 'Numeric part of a double/monetary/int custom-field value.';
