"""The reader's privileges: SELECT on core, nothing anywhere else. One row of GRANTS per item.

Data flow: GRANTS row -> sql/<check>.sql (rows = what differs from the wanted state) -> when any,
           sql/<apply>.sql (once, or once per differing row) -> check again (must be empty) -> Step.
           verify(): sql/verify.sql, effective privileges counting PUBLIC and memberships.
Run standalone: python -m scripts.setup_powerbi

An item whose check finds nothing is left untouched, so a second run changes nothing and says
"unchanged". REVOKE/GRANT by a user that does not own an object silently does nothing (PostgreSQL only
warns), which is why every item is checked again after it is applied.
"""
from __future__ import annotations

from dataclasses import dataclass

from psycopg2 import sql

from lake.powerbi.statements import SetupError, Step, listed, statement, text

CORE_SCHEMA = "core"
# Keywords an apply file may receive (other_revoke_default.sql's {objects}); anything else is refused.
_KEYWORDS = {"TABLES", "SEQUENCES", "FUNCTIONS", "TYPES"}


@dataclass(frozen=True)
class Grant:
    item: str        # shown on the Step line ("{database}" is filled in)
    wanted: str      # the state it leaves, in words
    check: str       # sql file: one row per difference, first column a description ('what')
    apply: str       # sql file; with per_row, run once per difference and may name its 'kind' column
    per_row: bool = False


GRANTS = (
    Grant("memberships", "member of no role", "memberships_check", "memberships_apply", per_row=True),
    Grant("database {database}", "CONNECT only", "database_check", "database_apply"),
    Grant("schema core", "USAGE only", "core_schema_check", "core_schema_apply"),
    Grant("tables and views in core", "SELECT only, on every one", "core_tables_check", "core_tables_apply"),
    Grant("future tables in core", "SELECT on tables and views created later (default privileges)",
          "default_privileges_check", "default_privileges_apply", per_row=True),
    Grant("other schemas", "nothing on stg_pipedrive, stg_zendesk, meta, util, public or any other",
          "other_schemas_check", "other_revoke_{kind}", per_row=True),
    Grant("schema public", "PUBLIC may not CREATE in it", "public_create_check", "public_create_apply"),
)


def _differences(cur, grant: Grant, role: str) -> list[dict]:
    cur.execute(text(grant.check), {"role": role, "core": CORE_SCHEMA})
    names = [c.name for c in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()]


def _apply(grant: Grant, role: str, database: str, row: dict | None) -> sql.Composed:
    names: dict[str, str | sql.Composable] = {"role": role, "database": database, "core": CORE_SCHEMA}
    for key, value in (row or {}).items():
        if key in ("what", "kind") or value is None:
            continue
        if key == "objects":
            if value not in _KEYWORDS:
                raise SetupError(f"{grant.item}: unexpected object kind {value!r}")
            names[key] = sql.SQL(value)
        else:
            names[key] = value
    return statement(grant.apply.format(kind=(row or {}).get("kind", "")), **names)


def ensure(cur, grant: Grant, role: str, database: str) -> Step:
    item = grant.item.format(database=database)
    before = _differences(cur, grant, role)
    if not before:
        return Step("unchanged", item, grant.wanted)
    for row in before if grant.per_row else [None]:
        cur.execute(_apply(grant, role, database, row))
    after = _differences(cur, grant, role)
    if after:
        raise SetupError(f"{item}: still not as wanted after the set-up: {listed([r['what'] for r in after])} "
                         "(the connecting user may not own these objects; run it as their owner or a superuser)")
    return Step("updated", item, f"{grant.wanted} (fixed: {listed([r['what'] for r in before])})")


def verify(cur, role: str) -> Step:
    """The reader's effective privileges, PUBLIC and memberships included; SetupError on any leak."""
    params = {"role": role, "core": CORE_SCHEMA}
    cur.execute(text("verify"), params)
    problems = [row[0] for row in cur.fetchall()]
    if problems:
        raise SetupError(f"{role} {listed(problems, 5)}: refusing to finish the set-up (nothing was changed)")
    cur.execute(text("core_readable"), params)
    readable = cur.fetchone()[0]
    return Step("ok", "check", f"{role} may SELECT {readable} tables and views in core and nothing else; "
                "it may CREATE nowhere and change nothing")
