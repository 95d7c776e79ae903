"""Set up Power BI's access: the read-only login powerbi_reader, and a .pbids file that opens the database.

Data flow: .env / environment (POWERBI_READER_PASSWORD, DATABASE_URL | PG* | embedded) -> lake.db.connect
           -> may the user create roles? -> migrations -> lake.powerbi.reader.setup_reader (one transaction)
           -> lake.powerbi.pbids.write (scripts/powerbi/<database>.pbids) -> one line per item on stdout.
Run standalone: python -m scripts.setup_powerbi [--out-dir DIR]

- Idempotent: each item (role, password, three settings, privileges, connection file) is changed only
  when it differs, and its line says created, updated or unchanged; a second run changes nothing.
- powerbi_reader gets CONNECT, USAGE on schema core and SELECT on every table and view there, also
  those created later (default privileges for the role that creates them); nothing on stg_*, meta, util
  or public; no write anywhere. The reasons for its timeouts and connection limit: lake/powerbi/role.py.
- Run it as the pipeline's own database user if that user may create roles (then "created later by"
  is that user); else as an admin that is a member of the pipeline's role.
- Exit codes: 0 done; 1 the database is unreachable, a migration failed or the set-up could not reach
  the wanted state (rolled back); 2 configuration: POWERBI_READER_PASSWORD missing, or the database
  user may not create roles or change these privileges. Errors are one line on stderr, no traceback.
- The password is read from the environment only, sent to the server already hashed (SCRAM), and never
  printed or logged (it is a secret in lake.settings, redacted from every log line).
- The log goes to logs/setup_powerbi_<date>.log; the console shows warnings only, stdout the result.
"""
from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

import psycopg2
from psycopg2 import errors

from lake.db import connect
from lake.logs import release_logging, setup_logging
from lake.migrate import MigrationError, apply_migrations
from lake.powerbi import pbids
from lake.powerbi.reader import setup_reader
from lake.powerbi.role import READER_ROLE, may_create_roles
from lake.powerbi.statements import SetupError, Step
from lake.settings import Settings, SettingsError, get_settings

log = logging.getLogger("scripts.setup_powerbi")

OUT_DIR = Path(__file__).resolve().parent / "powerbi"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m scripts.setup_powerbi", description=__doc__.splitlines()[0])
    parser.add_argument("--out-dir", type=Path, default=OUT_DIR,
                        help="folder for the .pbids file (default: scripts/powerbi, ignored by git)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    try:
        args = parse_args(argv)
    except SystemExit as exc:  # argparse: --help is 0, bad usage 2
        return exc.code if isinstance(exc.code, int) else 2
    try:
        return run(args)
    finally:
        release_logging()


def run(args: argparse.Namespace) -> int:
    try:
        settings = get_settings()
        settings.require("POWERBI_READER_PASSWORD")
        _log_quietly(settings)
        conn = connect(settings, migrate=False, application_name="datalake-setup-powerbi")
    except SettingsError as exc:
        return _refuse(f"configuration error: {exc}", 2)
    except psycopg2.Error as exc:
        return _refuse(f"cannot reach the database: {_one_line(exc)}", 1)
    except Exception as exc:  # e.g. the embedded server failed to start
        return _refuse(f"cannot start: {type(exc).__name__}: {_one_line(exc)}", 1)
    try:
        if not may_create_roles(conn):
            return _refuse(f"the database user {conn.info.user} may not create roles: run this command as a "
                           "user with CREATEROLE (or a superuser), e.g. with another DATABASE_URL", 2)
        apply_migrations(conn)
        steps = setup_reader(conn, settings.powerbi_reader_password, READER_ROLE)
        server, database, note = pbids.address(conn, embedded=_embedded(settings))
        steps.append(pbids.write(args.out_dir, server, database, note)[1])
    except errors.InsufficientPrivilege as exc:
        return _refuse(f"permission denied (nothing was changed): {_one_line(exc)}", 2)
    except (MigrationError, SetupError) as exc:
        return _refuse(_one_line(exc), 1)
    except psycopg2.Error as exc:
        return _refuse(f"database error (nothing was changed): {type(exc).__name__}: {_one_line(exc)}", 1)
    except OSError as exc:
        return _refuse(f"cannot write the connection file: {exc}", 1)
    finally:
        conn.close()
    for step in steps:
        print(step.line())
        log.info("setup_powerbi %s", step.line())
    print(summary(steps, database))
    return 0


def summary(steps: list[Step], database: str) -> str:
    counts = {s: sum(step.status == s for step in steps) for s in ("created", "updated", "unchanged")}
    said = ("nothing changed" if counts["created"] + counts["updated"] == 0
            else ", ".join(f"{n} {s}" for s, n in counts.items() if n))
    return (f"setup_powerbi: {READER_ROLE} ready in database {database}: {said}; in Power BI Desktop open the "
            ".pbids file, choose Database credentials, user " + READER_ROLE)


def _embedded(settings: Settings) -> bool:
    return not settings.database_url and not settings.has_pg_env()


def _one_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()  # psycopg2 adds LINE/HINT lines: the first says what failed
    return lines[0] if lines else type(exc).__name__


def _refuse(message: str, code: int) -> int:
    print(f"setup_powerbi: {message}", file=sys.stderr)  # one line; no log record, which would repeat it
    return code


def _log_quietly(settings: Settings) -> None:
    """The log file gets everything; the console only warnings (stdout carries the result)."""
    setup_logging("setup_powerbi", settings)
    for handler in logging.getLogger().handlers:
        if getattr(handler, "_datalake", False) and not isinstance(handler, logging.FileHandler):
            handler.setLevel(logging.WARNING)


if __name__ == "__main__":
    sys.exit(main())
