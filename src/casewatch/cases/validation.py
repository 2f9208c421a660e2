"""Validate a JSON lines file of watch subjects in chunks, in order, optionally on 2 cores.

Turning a line into a checked FtM entity costs about 50 µs of CPU
(followthemoney cleans every value), which is most of a million-subject
import. On request (``workers``, ``casewatch watch import --workers 2``) the
chunks are validated by a small pool of worker processes. Results come back in
file order, so the first bad line is always the one reported. The workers are
started through a fork server, so they never inherit the parent's database
connections; like any multiprocessing code this needs a main module guarded by
``if __name__ == "__main__"`` (the ``casewatch`` command is), which is why it
is opt-in rather than the default for every caller (e.g. the HTTP API).
"""

from __future__ import annotations

import hashlib
import multiprocessing
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import orjson

from casewatch.cases.subjects import subject_from_entity
from casewatch.errors import CasewatchError
from casewatch.ftm.io import parse_entity

CHUNK_LINES = 2000


@dataclass
class Chunk:
    """Consecutive lines of the file: the number of the first, their bytes."""

    first: int
    lines: list[bytes]
    size: int = 0


@dataclass
class Checked:
    """A validated chunk: (subject id, spool line, had dropped properties) per subject,
    or the first bad line's number and reason."""

    rows: list[tuple[str, bytes, bool]] = field(default_factory=list)
    error: tuple[int, str] | None = None
    size: int = 0


def check_chunk(chunk: Chunk) -> Checked:
    """Validate every line of a chunk; stops at the first bad line."""
    out = Checked(size=chunk.size)
    for offset, raw in enumerate(chunk.lines):
        if not raw.strip():
            continue
        try:
            subject = subject_from_entity(parse_entity(orjson.loads(raw)))
        except (orjson.JSONDecodeError, ValueError) as exc:
            out.error = (chunk.first + offset, str(exc))
            return out
        line = orjson.dumps([subject.subject_id, subject.schema, subject.caption,
                             subject.entity])
        out.rows.append((subject.subject_id, line, bool(subject.dropped)))
    return out


def open_file(path: Path) -> IO[bytes]:
    try:
        return open(path, "rb")
    except FileNotFoundError:
        raise CasewatchError(f"{path}: file not found") from None
    except IsADirectoryError:
        raise CasewatchError(f"{path}: is a directory, expected a JSON lines file") from None


def read_chunks(fh: IO[bytes], digest: hashlib._Hash) -> Iterator[Chunk]:
    """Chunks of ``CHUNK_LINES`` lines; every byte read goes into ``digest``."""
    chunk = Chunk(1, [])
    for number, raw in enumerate(fh, start=1):
        digest.update(raw)
        if not chunk.lines:
            chunk.first = number
        chunk.lines.append(raw)
        chunk.size += len(raw)
        if len(chunk.lines) >= CHUNK_LINES:
            yield chunk
            chunk = Chunk(number + 1, [])
    if chunk.lines:
        yield chunk


def checked_chunks(fh: IO[bytes], digest: hashlib._Hash, workers: int) -> Iterator[Checked]:
    """Validated chunks in file order, inline (``workers=0``) or in worker processes."""
    if workers <= 0:
        for chunk in read_chunks(fh, digest):
            yield check_chunk(chunk)
        return
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        window: deque[Future[Checked]] = deque()
        try:
            for chunk in read_chunks(fh, digest):
                window.append(pool.submit(check_chunk, chunk))
                if len(window) >= workers * 4:
                    yield window.popleft().result()
            while window:
                yield window.popleft().result()
        finally:
            for future in window:
                future.cancel()
