-- Visual 3: deals by stage, sliced on a custom field. Bar chart: core.pd_stages.name, Count of deals and Sum of
-- value; a slicer on core.pd_deal_custom_fields.region (the "Region" enum custom field as a column, label
-- text), which relates one to one to pd_deals on deal_key. Shape as in q1 (docs/powerbi.md §4.1).
select "_"."c1", "_"."a0", "_"."a1"
from (
    select "basetable1"."name" as "c1", count(1) as "a0", sum("basetable0"."value") as "a1"
    from (select "_"."deal_key", "_"."stage_key", "_"."value" from "core"."pd_deals" "_") "basetable0"
    inner join (select "_"."stage_key", "_"."name" from "core"."pd_stages" "_") "basetable1"
        on "basetable0"."stage_key" = "basetable1"."stage_key"
    inner join (select "_"."deal_key", "_"."region" from "core"."pd_deal_custom_fields" "_") "semijoin1"
        on "basetable0"."deal_key" = "semijoin1"."deal_key"
    where "semijoin1"."region" = 'EMEA'
    group by "basetable1"."name"
) "_"
where not "_"."a0" is null or not "_"."a1" is null
limit 1000001
