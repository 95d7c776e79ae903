-- The sources and scopes meta.pipeline_runs knows (scope null: normalize rows, which cover every scope), for
-- a check on a machine where no source is configured. Grain: one row per source x scope.
SELECT DISTINCT source, scope FROM meta.pipeline_runs
