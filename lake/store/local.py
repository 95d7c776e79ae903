"""Local-folder bronze backend (the default, ./data/lake).

Atomic put-if-absent: the bytes go to a temp file in the target folder, are fsynced, then
os.link() publishes them under the final name; link fails if the name exists, so a
concurrent or repeated writer can never overwrite, and a reader never sees half a file.
(os.link is atomic and exclusive on POSIX and NTFS.)
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import BinaryIO, Iterator


def _umask() -> int:
    mask = os.umask(0)  # the only way to read it is to set it; put it straight back
    os.umask(mask)
    return mask


class LocalStore:
    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    def _path(self, path: str) -> Path:
        if path.startswith("/") or ".." in path.split("/"):
            raise ValueError(f"store paths are relative keys without '..': {path!r}")
        return self.root / path

    def _write_temp(self, target: Path, data: bytes | BinaryIO) -> str:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".part")
        try:
            # mkstemp creates 0600; bronze is read by other accounts too (Spark, DuckDB, Synapse, a backup):
            # give the file the mode a plain open() would, under the process umask
            os.chmod(tmp, 0o666 & ~_umask())
            with os.fdopen(fd, "wb") as out:
                if isinstance(data, (bytes, bytearray, memoryview)):
                    out.write(data)
                else:
                    shutil.copyfileobj(data, out, 1024 * 1024)
                out.flush()
                os.fsync(out.fileno())
        except BaseException:
            os.unlink(tmp)
            raise
        return tmp

    def put_if_absent(self, path: str, data: bytes | BinaryIO) -> bool:
        target = self._path(path)
        if target.exists():
            return False
        tmp = self._write_temp(target, data)
        try:
            os.link(tmp, target)
            return True
        except FileExistsError:
            return False
        finally:
            os.unlink(tmp)

    def replace(self, path: str, data: bytes) -> None:
        target = self._path(path)
        tmp = self._write_temp(target, data)
        os.replace(tmp, target)

    def open(self, path: str) -> BinaryIO:
        return open(self._path(path), "rb")

    def exists(self, path: str) -> bool:
        return self._path(path).is_file()

    def list(self, prefix: str) -> Iterator[str]:
        # Walk only the deepest existing folder the prefix names, then filter by the full prefix.
        folder = prefix.rsplit("/", 1)[0] if "/" in prefix else ""
        base = self._path(folder) if folder else self.root
        if not base.is_dir():
            return iter(())
        found = []
        for dirpath, _dirs, files in os.walk(base):
            for name in files:
                if name.startswith(".tmp-"):
                    continue
                key = Path(dirpath, name).relative_to(self.root).as_posix()
                if key.startswith(prefix):
                    found.append(key)
        return iter(sorted(found))
