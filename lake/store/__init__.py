"""The bronze store: one small interface, two backends (local folder, ADLS Gen2 via the Blob endpoint).

Data flow: extract -> Store.put_if_absent(part, manifest) / Store.replace(_watermark.json); load -> Store.list + Store.open.
Run standalone: python -c "from lake.store import open_store; print(list(open_store().list('bronze/')))"

Paths are '/'-separated keys relative to the lake root (e.g. 'bronze/pipedrive/...').
Bronze objects are written once with put_if_absent and never modified; the only object that is
ever rewritten is an entity's small `_watermark.json` state pointer, through replace().
"""
from __future__ import annotations

from pathlib import Path
from typing import BinaryIO, Iterator, Protocol

from lake.settings import Settings, SettingsError, get_settings


class Store(Protocol):
    def put_if_absent(self, path: str, data: bytes | BinaryIO) -> bool:
        """Write the object atomically unless it exists. True if written, False if it already existed.
        `data` may be bytes or a readable binary file object (streamed, never read whole)."""

    def replace(self, path: str, data: bytes) -> None:
        """Atomically write a small state object, overwriting it (only for _watermark.json)."""

    def open(self, path: str) -> BinaryIO:
        """A streaming binary reader (context manager). FileNotFoundError if absent."""

    def exists(self, path: str) -> bool: ...

    def list(self, prefix: str) -> Iterator[str]:
        """Every object (file, never a directory) whose path starts with `prefix`, sorted by path."""


def open_store(settings: Settings | None = None) -> Store:
    settings = settings or get_settings()
    if settings.lake_backend == "adls":
        from lake.store.adls import AdlsStore
        return AdlsStore.from_settings(settings)
    from lake.store.local import LocalStore
    root = Path(settings.lake_root)
    if root.exists() and not root.is_dir():
        raise SettingsError(f"LAKE_ROOT {settings.lake_root} is a file, not a folder")
    return LocalStore(root)
