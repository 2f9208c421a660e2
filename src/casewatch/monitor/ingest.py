"""Connector output -> stored records, record index, screen queue and quarantine.

:func:`ingest` takes one input unit (the file or files of one source) and
streams it through the source's connector, ``settings.batch_size`` rows per
transaction. Each transaction stores, atomically:

- the new records (``INSERT ... ON CONFLICT DO NOTHING`` on the unique
  (source, source id, content hash): a record already stored is "unchanged");
- their blocking keys (``record_keys``, for retro-screening) and a
  ``screen_queue`` row each;
- the quarantined rows (file, row, reason, raw text);
- for a ``DEL`` in a list delta: the time the source removed the entry on
  every alert about it (``alerts.source_removed_at``; nothing is closed);
- the batch's progress (rows read so far) in ``ingest_batches.counts``.

The unit is claimed first by its content hash (``ingest_files``): a unit
already done is a no-op, and a unit whose worker died is resumed from the
committed row count. Whatever happens, every good row goes in exactly once
and every bad row is quarantined exactly once.
"""

from __future__ import annotations

import hashlib
import logging
import os
import socket
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, select, update

from casewatch.db.engine import transaction
from casewatch.db.models import (
    IngestBatch,
    IngestFile,
    Quarantine,
    ScreenQueue,
)
from casewatch.errors import CasewatchError
from casewatch.monitor.dbutil import (
    insert_ignore,
    insert_pairs,
    table,
)
from casewatch.monitor.recordindex import key_rows
from casewatch.monitor.stages import Stages, maybe
from casewatch.monitor.store import Fresh, mark_removed, store_records
from casewatch.settings import get_settings
from casewatch.sources import Rejected, SourceRecord, read_source

log = logging.getLogger("casewatch.monitor")

#: A claim by a worker on another host is considered dead after this long without a heartbeat.
STALE_AFTER = timedelta(seconds=120)


#: Called after each committed batch with the new records; returns alerts raised.
OnBatch = Callable[[Fresh], int]


@dataclass
class IngestResult:
    """What one ingest did. ``already`` = this exact content was ingested before."""

    source: str
    paths: list[str]
    batch_id: int | None = None
    rows: int = 0
    new: int = 0
    unchanged: int = 0
    quarantined: int = 0
    removed: int = 0
    alerts: int = 0
    already: bool = False
    #: ``already``, and done just now by another running worker (it moves the files).
    by_live_peer: bool = False
    interrupted: bool = False
    counts: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        head = f"{self.source}: {self.new} new, {self.unchanged} unchanged, "
        tail = f"{self.quarantined} quarantined, {self.removed} removed, {self.alerts} alerts raised"
        note = ""
        if self.already:
            note = f" (this content was already ingested as batch #{self.batch_id}: nothing to do)"
        elif self.interrupted:
            note = " (stopped early: the rest resumes on the next run)"
        return head + tail + note


def worker_id() -> str:
    """This process's identity in claims: host, pid and a random token."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


_WORKER = worker_id()


def unit_hash(paths: Sequence[Path]) -> str:
    """SHA-256 over the names and bytes of the unit's files (streamed, in the given order)."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode() + b"\0")
        try:
            with open(path, "rb") as fh:
                while chunk := fh.read(1 << 20):
                    digest.update(chunk)
        except FileNotFoundError:
            raise CasewatchError(f"{path}: file not found") from None
        except IsADirectoryError:
            raise CasewatchError(f"{path}: is a directory, expected a file") from None
        digest.update(b"\0")
    return digest.hexdigest()


def _claim_is_live(worker: str, heartbeat: datetime, now: datetime) -> bool:
    host, _, rest = worker.partition(":")
    pid_text = rest.partition(":")[0]
    if host == socket.gethostname() and pid_text.isdigit():
        pid = int(pid_text)
        if pid == os.getpid():
            return worker == _WORKER
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True
    return heartbeat > now - STALE_AFTER


@dataclass
class Claim:
    file_id: int
    batch_id: int
    done: bool
    counts: dict[str, int]
    #: A done unit finished by another worker that is still running (its work, not a re-drop).
    by_live_peer: bool = False


def claim_unit(engine: Engine, source: str, paths: Sequence[Path], digest: str) -> Claim | None:
    """Claim a unit by content hash. None: another live worker is ingesting it."""
    now = datetime.now(UTC)
    label = ", ".join(str(p) for p in paths)[:2000]
    with transaction(engine) as session:
        stmt = insert_ignore(session, table(IngestFile), ["source", "file_hash"])
        session.execute(
            stmt.values(source=source, file_hash=digest, path=label, status="running",
                        worker=_WORKER, heartbeat_at=now)
        )
        row = session.execute(
            select(IngestFile)
            .where(IngestFile.source == source, IngestFile.file_hash == digest)
            .with_for_update()
        ).scalar_one()
        if row.status == "done" and row.batch_id is not None:
            batch = session.get_one(IngestBatch, row.batch_id)
            peer = row.worker != _WORKER and _claim_is_live(row.worker, row.heartbeat_at, now)
            return Claim(row.id, row.batch_id, True, dict(batch.counts), peer)
        if row.worker != _WORKER and _claim_is_live(row.worker, row.heartbeat_at, now):
            return None
        row.worker, row.heartbeat_at, row.status = _WORKER, now, "running"
        if row.batch_id is None:
            batch = IngestBatch(source=source, path=label, file_hash=digest, counts={})
            session.add(batch)
            session.flush()
            row.batch_id = batch.id
        else:
            batch = session.get_one(IngestBatch, row.batch_id)
            batch.status, batch.error = "running", None
        return Claim(row.id, batch.id, False, dict(batch.counts))


