-- Visual 7, deals (q7a_trend_deals_by_month.sql), when mapped to the aggregation table core.pd_deals_agg_stage_day
-- (deal_count = Count table rows, relationship on created_date): the SQL DirectQuery sends instead.
select "_"."c1", "_"."a0"
from (
    select "basetable1"."year_month" as "c1", sum("basetable0"."deal_count") as "a0"
    from (select "_"."created_date", "_"."deal_count" from "core"."pd_deals_agg_stage_day" "_") "basetable0"
    inner join (select "_"."date_day", "_"."year_month" from "core"."dim_date" "_") "basetable1"
        on "basetable0"."created_date" = "basetable1"."date_day"
    where "basetable1"."date_day" >= date '2025-11-01' and "basetable1"."date_day" < date '2026-11-01'
    group by "basetable1"."year_month"
) "_"
where not "_"."a0" is null
limit 1000001
