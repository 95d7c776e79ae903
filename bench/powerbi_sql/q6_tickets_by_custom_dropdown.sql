-- Visual 6: ticket counts by a custom drop-down. Bar chart: core.zd_ticket_custom_fields.product (the "Product"
-- drop-down as a column, option label text), Count of tickets (COUNTROWS of zd_tickets, related one to one on
-- ticket_key); no slicer: every ticket. Shape as in q1 (docs/powerbi.md §4.1).
select "_"."c1", "_"."a0"
from (
    select "basetable1"."product" as "c1", count(1) as "a0"
    from (select "_"."ticket_key" from "core"."zd_tickets" "_") "basetable0"
    inner join (select "_"."ticket_key", "_"."product" from "core"."zd_ticket_custom_fields" "_") "basetable1"
        on "basetable0"."ticket_key" = "basetable1"."ticket_key"
    group by "basetable1"."product"
) "_"
where not "_"."a0" is null
limit 1000001
