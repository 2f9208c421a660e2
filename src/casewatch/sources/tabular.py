"""Streaming readers shared by the connectors: text files (plain or zipped), CSV rows
with their line numbers and raw text, JSON lines, and a disk-backed side table for
joining files by a key with bounded memory.
"""

from __future__ import annotations

import csv
import io
import pickle
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import orjson

from casewatch.errors import CasewatchError

csv.field_size_limit(1 << 24)

#: Member names read from a zip holding JSON (lines).
JSON_SUFFIXES = (".json", ".jsonl", ".ndjson")

#: Rows buffered before a write to a side table (keeps the buffer to a few MB).
BATCH = 1_000


@contextmanager
def open_text(
    path: Path, member_suffix: str | tuple[str, ...] = "", encoding: str = "utf-8"
) -> Iterator[IO[str]]:
    """Open ``path`` for streaming text; a ``.zip`` is read from its (first matching) member.

    Undecodable bytes become U+FFFD rather than stopping the file; a missing
    file is a one-line :class:`CasewatchError`.
    """
    if not path.exists():
        raise CasewatchError(f"{path}: file not found")
    if path.is_dir():
        raise CasewatchError(f"{path}: is a directory, expected a file")
    if path.suffix.lower() == ".zip":
        try:
            archive = zipfile.ZipFile(path)
        except zipfile.BadZipFile:
            raise CasewatchError(f"{path}: not a valid zip file") from None
        with archive:
            names = [n for n in archive.namelist() if n.lower().endswith(member_suffix)]
            if not names:
                wanted = member_suffix if isinstance(member_suffix, str) else "|".join(member_suffix)
                raise CasewatchError(f"{path}: no '*{wanted}' file inside the zip")
            with archive.open(names[0]) as raw:
                yield io.TextIOWrapper(raw, encoding=encoding, errors="replace", newline="")
        return
    with open(path, encoding=encoding, errors="replace", newline="") as fh:
        yield fh


#: A CSV record spanning more physical lines than this is taken as a runaway quote.
MAX_RECORD_LINES = 50


class _Runaway(Exception):
    """A quoted field has not closed after :data:`MAX_RECORD_LINES` lines."""


class _LineTap:
    """Iterates a text file for :mod:`csv`, remembering the physical lines consumed
    and letting lines be pushed back to be read again."""

    def __init__(self, fh: IO[str]) -> None:
        self._fh = fh
        self.lines: list[str] = []
        self.pending: list[str] = []
        self.line_no = 0

    def __iter__(self) -> _LineTap:
        return self

    def __next__(self) -> str:
        if len(self.lines) >= MAX_RECORD_LINES:
            raise _Runaway
        line = self.pending.pop() if self.pending else next(self._fh)
        self.line_no += 1
        self.lines.append(line)
        return line

    def push_back(self, lines: list[str]) -> None:
        """Read ``lines`` again next (in order)."""
        self.pending.extend(reversed(lines))
        self.line_no -= len(lines)


def csv_rows(
    fh: IO[str], delimiter: str = ","
) -> Iterator[tuple[int, list[str] | None, str, str | None]]:
    """Yield ``(line number, fields, raw text, error)`` for each CSV record of ``fh``.

    The line number is the 1-based physical line on which the record starts
    (a quoted field can span lines). Lines that hold only whitespace or the
    DOS end-of-file mark (``\x1a``, which OFAC's files end with) are skipped.
    A stray quote would make the csv module swallow the rest of the file into
    one field; a record still open after :data:`MAX_RECORD_LINES` lines is
    therefore cut: its first line comes back with an error (fields None) and
    reading resumes on the next line. A record the csv module refuses comes
    back the same way.
    """
    tap = _LineTap(fh)
    reader = csv.reader(tap, delimiter=delimiter)
    while True:
        start = tap.line_no + 1
        tap.lines.clear()
        try:
            fields = next(reader)
        except StopIteration:
            return
        except _Runaway:
            first, rest = tap.lines[0], tap.lines[1:]
            tap.push_back(rest)
            reader = csv.reader(tap, delimiter=delimiter)
            reason = f"unbalanced quote: the record would run over {MAX_RECORD_LINES} lines"
            yield start, None, first.rstrip("\r\n"), reason
            continue
        except csv.Error as exc:
            reader = csv.reader(tap, delimiter=delimiter)
            yield start, None, "".join(tap.lines).rstrip("\r\n"), f"unreadable CSV record ({exc})"
            continue
        raw = "".join(tap.lines).rstrip("\r\n")
        if not raw.strip(" \t\r\n\x1a"):
            continue
        yield start, fields, raw, None


