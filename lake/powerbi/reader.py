"""Set up the Power BI reader in one transaction: the login, then its privileges, then a check of both.

Data flow: connection (migrated) -> role.ensure_role/ensure_password/ensure_settings -> grants.ensure
           for every GRANTS row -> grants.verify -> COMMIT -> list of Steps (created/updated/unchanged/ok).
Run standalone: python -m scripts.setup_powerbi

All or nothing: any error (or a leak found by the check) rolls the whole set-up back. Runs on one
database serialise on an advisory lock; the role itself is cluster-wide, so a set-up running at the
same moment in another database is handled where it matters (CREATE ROLE racing).
"""
from __future__ import annotations

from psycopg2 import extensions

from lake.db import advisory_lock
from lake.powerbi.grants import GRANTS, ensure, verify
from lake.powerbi.role import READER_ROLE, ensure_password, ensure_role, ensure_settings
from lake.powerbi.statements import Step

LOCK_NAME = "lake.powerbi.setup"


def setup_reader(conn: extensions.connection, password: str, role: str = READER_ROLE) -> list[Step]:
    """Create or repair the reader role with this password; returns one Step per item, in order."""
    with advisory_lock(conn, LOCK_NAME):
        try:
            with conn.cursor() as cur:
                cur.execute("SELECT current_database()")
                database = cur.fetchone()[0]
                steps = [ensure_role(cur, role)]
                steps.append(ensure_password(cur, role, password, created=steps[0].status == "created"))
                steps += ensure_settings(cur, role)
                steps += [ensure(cur, grant, role, database) for grant in GRANTS]
                steps.append(verify(cur, role))
            conn.commit()
        except BaseException:
            conn.rollback()
            raise
    return steps
