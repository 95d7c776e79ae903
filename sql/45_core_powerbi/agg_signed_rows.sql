-- util.agg_signed_rows: the rows one statement wrote to a fact, signed, for the summary tables Power BI maps
-- with "Manage aggregations" (this folder). Grain/keys: n/a (function).
-- A statement trigger with transition tables (new_rows, old_rows) sees what the statement changed, set-based:
-- an insert adds its rows (+1), a delete takes its rows away (-1), an update does both (its old versions -1,
-- its new ones +1). Summing sign, sign * measure per group gives the change to apply to each summary row.
CREATE FUNCTION util.agg_signed_rows(op text, columns text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT concat_ws(' UNION ALL ',
                     CASE WHEN op IN ('INSERT', 'UPDATE') THEN 'SELECT 1 AS sign, ' || columns || ' FROM new_rows' END,
                     CASE WHEN op IN ('UPDATE', 'DELETE') THEN 'SELECT -1 AS sign, ' || columns || ' FROM old_rows' END)
$$;
COMMENT ON FUNCTION util.agg_signed_rows(text, text) IS 'SQL text of a trigger''s transition rows with a sign column: +1 new_rows, -1 old_rows (for summary triggers).';
