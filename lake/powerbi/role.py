"""The reader login itself: its attributes, its password and its settings, each set only when it differs.

Data flow: pg_roles / pg_authid / pg_db_role_setting -> compare with WANTED, the password, ROLE_SETTINGS
           -> sql/role_*.sql, password_set.sql, setting_set.sql -> one Step per item.
Run standalone: python -m scripts.setup_powerbi

The numbers, from the Power BI fact sheet (DESIGN.md §5, powerbi.md §4.2 and §5):
- statement_timeout 200s: the Service abandons a DirectQuery query after 225 s. Cancelling at 200 s
  leaves 25 s for queueing and transfer, so PostgreSQL stops the query before the Service gives up on it
  (no orphan query keeps running for nobody) and the visual shows PostgreSQL's own "statement timeout"
  error. Desktop's 10-minute CommandTimeout is never reached. A query that slow is unusable anyway
  (Microsoft's target is under 5 s; over 30 s is "unworkable").
- idle_in_transaction_session_timeout 60s: Power BI never holds a transaction open; a session that does
  (a hand-made client) would keep its AccessShareLock and block a migration's ALTER TABLE on core.
- default_transaction_read_only on: a second guard behind the privileges (a client can turn it off;
  the privileges still refuse every write).
- CONNECTION LIMIT 30: Power BI opens up to "maximum connections per data source" per model: 10 by default,
  and 10 is the Pro ceiling. 30 = the published model (10) + two authors in Desktop (10 each); excess
  Power BI queries queue rather than fail, while PostgreSQL refuses the 31st connection. Raise it here when
  more models or a Premium capacity share the login.
"""
from __future__ import annotations

from psycopg2 import errors, extensions, sql

from lake.powerbi.scram import matches
from lake.powerbi.statements import Step, statement, text

READER_ROLE = "powerbi_reader"
CONNECTION_LIMIT = 30
ROLE_SETTINGS = {
    "statement_timeout": "200s",
    "idle_in_transaction_session_timeout": "60s",
    "default_transaction_read_only": "on",
}
WANTED = {"rolcanlogin": True, "rolsuper": False, "rolinherit": False, "rolcreaterole": False,
          "rolcreatedb": False, "rolreplication": False, "rolbypassrls": False, "rolconnlimit": CONNECTION_LIMIT}
_SUPERUSER_ONLY = ("rolsuper", "rolreplication", "rolbypassrls")


def may_create_roles(conn: extensions.connection) -> bool:
    with conn.cursor() as cur:
        cur.execute("SELECT rolsuper OR rolcreaterole FROM pg_catalog.pg_roles WHERE rolname = current_user")
        row = cur.fetchone()
    conn.commit()
    return bool(row and row[0])


def _state(cur, role: str) -> dict | None:
    cur.execute(text("role_state"), {"role": role})
    row = cur.fetchone()
    return None if row is None else dict(zip([c.name for c in cur.description], row))


def ensure_role(cur, role: str) -> Step:
    wanted = f"LOGIN NOINHERIT CONNECTION LIMIT {CONNECTION_LIMIT}, no other attribute"
    limit = sql.Literal(CONNECTION_LIMIT)
    state = _state(cur, role)
    if state is None:
        cur.execute("SAVEPOINT powerbi_create_role")
        try:
            cur.execute(statement("role_create", role=role, connection_limit=limit))
        except (errors.DuplicateObject, errors.UniqueViolation):
            # Roles are cluster-wide: a set-up in another database created it since we looked. Compare.
            cur.execute("ROLLBACK TO SAVEPOINT powerbi_create_role")
            state = _state(cur, role)
        else:
            cur.execute("RELEASE SAVEPOINT powerbi_create_role")
            return Step("created", f"role {role}", wanted)
    differs = [name for name, value in WANTED.items() if state[name] != value]
    if not differs:
        return Step("unchanged", f"role {role}", wanted)
    if any(state[name] for name in _SUPERUSER_ONLY):
        cur.execute(statement("role_demote", role=role))  # only a superuser may; else InsufficientPrivilege
    cur.execute(statement("role_alter", role=role, connection_limit=limit))
    was = ", ".join(f"{name[3:]}={state[name]}" for name in differs)
    return Step("updated", f"role {role}", f"{wanted} (was {was})")


def ensure_password(cur, role: str, password: str, created: bool) -> Step:
    """Set the password unless the stored verifier already matches it. pg_authid is readable only by a
    superuser; any other (CREATEROLE) user cannot compare, so it sets the password on every run."""
    cur.execute("SELECT has_table_privilege('pg_catalog.pg_authid', 'SELECT')")
    readable = cur.fetchone()[0]
    stored = None
    if readable:
        cur.execute(text("password_state"), {"role": role})
        stored = cur.fetchone()[0]
        if matches(stored, password, role):
            return Step("unchanged", "password", "matches POWERBI_READER_PASSWORD")
    # libpq hashes it with the server's password_encryption (scram-sha-256 by default).
    verifier = extensions.encrypt_password(password, role, cur.connection)
    cur.execute(statement("password_set", role=role, password=sql.Literal(verifier)))
    if created or (readable and stored is None):
        return Step("created", "password", "set from POWERBI_READER_PASSWORD")
    if readable:
        return Step("updated", "password", "set from POWERBI_READER_PASSWORD (it differed)")
    return Step("updated", "password", "set from POWERBI_READER_PASSWORD (only a superuser can compare "
                "it with the stored one, so it is set on every run)")


def ensure_settings(cur, role: str) -> list[Step]:
    cur.execute(text("settings_state"), {"role": role})
    current = dict(row[0].split("=", 1) for row in cur.fetchall())
    steps = []
    for name, value in ROLE_SETTINGS.items():
        if current.get(name) == value:
            steps.append(Step("unchanged", name, value))
            continue
        cur.execute(statement("setting_set", role=role, setting=name, value=sql.Literal(value)))
        steps.append(Step("created", name, value) if name not in current
                     else Step("updated", name, f"{value} (was {current[name]})"))
    return steps