def _write_batch(
    engine: Engine, claim: Claim, source: str, records: list[SourceRecord],
    rejects: list[Rejected], rows: int,
) -> Fresh:
    """One transaction: records, keys, queue, quarantine, removals and progress."""
    with transaction(engine) as session:
        fresh: Fresh = {}
        dels: list[SourceRecord] = []
        unchanged = 0
        if records:
            fresh, dels, unchanged = store_records(session, records, claim.batch_id)
        if fresh:
            keys = [row for rid, (_, ent) in fresh.items() for row in key_rows(rid, ent)]
            insert_pairs(session, "record_keys", ("key", "record_id"), keys)
            enqueued = datetime.now(UTC)
            session.execute(table(ScreenQueue).insert(),
                            [{"record_id": r, "enqueued_at": enqueued} for r in fresh])
        mark_removed(session, source, dels)
        if rejects:
            session.execute(table(Quarantine).insert(), [
                {"source": r.source, "path": r.path, "row": r.row, "reason": r.reason,
                 "raw": r.raw, "batch_id": claim.batch_id} for r in rejects
            ])
        counts = claim.counts
        for key, value in (("rows", rows), ("new", len(fresh)), ("removed", len(dels)),
                           ("unchanged", unchanged), ("quarantined", len(rejects))):
            counts[key] = counts.get(key, 0) + value
        session.execute(update(IngestBatch).where(IngestBatch.id == claim.batch_id)
                        .values(counts=dict(counts)))
        session.execute(update(IngestFile).where(IngestFile.id == claim.file_id)
                        .values(heartbeat_at=datetime.now(UTC)))
    return fresh


def _finish(engine: Engine, claim: Claim, error: str | None = None) -> None:
    now = datetime.now(UTC)
    status = "failed" if error else "done"
    with transaction(engine) as session:
        session.execute(update(IngestBatch).where(IngestBatch.id == claim.batch_id)
                        .values(status=status, finished_at=now, error=error))
        session.execute(update(IngestFile).where(IngestFile.id == claim.file_id)
                        .values(status=status, finished_at=now))


Batch = tuple[list[SourceRecord], list[Rejected], int]


def _batches(
    items: Iterator[SourceRecord | Rejected], skip: int, size: int
) -> Iterator[Batch]:
    """Group the stream into batches of ``size`` rows, skipping the first ``skip`` rows."""
    records: list[SourceRecord] = []
    rejects: list[Rejected] = []
    for number, item in enumerate(items, start=1):
        if number <= skip:
            continue
        (rejects if isinstance(item, Rejected) else records).append(item)  # type: ignore[arg-type]
        if len(records) + len(rejects) >= size:
            yield records, rejects, len(records) + len(rejects)
            records, rejects = [], []
    if records or rejects:
        yield records, rejects, len(records) + len(rejects)


def _timed(batches: Iterator[Batch], stages: Stages | None) -> Iterator[Batch]:
    """The batches, the time spent producing each one counted as ``parse``."""
    while True:
        with maybe(stages, "parse"):
            batch = next(batches, None)
        if batch is None:
            return
        yield batch


def ingest(
    engine: Engine,
    source: str,
    paths: Sequence[Path | str],
    *,
    on_batch: OnBatch | None = None,
    stop: Callable[[], bool] | None = None,
    progress: Callable[[int], None] | None = None,
    batch_size: int | None = None,
    stages: Stages | None = None,
) -> IngestResult | None:
    """Ingest one unit (the files of one source). None if another worker holds it.

    ``on_batch`` runs after each committed batch with the new records (the
    monitor screens them there); ``stop`` is polled between batches (SIGTERM);
    ``progress`` gets the number of rows just processed; ``stages`` (if given)
    collects the time spent reading and parsing (``parse``) and storing (``store``).
    """
    files = [Path(p) for p in paths]
    result = IngestResult(source, [str(p) for p in files])
    claim = claim_unit(engine, source, files, unit_hash(files))
    if claim is None:
        return None
    result.batch_id = claim.batch_id
    if claim.done:
        result.already = True
        result.by_live_peer = claim.by_live_peer
        result.unchanged = claim.counts.get("new", 0) + claim.counts.get("unchanged", 0)
        return result
    size = batch_size or get_settings().batch_size
    skip = claim.counts.get("rows", 0)
    try:
        for records, rejects, rows in _timed(_batches(read_source(source, files), skip, size),
                                             stages):
            with maybe(stages, "store"):
                fresh = _write_batch(engine, claim, source, records, rejects, rows)
            if on_batch is not None and fresh:
                result.alerts += on_batch(fresh)
            if progress is not None:
                progress(rows)
            if stop is not None and stop():
                result.interrupted = True
                break
    except CasewatchError as exc:
        _finish(engine, claim, error=str(exc))
        raise
    if not result.interrupted:
        _finish(engine, claim)
    _fill_counts(result, claim.counts)
    return result


def _fill_counts(result: IngestResult, counts: dict[str, int]) -> None:
    result.counts = dict(counts)
    result.rows = counts.get("rows", 0)
    result.new = counts.get("new", 0)
    result.unchanged = counts.get("unchanged", 0)
    result.quarantined = counts.get("quarantined", 0)
    result.removed = counts.get("removed", 0)
