-- util.member_key, util.report_date, util.add_scope_key: what Power BI's modelling rules need from core
-- (DESIGN.md §5, docs/powerbi.md). Grain/keys: n/a (functions).
-- Power BI relates tables on ONE column of the same type, but every core key is (scope, id). A member key
-- packs both into one bigint: the scope's number (core.dim_scope.scope_key, assigned once and never
-- changed) in the top bits, the source id in the low 52. Computed, not looked up, so a fact's key to a
-- dimension exists before (or without) the dimension row, a rebuild gives the same keys, and core
-- tables store it as a generated column. A NULL id gives id 0: the dimension's "(none)" member.
-- Unique while ids stay below 2^52 (4.5e15): Pipedrive ids are 32-bit, Zendesk's below 2^47; a larger
-- id would wrap and could share a key.
CREATE SCHEMA IF NOT EXISTS util;

CREATE OR REPLACE FUNCTION util.member_key(scope_key integer, id bigint) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT (scope_key::bigint << 52) | (coalesce(id, 0) & 4503599627370495)
$$;
COMMENT ON FUNCTION util.member_key(integer, bigint) IS 'One-column key of (scope, id) for Power BI relationships: scope_key in the top bits, the id in the low 52; a NULL id is the (none) member, id 0.';

-- The UTC day of a timestamp (or a date), for the *_date columns facts relate to core.dim_date by, and for
-- the span normalize extends the calendar to. NULL outside the calendar's 1990..2100, so a date column
-- never holds a day the calendar lacks, and a bad year (9999, 1900) neither stretches the calendar to
-- its bounds nor finds a day in it.
CREATE OR REPLACE FUNCTION util.report_date(ts timestamptz) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN d BETWEEN date '1990-01-01' AND date '2100-12-31' THEN d END
    FROM (SELECT (ts AT TIME ZONE 'UTC')::date AS d) AS x
$$;
COMMENT ON FUNCTION util.report_date(timestamptz) IS 'UTC day of a timestamp for dim_date relationships; NULL outside 1990..2100.';

CREATE OR REPLACE FUNCTION util.report_date(d date) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN d BETWEEN date '1990-01-01' AND date '2100-12-31' THEN d END
$$;
COMMENT ON FUNCTION util.report_date(date) IS 'A date for dim_date relationships; NULL outside 1990..2100.';

-- Gives a core table the columns member keys are generated from: scope_key (NOT NULL, filled from
-- core.dim_scope, registering the table's scopes first) and, for a dimension (inferable), is_inferred. Used by the migrations that add
-- member keys, so that each of them states only its own key and date columns.
CREATE OR REPLACE PROCEDURE util.add_scope_key(tbl regclass, inferable boolean DEFAULT true)
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('INSERT INTO core.dim_scope (scope) SELECT s FROM (SELECT DISTINCT scope AS s FROM %s) x '
                   'WHERE NOT EXISTS (SELECT FROM core.dim_scope d WHERE d.scope = x.s) ORDER BY s', tbl);
    EXECUTE format('ALTER TABLE %s ADD COLUMN scope_key integer', tbl);
    EXECUTE format('UPDATE %s t SET scope_key = d.scope_key FROM core.dim_scope d WHERE d.scope = t.scope', tbl);
    EXECUTE format('ALTER TABLE %s ALTER COLUMN scope_key SET NOT NULL', tbl);
    EXECUTE format('COMMENT ON COLUMN %s.scope_key IS %L', tbl,
                   'Number of the scope (core.dim_scope); the high bits of every *_key column of the row.');
    IF NOT inferable THEN
        RETURN;
    END IF;
    EXECUTE format('ALTER TABLE %s ADD COLUMN is_inferred boolean NOT NULL DEFAULT false', tbl);
    EXECUTE format('COMMENT ON COLUMN %s.is_inferred IS %L', tbl,
                   'True for a member the pipeline added so that no fact loses its link: (none) for facts '
                   'without one (id 0), (unknown <id>) for an id referenced but never received. A version '
                   'from the source replaces it. Filter it out to count real records.');
END
$$;
COMMENT ON PROCEDURE util.add_scope_key(regclass, boolean) IS 'Migration helper: adds scope_key (filled from core.dim_scope) and, for an inferable table, is_inferred to a core table.';
