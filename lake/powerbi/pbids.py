"""The Power BI connection file: scripts/powerbi/<database>.pbids, opened by double-click in Power BI Desktop.

Data flow: the set-up's connection (host, port, database libpq actually used: DATABASE_URL, PG* or the
           embedded server) -> address() -> document() -> write() -> <folder>/<database>.pbids.
Run standalone: python -m scripts.setup_powerbi

The file holds no credentials and no table list (PBIDS cannot carry them): Desktop asks for the user
(powerbi_reader) and password, then shows the Navigator. Protocol "postgresql" with address.server
"host:port" and address.database follows the Data Source Reference format (powerbi.md §2); the port
is always written, even 5432, so the file says exactly where it points.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from psycopg2 import extensions

from lake.powerbi.statements import Step

LOOPBACK = "127.0.0.1"


def address(conn: extensions.connection, embedded: bool) -> tuple[str, str, str]:
    """(server "host:port", database, a note for the operator or '')."""
    host, port, database = conn.info.host, conn.info.port, conn.info.dbname
    note = ""
    if embedded:
        host = LOOPBACK
        note = ("the embedded PostgreSQL is for trials: Power BI Desktop must run on this machine, and the "
                "server listens on TCP only on Windows (on another port after each restart)")
    elif host.startswith("/"):  # a Unix socket directory: Power BI can only use TCP
        host = LOOPBACK
        note = "connected through a Unix socket: the file names 127.0.0.1; edit it if Power BI reaches the server by another name"
    elif host in ("localhost", LOOPBACK, "::1"):
        note = "a local address: Power BI Desktop must run on this machine (or edit the server name in the file)"
    return f"{host}:{port}", database, note


def document(server: str, database: str) -> dict:
    return {
        "version": "0.1",
        "connections": [{
            "details": {"protocol": "postgresql", "address": {"server": server, "database": database}},
            "options": {},
            "mode": "DirectQuery",
        }],
    }


def write(folder: Path, server: str, database: str, note: str = "") -> tuple[Path, Step]:
    """Write <folder>/<database>.pbids unless it already says the same; returns its path and the Step."""
    path = folder / (re.sub(r"[^A-Za-z0-9._-]", "_", database) + ".pbids")
    content = json.dumps(document(server, database), indent=2) + "\n"
    old = path.read_text(encoding="utf-8") if path.is_file() else None
    if old != content:
        folder.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    status = "created" if old is None else "unchanged" if old == content else "updated"
    detail = f"{_shown(path)} (server {server}, database {database}, DirectQuery)" + (f"; {note}" if note else "")
    return path, Step(status, "connection file", detail)


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
