"""Apply pending SQL migrations (sql/) to the lake database.

Data flow: sql/**/*.sql -> lake.migrate.apply_migrations -> PostgreSQL (recorded in meta.schema_migrations).
Run standalone: python -m scripts.migrate [--dry-run]

Every stage also migrates when it connects; this entry point is for operators and deploy scripts.
Exit codes: 0 ok, 1 a migration failed or was refused (or the database is unreachable),
2 bad usage or configuration.
"""
from __future__ import annotations

import argparse
import logging
import sys

import psycopg2

from lake.db import connect
from lake.migrate import MigrationError, apply_migrations
from lake.logs import first_line, setup_logging
from lake.settings import SettingsError, get_settings

log = logging.getLogger("scripts.migrate")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.migrate", description=__doc__.splitlines()[0])
    parser.add_argument("--dry-run", action="store_true", help="list and check pending migrations; apply nothing")
    args = parser.parse_args(argv)
    try:
        settings = get_settings()
        setup_logging("migrate", settings)
        conn = connect(settings, migrate=False, application_name="datalake-migrate")
    except SettingsError as exc:
        log.error("configuration error: %s", exc)
        return 2
    except psycopg2.Error as exc:
        log.error("cannot connect to the database: %s", first_line(exc))
        return 1
    try:
        paths = apply_migrations(conn, dry_run=args.dry_run)
    except MigrationError as exc:
        log.error("%s", exc)
        return 1
    except psycopg2.Error as exc:
        log.error("migration bookkeeping failed: %s", first_line(exc))
        return 1
    finally:
        conn.close()
    if args.dry_run:  # applied files were already logged one by one as they were applied
        for path in paths:
            log.info("pending %s", path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
