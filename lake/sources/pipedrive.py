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
"""
from lake.entities import Entity

SOURCE = "pipedrive"
V2_INCREMENTAL = {"sort_by": "update_time", "sort_direction": "asc", "limit": "500"}

ENTITIES = (
    Entity("deals", "/api/v2/deals", "cursor", watermark="max_field", cursor_field="update_time",
           params={**V2_INCREMENTAL, "status": "open,won,lost,deleted"},
           core_tables=("pd_deals", "pd_custom_field_values")),
    Entity("persons", "/api/v2/persons", "cursor", watermark="max_field", cursor_field="update_time", params=V2_INCREMENTAL,
           core_tables=("pd_persons", "pd_custom_field_values")),
    Entity("organizations", "/api/v2/organizations", "cursor", watermark="max_field", cursor_field="update_time", params=V2_INCREMENTAL,
           core_tables=("pd_organizations", "pd_custom_field_values")),
    Entity("activities", "/api/v2/activities", "cursor", watermark="max_field", cursor_field="update_time", params=V2_INCREMENTAL,
           core_tables=("pd_activities",)),
    Entity("pipelines", "/api/v2/pipelines", "cursor", params={"limit": "500"}, core_tables=("pd_pipelines",)),
    Entity("stages", "/api/v2/stages", "cursor", params={"limit": "500"}, core_tables=("pd_stages",)),
    Entity("users", "/api/v1/users", "offset", params={"limit": "500"}, core_tables=("pd_users",)),
    Entity("deal_fields", "/api/v1/dealFields", "offset", key="key", params={"limit": "500"},
           core_tables=("pd_custom_fields",)),
    Entity("person_fields", "/api/v1/personFields", "offset", key="key", params={"limit": "500"},
           core_tables=("pd_custom_fields",)),
    Entity("organization_fields", "/api/v1/organizationFields", "offset", key="key", params={"limit": "500"},
           core_tables=("pd_custom_fields",)),
    Entity("activity_fields", "/api/v1/activityFields", "offset", key="key", params={"limit": "500"},
           core_tables=("pd_custom_fields",)),
)
