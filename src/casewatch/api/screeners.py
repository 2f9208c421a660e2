"""The API's screeners, one per dataset, built lazily and kept current in the app state.

Datasets a /match request can name:

- ``case-<id>``: the active watches of one case (key: the watch id);
- a source name (``ofac``, ``un`` ...): that source's stored records, the latest
  version of each entity (key: the entity id);
- ``default``: every source plus every open case the caller may see (merged).

Keeping them current is cheap: each screener remembers the highest row id it
has seen and, at most every ``REFRESH_SECONDS``, adds the rows above it (an
index range scan). Watches removed or expired since are *not* taken out of
the index: every hit is checked against its watch row before it is returned
(:func:`casewatch.api.matching.hits` with :class:`~casewatch.api.watchrows.WatchRows`:
rows kept in memory only while the ``watches`` change counter stays the same),
so a removed or expired watch is never answered, however stale the index. A large case screener is saved as a
snapshot under ``$CASEWATCH_HOME/index/api/`` so that the other server
workers (and restarts) load it in seconds instead of building it again; a
file lock makes one worker build while the others wait.
"""

from __future__ import annotations

import fcntl
import gc
import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import orjson
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casewatch.api.watchrows import WatchRows
from casewatch.cases.watches import active_watches_filter
from casewatch.db.models import Record, Watch, utcnow
from casewatch.matching import Screener
from casewatch.monitor.screening import record_entity
from casewatch.monitor.watchindex import database_tag, watch_entity

log = logging.getLogger("casewatch.api")

REFRESH_SECONDS = 1.0
LOAD_CHUNK = 5000
#: Case screeners at least this big are snapshotted for the other workers.
SNAPSHOT_MIN = 50_000
SOURCES_TTL = 10.0


@dataclass
class Entry:
    """One dataset's screener and how far it has read."""

    screener: Screener
    max_id: int = 0
    checked_at: float = 0.0
    lock: threading.RLock = field(default_factory=threading.RLock)


def _add_watches(entry: Entry, session: Session, case_id: int) -> int:
    """Add the case's active watches above ``entry.max_id``; returns how many.

    Runs every ``REFRESH_SECONDS`` in every worker, so the usual answer ("no new
    watch") must cost next to nothing: ``case_id = ? AND id > ? ORDER BY id`` is
    one range of the index ``ix_watches_case_id_id`` (migration 0006). Before it,
    SQLite answered with the (case, subject) index: it read every watch of the
    case and sorted them, 110 ms a second per worker at 1M watches, holding the
    screener's lock meanwhile.
    """
    added = 0
    now = utcnow()
    while True:
        rows = session.execute(
            select(Watch.id, Watch.subject_id, Watch.schema, Watch.entity)
            .where(Watch.case_id == case_id, Watch.id > entry.max_id, active_watches_filter(now))
            .order_by(Watch.id).limit(LOAD_CHUNK)
        ).all()
        if not rows:
            return added
        for wid, subject_id, schema, data in rows:
            entry.screener.add(watch_entity(data, subject_id, schema), str(wid))
            entry.max_id = wid
        added += len(rows)


def _add_records(entry: Entry, session: Session, source: str) -> int:
    """Add (or replace, or drop for DEL) the source's records above ``entry.max_id``."""
    added = 0
    while True:
        rows = session.execute(
            select(Record.id, Record.entity_id, Record.schema, Record.properties, Record.op)
            .where(Record.id > entry.max_id, Record.source == source)
            .order_by(Record.id).limit(LOAD_CHUNK)
        ).all()
        if not rows:
            return added
        for rid, entity_id, schema, props, op in rows:
            if op == "DEL":
                entry.screener.remove(entity_id)
            else:
                entry.screener.add(record_entity(entity_id, schema, props), entity_id)
            entry.max_id = rid
        added += len(rows)


def _freeze_heap() -> None:
    """Move everything allocated so far (the new screener) out of the garbage collector's view.

    A million-subject screener is millions of long-lived Python objects; without
    this every full (generation 2) collection walks all of them, which stalls the
    worker for hundreds of milliseconds now and then (the API benchmark's p99).
    They live as long as the process anyway.
    """
    gc.freeze()


