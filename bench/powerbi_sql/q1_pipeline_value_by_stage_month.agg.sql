-- Visual 1 (q1_pipeline_value_by_stage_month.sql) when its measure is mapped to the aggregation table
-- core.pd_deals_agg_stage_day ("Manage aggregations": value_sum = Sum of pd_deals.value, relationships on
-- pipeline_key, stage_key, created_date): the SQL DirectQuery sends instead, the same shape over the summary.
select "_"."c1", "_"."c2", "_"."a0"
from (
    select "basetable1"."name" as "c1", "basetable2"."year_month" as "c2", sum("basetable0"."value_sum") as "a0"
    from (select "_"."pipeline_key", "_"."stage_key", "_"."created_date", "_"."value_sum"
          from "core"."pd_deals_agg_stage_day" "_") "basetable0"
    inner join (select "_"."stage_key", "_"."name" from "core"."pd_stages" "_") "basetable1"
        on "basetable0"."stage_key" = "basetable1"."stage_key"
    inner join (select "_"."date_day", "_"."year_month" from "core"."dim_date" "_") "basetable2"
        on "basetable0"."created_date" = "basetable2"."date_day"
    inner join (select "_"."pipeline_key", "_"."name" from "core"."pd_pipelines" "_") "semijoin1"
        on "basetable0"."pipeline_key" = "semijoin1"."pipeline_key"
    where "semijoin1"."name" = 'Sales Pipeline'
    group by "basetable1"."name", "basetable2"."year_month"
) "_"
where not "_"."a0" is null
limit 1000001
