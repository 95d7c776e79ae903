-- Visual 1: pipeline value by stage and month. Matrix: rows core.pd_stages.name, columns core.dim_date.year_month
-- (of pd_deals.created_date), value Sum of pd_deals.value; a slicer on core.pd_pipelines.name picks one pipeline.
-- The shape DirectQuery sends (docs/powerbi.md §4.1): each table's query as a subselect, relationships as inner
-- joins ("Assume referential integrity"), the slicer as a WHERE on the dimension, measures aggregated, the
-- empty cells dropped, at most 1,000,001 rows.
select "_"."c1", "_"."c2", "_"."a0"
from (
    select "basetable1"."name" as "c1", "basetable2"."year_month" as "c2", sum("basetable0"."value") as "a0"
    from (select "_"."deal_key", "_"."pipeline_key", "_"."stage_key", "_"."created_date", "_"."value"
          from "core"."pd_deals" "_") "basetable0"
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
