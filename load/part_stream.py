"""One bronze part as a COPY text stream: read on demand, checked line by line, hashed on the way.

Data flow: store.open(part) -> sha256/size counter -> lake.bronze.iter_lines -> LineChecker.check
           -> PartStream.read(size) -> psycopg2 copy_expert -> PostgreSQL.
Run standalone: used by load/engine.py (python -m load.load_pipedrive_stg).

psycopg2's copy_expert calls read() while PostgreSQL consumes the rows, so the Python work on the
next lines overlaps the server's work on the previous ones, and memory holds one chunk, not the file.
"""
from __future__ import annotations

import hashlib
import re
from array import array
from typing import Iterator, Mapping

import psycopg2

from lake.bronze import iter_lines
from lake.store import Store
from load.lines import LineChecker, Reject

_COPY_CONTEXT = re.compile(r"^COPY [^\n]*?, line (\d+)", re.M)

class PartStream:
    """A read()-able COPY text stream of one bronze part, built line by line as libpq asks for it.

    Also counts the compressed bytes and their sha256 (through the store reader) and the lines, for the
    manifest check, and keeps the line number of every row it emitted, to map a COPY error back to a line."""

    CHUNK = 1024 * 1024  # bytes handed to libpq per read(): larger chunks mean fewer Python calls

    def __init__(self, store: Store, path: str, head: bytes, checker: LineChecker, refused: dict[int, str],
                 stored: Mapping[bytes, int] | None = None, *, collect_ids: bool = False):
        self.digest, self.raw_bytes, self.lines = hashlib.sha256(), 0, 0
        self.rejects: list[Reject] = []
        self.emitted = array("q")
        self.failure: Exception | None = None
        self.newest: dict[bytes, int] = {}   # record_id -> hash of its newest line in this part
        # collect_ids (a deletion sweep): the id of every line that has one, duplicates included
        self.ids: list[bytes] | None = [] if collect_ids else None
        self._rows = self._generate(_HashingStore(store, self), path, head, checker, refused, stored or {})

    def _generate(self, store, path, head, checker, refused, stored) -> Iterator[bytes]:
        """Rows for COPY. A line byte-equal to the newest earlier version of its record, in
        this part or in `stored` (record_id -> line hash of what this invocation already committed), is
        the same version again (a time-based export's boundary repeat, a record in two runs): it is
        skipped here and counted as a duplicate by the engine. Versions stored before this invocation are
        compared by PostgreSQL instead (load/sql/merge_part.sql)."""
        check, emitted, rejects, newest, ids = checker.check, self.emitted, self.rejects, self.newest, self.ids
        for line_no, line in iter_lines(store, path):
            self.lines = line_no
            if line_no in refused:
                rejects.append(Reject(line_no, "db_rejected", refused[line_no], checker.raw_text(line)))
                continue
            row = check(line_no, line, rejects)
            if row is not None:
                # The raw line stands for the doc, so no copy of it is made (equal lines give equal docs;
                # the loader stores the line).
                record_id, version = checker.record_id, hash(line)
                if ids is not None:
                    ids.append(record_id)
                seen = newest.get(record_id)
                if (seen if seen is not None else stored.get(record_id)) == version:
                    continue
                newest[record_id] = version
                emitted.append(line_no)
                yield head + row

    def read(self, size: int = CHUNK) -> bytes:
        chunks, length = [], 0
        try:
            for row in self._rows:
                chunks.append(row)
                length += len(row)
                if length >= size:
                    break
        except Exception as exc:  # kept: psycopg2 replaces it with a generic QueryCanceled
            self.failure = exc
            raise
        return b"".join(chunks)

    def line_for_copy_error(self, exc: psycopg2.Error) -> int | None:
        """The bronze line number of the COPY row an error names ('COPY t, line 12, column doc: ...')."""
        found = _COPY_CONTEXT.search(exc.diag.context or "")  # anchored: the row's text may say ", line 3"
        row = int(found[1]) if found else 0
        return self.emitted[row - 1] if 0 < row <= len(self.emitted) else None

    def mismatch(self, part: dict) -> str | None:
        found = {"rows": self.lines, "bytes": self.raw_bytes, "sha256": self.digest.hexdigest()}
        wrong = [f"{k} {found[k]} != {part[k]}" for k in ("rows", "bytes", "sha256") if found[k] != part[k]]
        return ", ".join(wrong) or None


class _HashingStore:
    """Lets lake.bronze.iter_lines read a part while every compressed byte passes through the hash."""

    def __init__(self, store: Store, sink: PartStream):
        self._store, self._sink = store, sink

    def open(self, path: str) -> "_HashingReader":
        return _HashingReader(self._store.open(path), self._sink)


class _HashingReader:
    def __init__(self, raw, sink: PartStream):
        self._raw, self._sink = raw, sink

    def read(self, size: int = -1) -> bytes:
        data = self._raw.read(size)
        self._sink.digest.update(data)
        self._sink.raw_bytes += len(data)
        return data

    def close(self) -> None:
        self._raw.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()