def dict_rows(
    fh: IO[str], delimiter: str = ","
) -> Iterator[tuple[int, dict[str, str] | str, str]]:
    """CSV with a header line: ``(line, {column: value} or an error reason, raw)``.

    A row whose field count differs from the header comes back with a reason
    string instead of a dict, so the caller can quarantine it.
    """
    rows = csv_rows(fh, delimiter)
    header: list[str] | None = None
    for line, fields, raw, error in rows:
        if fields is None:
            yield line, error or "unreadable CSV record", raw
            continue
        if header is None:
            header = [h.strip().lstrip("\ufeff") for h in fields]
            continue
        if len(fields) != len(header):
            yield line, f"expected {len(header)} columns, found {len(fields)}", raw
            continue
        yield line, dict(zip(header, fields, strict=True)), raw


def json_lines(fh: IO[str]) -> Iterator[tuple[int, Any, str | None, str]]:
    """``(line number, decoded JSON, error reason or None, raw line)`` for non-blank lines."""
    for number, line in enumerate(fh, start=1):
        raw = line.rstrip("\r\n")
        if not raw.strip():
            continue
        try:
            yield number, orjson.loads(raw), None, raw
        except orjson.JSONDecodeError as exc:
            yield number, None, f"invalid JSON: {exc}", raw


class SideTable:
    """Rows keyed by a string, spilled to a temporary SQLite file (bounded memory).

    Used to join a source's secondary files (OFAC aliases and addresses, AMS
    parties and cargo) onto its primary file without assuming any order and
    without holding the secondary files in memory. Values are pickled (the file is
    private to this process and deleted on close); pickle, unlike orjson, returns
    exactly-sized buffers, which keeps a batch to its real size.
    """

    def __init__(self) -> None:
        self._dir = tempfile.TemporaryDirectory(prefix="casewatch-join-")
        self._db = sqlite3.connect(Path(self._dir.name) / "side.db")
        self._db.execute("PRAGMA journal_mode=OFF")
        self._db.execute("PRAGMA synchronous=OFF")
        self._db.execute("CREATE TABLE side (tbl TEXT, k TEXT, seq INTEGER, v BLOB)")
        self._seq = 0
        self._indexed = False

    def add_many(self, table: str, rows: Iterable[tuple[str, Any]]) -> None:
        """Store ``(key, value)`` pairs under ``table`` (plain lists, dicts and strings)."""
        batch: list[tuple[str, str, int, bytes]] = []
        for key, value in rows:
            self._seq += 1
            batch.append((table, key, self._seq, pickle.dumps(value, protocol=5)))
            if len(batch) >= BATCH:
                self._db.executemany("INSERT INTO side VALUES (?, ?, ?, ?)", batch)
                batch.clear()
        if batch:
            self._db.executemany("INSERT INTO side VALUES (?, ?, ?, ?)", batch)
        self._indexed = False

    def get(self, table: str, key: str) -> list[Any]:
        """The values stored under ``(table, key)``, in insertion order."""
        if not self._indexed:
            self._db.execute("CREATE INDEX IF NOT EXISTS side_k ON side (tbl, k, seq)")
            self._indexed = True
        cur = self._db.execute(
            "SELECT v FROM side WHERE tbl = ? AND k = ? ORDER BY seq", (table, key)
        )
        return [pickle.loads(v) for (v,) in cur]

    def keys(self, table: str) -> Iterator[str]:
        """The distinct keys of ``table`` in first-seen order."""
        cur = self._db.execute(
            "SELECT k FROM side WHERE tbl = ? GROUP BY k ORDER BY MIN(seq)", (table,)
        )
        for (key,) in cur:
            yield key

    def close(self) -> None:
        self._db.close()
        self._dir.cleanup()

    def __enter__(self) -> SideTable:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def clean(value: str | None) -> str | None:
    """Strip a cell; empty cells become None."""
    if value is None:
        return None
    value = value.strip()
    return value or None
