"""How a source declares its entities: one frozen row per entity, read by extract, load and normalize.

Data flow: lake/sources/<source>.py ENTITIES -> extract (endpoint, paging, cursor) -> load (stg table, key)
           -> normalize (core tables).
Run standalone: python -c "from lake.sources.pipedrive import ENTITIES; print([e.name for e in ENTITIES])"

One name per entity everywhere (STYLE habit 2): `name` is the bronze entity folder, the watermark,
the stg table `{name}_raw`, the --entity flag and the log prefix.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Mapping

PAGING_STYLES = ("cursor", "offset")


@dataclass(frozen=True)
class Entity:
    name: str
    path: str                          # API path appended to the base URL
    paging: str                        # one of PAGING_STYLES (extract/paging.py)
    key: str = "id"                    # the record's business key in the API payload
    cursor_field: str | None = None    # set = incremental by this field; None = full refresh each run
    params: Mapping[str, str] = field(default_factory=dict)
    core_tables: tuple[str, ...] = ()  # what normalize builds from it, in order

    def __post_init__(self):
        if self.paging not in PAGING_STYLES:
            raise ValueError(f"{self.name}: paging {self.paging!r} is not one of {PAGING_STYLES}")
        if not self.key:
            raise ValueError(f"{self.name}: an entity needs a key to be upserted downstream")
        if not self.name.isidentifier() or not self.name.islower():
            raise ValueError(f"{self.name}: entity names are lowercase identifiers (they become table names)")
        object.__setattr__(self, "params", MappingProxyType(dict(self.params)))

    @property
    def incremental(self) -> bool:
        return self.cursor_field is not None

    @property
    def stg_table(self) -> str:
        return f"{self.name}_raw"


def select(entities: tuple[Entity, ...], names: list[str] | None) -> list[Entity]:
    """The entities named (all when none), in declaration order; unknown names are a usage error."""
    known = {e.name: e for e in entities}
    unknown = [n for n in names or [] if n not in known]
    if unknown:
        raise ValueError(f"unknown entity {', '.join(unknown)}; known: {', '.join(known)}")
    return [e for e in entities if not names or e.name in names]
