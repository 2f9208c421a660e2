"""Bulk watch import (``casewatch watch import``): a million subjects in minutes, all or nothing.

Two passes, so that a bad line never leaves half an import behind and the
database is written to only for as long as the inserts take:

1. read and validate every line (FtM entity, watchable schema, a name or an
   identifier; out-of-scope properties dropped) into a compact temporary file,
   optionally on worker processes (``casewatch.cases.validation``);
   the first bad line raises one error naming the file and line, before any write;
2. insert the validated rows in batches inside the caller's single transaction
   (SQLAlchemy Core ``executemany`` on SQLite, ``COPY`` on PostgreSQL), and
   append one audit event.

Subjects already actively watched in the case, and repeated ids in the file,
are skipped and counted (the first occurrence wins).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

import orjson
from sqlalchemy import Text, bindparam, insert, select
from sqlalchemy.orm import Session

from casewatch.audit.log import append
from casewatch.auth.access import require_case, require_role
from casewatch.cases.cases import WRITER_ROLES
from casewatch.cases.validation import checked_chunks, open_file
from casewatch.cases.watches import (
    active_watches_filter,
    resolve_expiry,
    resolve_threshold,
    retro_screen,
)
from casewatch.db.models import User, Watch, utcnow
from casewatch.errors import CasewatchError

#: progress(phase, done, total): phase "validate" counts bytes, "insert" counts watches.
ProgressFn = Callable[[str, int, int | None], None]
BATCH_SIZE = 5000


@dataclass
class ImportResult:
    """What an import did."""

    case_id: int
    imported: int
    skipped_existing: int
    skipped_repeated: int
    properties_dropped: int
    threshold: float
    expires_at: datetime
    file_sha256: str
    watch_ids: list[int] = field(default_factory=list, repr=False)
    retro_alerts: int | None = None


@dataclass
class _Scan:
    rows: int = 0
    existing: int = 0
    repeated: int = 0
    dropped: int = 0
    sha256: str = ""


def _validate(path: Path, existing: set[str], spool: IO[bytes], progress: ProgressFn | None,
              workers: int) -> _Scan:
    """Pass 1: validate every line of ``path`` and spool compact rows; raise on the first bad one."""
    scan, seen, digest = _Scan(), set(existing), hashlib.sha256()
    done = 0
    with open_file(path) as fh:
        total = os.fstat(fh.fileno()).st_size
        for checked in checked_chunks(fh, digest, workers):
            for subject_id, line, dropped in checked.rows:
                if subject_id in seen:
                    if subject_id in existing:
                        scan.existing += 1
                    else:
                        scan.repeated += 1
                    continue
                seen.add(subject_id)
                scan.dropped += dropped
                spool.write(line)
                spool.write(b"\n")
                scan.rows += 1
            if checked.error is not None:
                number, reason = checked.error
                raise CasewatchError(f"{path}, line {number}: {reason}; nothing was imported")
            done += checked.size
            if progress:
                progress("validate", done, total)
    scan.sha256 = digest.hexdigest()
    return scan


def _batches(spool: IO[bytes], size: int) -> Iterator[list[dict[str, Any]]]:
    spool.seek(0)
    batch: list[dict[str, Any]] = []
    for line in spool:
        subject_id, schema, caption, entity = orjson.loads(line)
        batch.append({"subject_id": subject_id, "schema": schema, "caption": caption,
                      "entity": orjson.dumps(entity).decode()})
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _insert(session: Session, spool: IO[bytes], fixed: dict[str, Any], total: int,
            progress: ProgressFn | None, batch_size: int) -> list[int]:
    """Pass 2 on SQLite: executemany inserts in batches (one transaction: the caller's).

    The values shared by every row are bound once; the entity goes in as JSON
    text already encoded by orjson.
    """
    if session.get_bind().dialect.name == "postgresql":
        return _copy_postgres(session, spool, fixed, total, progress, batch_size)
    table = Watch.__table__
    stmt = (
        insert(table)  # type: ignore[arg-type]
        .values(**fixed, entity=bindparam("entity", type_=Text()))
        .returning(table.c.id)
    )
    ids: list[int] = []
    for batch in _batches(spool, batch_size):
        ids.extend(session.scalars(stmt, batch))
        if progress:
            progress("insert", len(ids), total)
    return ids


COPY_COLUMNS = ("id", "case_id", "subject_id", "schema", "caption", "entity", "threshold",
                "created_by", "created_at", "expires_at")


def _copy_postgres(session: Session, spool: IO[bytes], fixed: dict[str, Any], total: int,
                   progress: ProgressFn | None, batch_size: int) -> list[int]:
    """Pass 2 on PostgreSQL: ids drawn from the table's sequence, rows sent with COPY.

    COPY is several times faster than multi-row INSERT for bulk loads; it runs
    on the session's own connection, so it is part of the caller's transaction.
    """
    raw = session.connection().connection.driver_connection
    assert raw is not None
    shared = (fixed["case_id"], fixed["threshold"], fixed["created_by"], fixed["created_at"],
              fixed["expires_at"])
    ids: list[int] = []
    with raw.cursor() as cur:
        cur.execute("SELECT pg_get_serial_sequence('watches', 'id')")
        sequence = cur.fetchone()[0]
        for batch in _batches(spool, batch_size):
            cur.execute("SELECT nextval(%s) FROM generate_series(1, %s)", (sequence, len(batch)))
            new = [row[0] for row in cur.fetchall()]
            with cur.copy(f"COPY watches ({', '.join(COPY_COLUMNS)}) FROM STDIN") as copy:
                for wid, row in zip(new, batch, strict=True):
                    case_id, threshold, created_by, created_at, expires_at = shared
                    copy.write_row((wid, case_id, row["subject_id"], row["schema"],
                                    row["caption"], row["entity"], threshold, created_by,
                                    created_at, expires_at))
            ids.extend(new)
            if progress:
                progress("insert", len(ids), total)
    return ids


def import_watches(
    session: Session,
    actor: User,
    case_id: int,
    path: Path,
    *,
    threshold: float | None = None,
    expires: date | datetime | None = None,
    retro: bool = True,
    progress: ProgressFn | None = None,
    batch_size: int = BATCH_SIZE,
    workers: int = 0,
) -> ImportResult:
    """Import every subject of an FtM JSON lines file as a watch of ``case_id``, or none.

    Audited as one ``watch.import`` event (file name, SHA-256, counts). With
    ``retro`` the new watches are screened against stored records. ``workers`` > 0
    validates on that many worker processes (see ``casewatch.cases.validation``).
    """
    require_role(actor, *WRITER_ROLES, action="watch.import")
    case = require_case(session, actor, case_id, action="watch.import", write=True)
    expires_at = resolve_expiry(case, expires)
    value = resolve_threshold(case, threshold)
    now = utcnow()
    existing = set(session.scalars(
        select(Watch.subject_id).where(Watch.case_id == case.id, active_watches_filter(now))
    ))
    with tempfile.TemporaryFile(prefix="casewatch-import-") as spool:
        scan = _validate(path, existing, spool, progress, workers)
        if scan.rows == 0 and scan.existing == 0 and scan.repeated == 0:
            raise CasewatchError(f"{path}: no subjects found (the file is empty)")
        fixed = {"case_id": case.id, "threshold": value, "created_by": actor.id,
                 "created_at": now, "expires_at": expires_at, "removed_at": None,
                 "removed_by": None}
        ids = _insert(session, spool, fixed, scan.rows, progress, batch_size)
    result = ImportResult(case.id, len(ids), scan.existing, scan.repeated, scan.dropped,
                          value, expires_at, scan.sha256, ids)
    append(session, actor=actor.name, action="watch.import", object_type="case",
           object_id=case.id, case_id=case.id,
           params={"file": path.name, "sha256": scan.sha256, "imported": len(ids),
                   "skipped_existing": scan.existing, "skipped_repeated": scan.repeated,
                   "threshold": value, "expires_at": expires_at.isoformat()})
    if retro:
        result.retro_alerts = retro_screen(session, ids)
    return result