class ScreenerCache:
    """Screeners by dataset key (``case:<id>``, ``source:<name>``), per server process."""

    def __init__(self, home: Path | None = None, refresh_seconds: float = REFRESH_SECONDS) -> None:
        self.home = home
        self.refresh_seconds = refresh_seconds
        self._entries: dict[str, Entry] = {}
        self._lock = threading.Lock()
        self._sources: tuple[float, list[str]] = (0.0, [])
        #: the hits' watches as last read (see :mod:`casewatch.api.watchrows`)
        self.watch_rows = WatchRows()

    def _entry(self, key: str) -> tuple[Entry, bool]:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                return entry, False
            entry = self._entries[key] = Entry(Screener())
            return entry, True

    @contextmanager
    def case(self, session: Session, case_id: int) -> Iterator[Screener]:
        """The (current) screener over a case's active watches, held for the caller's use."""
        entry, fresh = self._entry(f"case:{case_id}")
        with entry.lock:
            if fresh:
                self._build_case(entry, session, case_id)
                _freeze_heap()
            elif time.monotonic() - entry.checked_at >= self.refresh_seconds:
                _add_watches(entry, session, case_id)
            entry.checked_at = time.monotonic()
            yield entry.screener

    @contextmanager
    def source(self, session: Session, source: str) -> Iterator[Screener]:
        """The (current) screener over a source's latest records."""
        entry, _ = self._entry(f"source:{source}")
        with entry.lock:
            if time.monotonic() - entry.checked_at >= self.refresh_seconds:
                _add_records(entry, session, source)
            entry.checked_at = time.monotonic()
            yield entry.screener

    def sources(self, session: Session) -> list[str]:
        """Names of the sources with stored records (cached for a few seconds)."""
        at, names = self._sources
        if time.monotonic() - at < SOURCES_TTL:
            return names
        names = sorted(session.scalars(select(Record.source).distinct()))
        self._sources = (time.monotonic(), names)
        return names

    def has_source(self, session: Session, source: str) -> bool:
        if source in self.sources(session):
            return True
        return session.scalar(select(Record.id).where(Record.source == source).limit(1)) is not None

    def invalidate(self) -> None:
        """Forget every screener (the next request rebuilds): for tests and maintenance."""
        with self._lock:
            self._entries.clear()
            self._sources = (0.0, [])
        self.watch_rows.clear()

    # -- large case screeners: one worker builds, the others load its snapshot -------------

    def _paths(self, session: Session, case_id: int) -> tuple[Path, Path, Path] | None:
        if self.home is None:
            return None
        folder = self.home / "index" / "api"
        stem = f"case-{case_id}-{database_tag(session)}"
        return folder / f"{stem}.screener", folder / f"{stem}.json", folder / f"{stem}.lock"

    def _build_case(self, entry: Entry, session: Session, case_id: int) -> None:
        size = session.scalar(
            select(func.count()).select_from(Watch)
            .where(Watch.case_id == case_id, active_watches_filter(utcnow()))
        ) or 0
        paths = self._paths(session, case_id) if size >= SNAPSHOT_MIN else None
        if paths is None:
            _add_watches(entry, session, case_id)
            return
        data_path, meta_path, lock_path = paths
        data_path.parent.mkdir(parents=True, exist_ok=True)
        with open(lock_path, "w") as lock_file:
            fcntl.flock(lock_file, fcntl.LOCK_EX)
            try:
                if not self._load_snapshot(entry, session, data_path, meta_path):
                    started = time.monotonic()
                    _add_watches(entry, session, case_id)
                    log.info("case %s screener built: %d watches in %.1f s", case_id,
                             len(entry.screener), time.monotonic() - started)
                    entry.screener.save(data_path)
                    meta_path.write_bytes(orjson.dumps({"max_id": entry.max_id}))
            finally:
                fcntl.flock(lock_file, fcntl.LOCK_UN)
        _add_watches(entry, session, case_id)  # catch up on watches added since the snapshot

    @staticmethod
    def _load_snapshot(entry: Entry, session: Session, data_path: Path, meta_path: Path) -> bool:
        try:
            meta = orjson.loads(meta_path.read_bytes())
            top = session.scalar(select(func.max(Watch.id))) or 0
            if int(meta["max_id"]) > top:  # the database was reset since
                return False
            entry.screener = Screener.load(data_path)
            entry.max_id = int(meta["max_id"])
        except Exception as exc:  # a missing or damaged snapshot is rebuilt, never fatal
            log.info("no usable screener snapshot %s (%s)", data_path, exc)
            return False
        return True
