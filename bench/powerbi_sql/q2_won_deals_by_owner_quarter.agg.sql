-- Visual 2 (q2_won_deals_by_owner_quarter.sql) when mapped to the aggregation table
-- core.pd_deals_agg_owner_won_day (deal_count = Count table rows, value_sum = Sum of value, status = GroupBy
-- pd_deals.status, relationships on owner_key and won_date): the SQL DirectQuery sends instead.
select "_"."c1", "_"."c2", "_"."c3", "_"."a0", "_"."a1"
from (
    select "basetable1"."name" as "c1", "basetable2"."year" as "c2", "basetable2"."quarter" as "c3",
           sum("basetable0"."deal_count") as "a0", sum("basetable0"."value_sum") as "a1"
    from (select "_"."owner_key", "_"."won_date", "_"."status", "_"."deal_count", "_"."value_sum"
          from "core"."pd_deals_agg_owner_won_day" "_") "basetable0"
    inner join (select "_"."user_key", "_"."name" from "core"."pd_users" "_") "basetable1"
        on "basetable0"."owner_key" = "basetable1"."user_key"
    inner join (select "_"."date_day", "_"."year", "_"."quarter" from "core"."dim_date" "_") "basetable2"
        on "basetable0"."won_date" = "basetable2"."date_day"
    where "basetable0"."status" = 'won'
    group by "basetable1"."name", "basetable2"."year", "basetable2"."quarter"
) "_"
where not "_"."a0" is null or not "_"."a1" is null
limit 1000001
