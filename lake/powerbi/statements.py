"""The set-up's SQL files, and the one-line result of each set-up item.

Data flow: lake/powerbi/sql/<name>.sql -> statement(name, role=..., ...) -> psycopg2.sql.Composed.
Run standalone: python -c "from lake.powerbi.statements import statement; print(statement('role_alter', role='r', connection_limit=1).as_string(None))"

Placeholders in braces are names (roles, schemas, a database): a plain str becomes a quoted
psycopg2.sql.Identifier; a psycopg2.sql.Composable (a Literal, a fixed keyword) goes in as it is.
Values the SQL compares with are bind parameters (%(role)s). Nothing is assembled with f-strings.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from psycopg2 import sql

SQL_DIR = Path(__file__).with_name("sql")


class SetupError(Exception):
    """The set-up could not reach the wanted state (the run is rolled back; the command exits 1)."""


@dataclass(frozen=True)
class Step:
    """What the set-up did to one item: created | updated | unchanged (or ok for the final check)."""
    status: str
    item: str
    detail: str

    def line(self) -> str:
        return f"{self.status:<9} {self.item}: {self.detail}"


@functools.cache
def text(name: str) -> str:
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


def statement(name: str, /, **names: str | sql.Composable) -> sql.Composed:
    return sql.SQL(text(name)).format(**{
        key: value if isinstance(value, sql.Composable) else sql.Identifier(value) for key, value in names.items()})


def listed(items: list[str], limit: int = 3) -> str:
    """'a, b, c and 4 more': keeps a line readable when many tables changed."""
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")
