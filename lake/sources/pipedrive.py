"""Pipedrive's entities, declared once (API facts: ../shared/api/pipedrive.md, decisions: DESIGN.md §3).

Data flow: ENTITIES -> extract/pipedrive_bronze.py, load/load_pipedrive_stg.py, normalize/normalize_pipedrive.py.
Run standalone: python -c "from lake.sources.pipedrive import ENTITIES; print(*ENTITIES, sep='\\n')"

- v2 lists (cursor pages, limit 500) for deals, persons, organizations, activities (incremental on
  update_time) and pipelines, stages (full refresh: v2 answers 400 to updated_since there).
- deals ask for status=open,won,lost,deleted: deleted deals come back only when asked, for 30 days.
- Incremental lists are sorted by update_time ascending so that a run stopped part-way (daily budget)
  has seen every record up to the maximum update_time it holds: that maximum is a safe watermark.
- v1 for users and the four *Fields catalogs (offset pages; users is unpaginated on the real API,
  which the offset loop handles as a single page). Never /v1/recents: it only returns a month.
- Deletion sweep (extract --sweep-deletions): deleted deals come back for 30 days only, deleted persons,
  organizations and activities only as is_deleted updates, so a pipeline down longer never hears of them.
  A sweep lists every current record of the four incremental entities (no updated_since, sorted by id,
  limit 500; deals with every status) and normalize flags in core what is no longer there. The v2
  lists have no ids-only form (include_fields only adds fields; `ids` filters at most 100 ids a
  request), so the cost is one list request (~10 tokens) per 500 records: 1M deals = 2,000 requests
  = ~20,000 tokens of the daily budget (30,000 x plan multiplier x seats). Deals also list
  /api/v2/deals/archived: since 2025-07-15 archived deals are only there, and a sweep that did not see
  them would call them deleted.
- Order (every stage): field catalogs, users, pipelines, stages, organizations, persons, deals,
  activities. core.pd_custom_fields keeps the first name it saw (field_name, insert-only) and, when a
  catalog row changes, re-resolves that field's stored values; core.pd_custom_field_values is written
  by its own script after deals/persons/organizations: each record's values are replaced by those of
  its newest version.
"""
from lake.entities import CoreTable, Entity, Pivot, Sweep

SOURCE = "pipedrive"
V2_INCREMENTAL = {"sort_by": "update_time", "sort_direction": "asc", "limit": "500"}
V1 = {"limit": "500"}
DEAL_STATUSES = "open,won,lost,deleted"   # deleted deals only come back when asked for
PIVOTS = (Pivot("pd_deal_custom_fields", "deal", "pd_deals"), Pivot("pd_person_custom_fields", "person", "pd_persons"),
          Pivot("pd_organization_custom_fields", "organization", "pd_organizations"))
FIELDS = CoreTable("pd_custom_fields", keep_first=("field_name",), then="pd_custom_fields_resolve", pivots=PIVOTS)
VALUES = CoreTable("pd_custom_field_values", script=True, pivots=PIVOTS)
BY_UPDATE_TIME = {"watermark": "max_field", "cursor_field": "update_time"}
BY_ID = {"sort_by": "id", "sort_direction": "asc", "limit": "500"}   # a sweep: every record, stable order
SWEEP = Sweep(BY_ID)
OWNED = {"owner_id": "pd_users"}
LINKED = {"person_id": "pd_persons", "organization_id": "pd_organizations", **OWNED, "creator_user_id": "pd_users"}

ENTITIES = (
    Entity("deal_fields", "/api/v1/dealFields", "offset", key="key", params=V1, core_tables=(FIELDS,)),
    Entity("person_fields", "/api/v1/personFields", "offset", key="key", params=V1, core_tables=(FIELDS,)),
    Entity("organization_fields", "/api/v1/organizationFields", "offset", key="key", params=V1, core_tables=(FIELDS,)),
    Entity("activity_fields", "/api/v1/activityFields", "offset", key="key", params=V1, core_tables=(FIELDS,)),
    Entity("users", "/api/v1/users", "offset", params=V1, core_tables=("pd_users",)),
    Entity("pipelines", "/api/v2/pipelines", "cursor", params={"limit": "500"}, core_tables=("pd_pipelines",)),
    Entity("stages", "/api/v2/stages", "cursor", params={"limit": "500"}, core_tables=(CoreTable("pd_stages", refs={"pipeline_id": "pd_pipelines"}),)),
    Entity("organizations", "/api/v2/organizations", "cursor", **BY_UPDATE_TIME, params=V2_INCREMENTAL,
           core_tables=(CoreTable("pd_organizations", refs=OWNED), VALUES), sweep=SWEEP),
    Entity("persons", "/api/v2/persons", "cursor", **BY_UPDATE_TIME, params=V2_INCREMENTAL,
           core_tables=(CoreTable("pd_persons", refs={"organization_id": "pd_organizations", **OWNED}), VALUES), sweep=SWEEP),
    Entity("deals", "/api/v2/deals", "cursor", **BY_UPDATE_TIME,
           params={**V2_INCREMENTAL, "status": DEAL_STATUSES}, core_tables=(CoreTable("pd_deals", label="title", refs={
               "pipeline_id": "pd_pipelines", "stage_id": "pd_stages", **LINKED}), VALUES),
           sweep=Sweep({**BY_ID, "status": DEAL_STATUSES}, also=("/api/v2/deals/archived",))),
    Entity("activities", "/api/v2/activities", "cursor", **BY_UPDATE_TIME, params=V2_INCREMENTAL,
           core_tables=(CoreTable("pd_activities", refs={"deal_id": "pd_deals", **LINKED}),), sweep=SWEEP),
)
