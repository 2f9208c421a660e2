"""The watch index: an in-memory :class:`~casewatch.matching.Screener` over active watches.

Each active watch is added under its id (as text): several watches (in
several cases) may watch the same subject, and each alerts on its own.
:meth:`WatchIndex.refresh` brings the index up to date cheaply before every
screening pass: new watches (id above the highest one seen) are added,
watches renewed since the last refresh that are not in the index (they had
expired when it was built) are added back, and watches removed since the
last refresh are dropped. Expiry is *not* left to
the index: alerting re-reads each matched watch and checks ``expires_at``
against the screening time (:mod:`casewatch.monitor.alerting`), so an expired
watch never alerts even if it is still in memory.

A snapshot (``$CASEWATCH_HOME/index/watches.json`` + the screener file it names) lets a restarted monitor
load a million watches in seconds instead of rebuilding; the snapshot records
the database it belongs to and the highest watch id, so a snapshot from
another database is ignored and one that is behind is brought up to date.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
from followthemoney import EntityProxy
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casewatch.cases.watches import active_watches_filter
from casewatch.db.models import AuditEvent, Watch
from casewatch.ftm.model import model
from casewatch.matching import Screener, compile_entity

log = logging.getLogger("casewatch.monitor")

#: Removals are looked up from slightly before the last refresh (clock skew between writers).
SKEW = timedelta(seconds=30)
#: Watches are loaded from the database this many at a time.
LOAD_CHUNK = 5000
SNAPSHOT_VERSION = 1


def watch_entity(data: dict[str, Any], subject_id: str, schema: str) -> EntityProxy:
    """The FtM entity of a stored watch (``watches.entity`` holds its FtM dict)."""
    body = dict(data) if isinstance(data, dict) else {}
    body.setdefault("id", subject_id)
    body.setdefault("schema", schema)
    body.setdefault("properties", {})
    return model.get_proxy(body, cleaned=False)


def database_tag(session: Session) -> str:
    """Identifies the database a snapshot belongs to (URL without password)."""
    url = session.get_bind().engine.url.render_as_string(hide_password=True)
    return hashlib.sha256(url.encode()).hexdigest()[:16]


class WatchIndex:
    """The screener over active watches, plus what is needed to keep it current."""

    def __init__(self, screener: Screener, max_id: int = 0, synced_at: datetime | None = None,
                 floor: float = 1.0, size: int = 0) -> None:
        self.screener = screener
        self.max_id = max_id
        self.synced_at = synced_at or datetime.now(UTC)
        #: The lowest threshold of any watch in the index: the screener's cut-off.
        self.floor = floor
        self.size = size
        #: Changes not yet sent to the forked copies of a
        #: :class:`~casewatch.monitor.pool.ScreenPool` (``("add", key, compiled)`` /
        #: ``("remove", key)``, in order); None: no pool, nothing recorded.
        self.journal: list[tuple[Any, ...]] | None = None

    # -- building ---------------------------------------------------------------------

    def _add_rows(self, rows: Any) -> int:
        added = 0
        for wid, subject_id, schema, data, threshold in rows:
            compiled = compile_entity(watch_entity(data, subject_id, schema))
            self.screener.add(compiled, str(wid))
            if self.journal is not None:
                self.journal.append(("add", str(wid), compiled))
            self.max_id = max(self.max_id, wid)
            if threshold is not None:
                self.floor = min(self.floor, float(threshold))
            added += 1
        self.size += added
        return added

    def _load_new(self, session: Session, now: datetime,
                  progress: Callable[[int], None] | None = None) -> int:
        """Add every active watch with an id above ``max_id``, in id order, chunk by chunk."""
        added = 0
        while True:
            rows = session.execute(
                select(Watch.id, Watch.subject_id, Watch.schema, Watch.entity, Watch.threshold)
                .where(Watch.id > self.max_id, active_watches_filter(now))
                .order_by(Watch.id).limit(LOAD_CHUNK)
            ).all()
            if not rows:
                return added
            n = self._add_rows(rows)
            added += n
            if progress is not None:
                progress(n)

    @classmethod
    def build(cls, session: Session, *, now: datetime | None = None,
              progress: Callable[[int], None] | None = None) -> WatchIndex:
        """A fresh index over every active watch."""
        from casewatch.settings import get_settings

        now = now or datetime.now(UTC)
        index = cls(Screener(), floor=get_settings().threshold, synced_at=now)
        index._load_new(session, now, progress)
        return index

    def _load_renewed(self, session: Session, since: datetime, now: datetime) -> int:
        """Add back the watches renewed since ``since`` that are not in the index.

        A watch that had expired when the index was built (or when its id was
        first seen) was left out; renewing it moves ``expires_at`` but not its
        id, so :meth:`_load_new` would not see it. Every renewal is audited
        (``watch.renew``, in the renewing transaction), and ``audit_events.at``
        is indexed: the renewals since the last refresh are one cheap query.
        """
        renewed = session.execute(
            select(AuditEvent.object_id)
            .where(AuditEvent.action == "watch.renew", AuditEvent.at >= since)
        ).scalars().all()
        ids = {int(i) for i in renewed if i is not None and i.isdigit()}
        missing = sorted(i for i in ids if str(i) not in self.screener)
        if not missing:
            return 0
        rows = session.execute(
            select(Watch.id, Watch.subject_id, Watch.schema, Watch.entity, Watch.threshold)
            .where(Watch.id.in_(missing), active_watches_filter(now)).order_by(Watch.id)
        ).all()
        return self._add_rows(rows)

    def refresh(self, session: Session, now: datetime | None = None) -> tuple[int, int]:
        """Add new and renewed watches, drop removed ones; returns (added, removed)."""
        now = now or datetime.now(UTC)
        since = self.synced_at - SKEW
        added = self._load_new(session, now)
        added += self._load_renewed(session, since, now)
        gone = session.execute(
            select(Watch.id).where(Watch.removed_at >= since, Watch.id <= self.max_id)
        ).scalars().all()
        removed = 0
        for wid in gone:
            if self.screener.remove(str(wid)):
                removed += 1
                if self.journal is not None:
                    self.journal.append(("remove", str(wid)))
        self.size -= removed
        self.synced_at = now
        return added, removed

    # -- snapshots -------------------------------------------------------------------------

    @staticmethod
    def snapshot_meta(home: Path) -> Path:
        return home / "index" / "watches.json"

    def save(self, session: Session, home: Path) -> None:
        """Write a snapshot: a uniquely named screener file, then the metadata naming it.

        The metadata file is replaced atomically and names its own screener
        file, so two processes saving at once can never pair one's metadata
        with the other's data. The previous screener file is deleted.
        """
        meta_path = self.snapshot_meta(home)
        meta_path.parent.mkdir(parents=True, exist_ok=True)
        previous = _read_meta(meta_path).get("file")
        name = f"watches-{uuid.uuid4().hex}.screener"
        self.screener.save(meta_path.parent / name)
        meta = {"version": SNAPSHOT_VERSION, "database": database_tag(session), "file": name,
                "max_id": self.max_id, "synced_at": self.synced_at.isoformat(),
                "floor": self.floor, "size": self.size}
        meta_tmp = meta_path.with_name(f"{meta_path.name}.{uuid.uuid4().hex}.tmp")
        meta_tmp.write_bytes(orjson.dumps(meta))
        meta_tmp.replace(meta_path)
        if isinstance(previous, str) and previous != name:
            (meta_path.parent / Path(previous).name).unlink(missing_ok=True)

    @classmethod
    def load(cls, session: Session, home: Path) -> WatchIndex | None:
        """The snapshot, if there is a usable one for this database (else None)."""
        meta_path = cls.snapshot_meta(home)
        meta = _read_meta(meta_path)
        if meta.get("version") != SNAPSHOT_VERSION or meta.get("database") != database_tag(session):
            return None
        top = session.scalar(select(func.max(Watch.id))) or 0
        if int(meta["max_id"]) > top:  # the database was reset since
            return None
        try:
            screener = Screener.load(meta_path.parent / Path(str(meta["file"])).name)
        except Exception as exc:  # a damaged or vanished snapshot is rebuilt, never fatal
            log.warning("watch index snapshot unusable (%s): rebuilding", exc)
            return None
        return cls(screener, int(meta["max_id"]), datetime.fromisoformat(meta["synced_at"]),
                   float(meta["floor"]), int(meta["size"]))

    @classmethod
    def open(cls, session: Session, home: Path | None = None, *,
             progress: Callable[[int], None] | None = None) -> WatchIndex:
        """Load the snapshot and bring it up to date, or build the index from the database."""
        index = cls.load(session, home) if home is not None else None
        if index is None:
            index = cls.build(session, progress=progress)
            log.info("watch index built: %d active watches", index.size)
        else:
            added, removed = index.refresh(session)
            log.info("watch index loaded from snapshot: %d watches (+%d, -%d)",
                     index.size, added, removed)
        return index


def _read_meta(path: Path) -> dict[str, Any]:
    try:
        data = orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return {}
    return data if isinstance(data, dict) else {}
