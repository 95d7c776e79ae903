-- Visual 2: won deals by owner and quarter. Table: core.pd_users.name (the owner, pd_deals.owner_key), core.dim_date
-- year and quarter (of pd_deals.won_date), measures Count of deals (COUNTROWS) and Sum of value; a filter
-- pd_deals.status = won. Shape as in q1 (docs/powerbi.md §4.1).
select "_"."c1", "_"."c2", "_"."c3", "_"."a0", "_"."a1"
from (
    select "basetable1"."name" as "c1", "basetable2"."year" as "c2", "basetable2"."quarter" as "c3",
           count(1) as "a0", sum("basetable0"."value") as "a1"
    from (select "_"."deal_key", "_"."owner_key", "_"."won_date", "_"."status", "_"."value"
          from "core"."pd_deals" "_") "basetable0"
    inner join (select "_"."user_key", "_"."name" from "core"."pd_users" "_") "basetable1"
        on "basetable0"."owner_key" = "basetable1"."user_key"
    inner join (select "_"."date_day", "_"."year", "_"."quarter" from "core"."dim_date" "_") "basetable2"
        on "basetable0"."won_date" = "basetable2"."date_day"
    where "basetable0"."status" = 'won'
    group by "basetable1"."name", "basetable2"."year", "basetable2"."quarter"
) "_"
where not "_"."a0" is null or not "_"."a1" is null
limit 1000001
