"""How a source declares its entities: one frozen row per entity, read by extract, load and normalize.

Data flow: lake/sources/<source>.py ENTITIES -> extract (endpoint, paging, watermark) -> load (stg table, key,
           version) -> normalize (core tables).
Run standalone: python -c "from lake.sources.zendesk import ENTITIES; print(*ENTITIES, sep='\\n')"

One name per entity everywhere (STYLE habit 2): `name` is the bronze entity folder, the watermark,
the stg table `{name}_raw`, the --entity flag and the log prefix. The order of a source's ENTITIES is
the order of every stage: catalogs and dimensions first, then the facts that point at them (normalize
renders custom values against the catalog it has just written).

Three jobs that one "cursor field" used to do are three fields here:
- watermark: how an incremental entity resumes. None = full refresh each run. 'max_field' = the largest
  value of cursor_field among the records written (Pipedrive's update_time lists, sorted ascending).
  'page_state' = the position the API itself hands back with each page (Zendesk's export cursor, the
  time-based export's end_time): the state of the last page written is where the next run starts.
- cursor_field: the record field whose maximum is the watermark (max_field only).
- version_fields: the record fields, first present wins, that say which stored version of a record is
  newest (stg source_updated_at); ISO 8601 or epoch seconds. Default: cursor_field, else UPDATED_FIELDS.

A Sweep says how a deletion sweep (extract --sweep-deletions, extract/sweep.py) lists every current
record of an entity whose API forgets deletions (Pipedrive purges deleted records after 30 days):
the listing's ids, recorded by the loader, let normalize flag in core what the API no longer has.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Mapping

PAGING_STYLES = ("cursor", "offset", "export_cursor", "export_time", "links")   # extract/paging.py
WATERMARKS = ("max_field", "page_state")
# Versions of full-refresh entities: the first of these present (Pipedrive v1/v2 update_time, Pipedrive
# users modified, Zendesk updated_at).
UPDATED_FIELDS = ("update_time", "updated_at", "modified")


@dataclass(frozen=True)
class CoreTable:
    """How normalize writes one core table from an entity (normalize/engine.py has the details)."""
    name: str
    script: bool = False               # the SQL file writes the table itself (reads temp view winners)
    keep_first: tuple[str, ...] = ()   # written on insert only, never updated (e.g. a first-seen name)
    then: str | None = None            # SQL file run after the upsert (reads temp table changed)


@dataclass(frozen=True)
class Sweep:
    """A full listing of an entity's current records (no incremental window, a stable order)."""
    params: Mapping[str, str]          # replaces Entity.params for the listing
    also: tuple[str, ...] = ()         # more paths that hold current records (listed with the same params);
                                       # 403/404 there = no such listing on this account, the sweep goes on

    def __post_init__(self):
        object.__setattr__(self, "params", MappingProxyType(dict(self.params)))
        object.__setattr__(self, "also", tuple(self.also))


@dataclass(frozen=True)
class Entity:
    name: str
    path: str                          # API path appended to the base URL
    paging: str                        # one of PAGING_STYLES (extract/paging.py)
    key: str = "id"                    # the record's business key in the API payload
    records: str = "data"              # the envelope member that holds the page's records
    watermark: str | None = None       # one of WATERMARKS; None = full refresh each run
    cursor_field: str | None = None    # with watermark 'max_field': the field whose maximum is the watermark
    version_fields: tuple[str, ...] = ()   # stg version (source_updated_at); default see module doc
    params: Mapping[str, str] = field(default_factory=dict)
    optional: bool = False             # 403/404 = not on this account's plan: skipped with a warning
    core_tables: tuple[CoreTable, ...] = ()  # what normalize builds from it, in order (a name = a plain upsert)
    sweep: Sweep | None = None         # how a deletion sweep lists it (None: the API reports its deletions)

    def __post_init__(self):
        if self.paging not in PAGING_STYLES:
            raise ValueError(f"{self.name}: paging {self.paging!r} is not one of {PAGING_STYLES}")
        if self.watermark is not None and self.watermark not in WATERMARKS:
            raise ValueError(f"{self.name}: watermark {self.watermark!r} is not one of {WATERMARKS}")
        if (self.watermark == "max_field") != bool(self.cursor_field):
            raise ValueError(f"{self.name}: a cursor_field goes with watermark 'max_field', and only with it")
        if self.watermark == "page_state" and self.paging not in ("export_cursor", "export_time"):
            raise ValueError(f"{self.name}: paging {self.paging!r} hands back no resume state")
        if not self.key:
            raise ValueError(f"{self.name}: an entity needs a key to be upserted downstream")
        if self.sweep is not None and (self.paging not in ("cursor", "offset", "links") or not self.core_tables):
            raise ValueError(f"{self.name}: a sweep lists a plain list (not an export) into a core table")
        if not self.name.isidentifier() or not self.name.islower():
            raise ValueError(f"{self.name}: entity names are lowercase identifiers (they become table names)")
        object.__setattr__(self, "params", MappingProxyType(dict(self.params)))
        object.__setattr__(self, "core_tables", tuple(t if isinstance(t, CoreTable) else CoreTable(t)
                                                      for t in self.core_tables))
        if not self.version_fields:
            object.__setattr__(self, "version_fields", (self.cursor_field,) if self.cursor_field else UPDATED_FIELDS)

    @property
    def incremental(self) -> bool:
        return self.watermark is not None

    @property
    def stg_table(self) -> str:
        return f"{self.name}_raw"

    @property
    def core_table_names(self) -> tuple[str, ...]:
        return tuple(t.name for t in self.core_tables)


def select(entities: tuple[Entity, ...], names: list[str] | None) -> list[Entity]:
    """The entities named (all when none), in declaration order; unknown names are a usage error."""
    known = {e.name: e for e in entities}
    unknown = [n for n in names or [] if n not in known]
    if unknown:
        raise ValueError(f"unknown entity {', '.join(unknown)}; known: {', '.join(known)}")
    return [e for e in entities if not names or e.name in names]
