"""``casewatch monitor``: the long-running worker (inbox + feeds -> ingest -> screen -> alert).

One cycle: fetch the feeds that are due, take every waiting inbox unit
(:mod:`casewatch.monitor.inbox`), ingest it batch by batch and screen each
committed batch at once (so an alert is visible about a second after its
record arrives), then drain whatever else is in the screen queue (records
stored by ``casewatch ingest --no-screen`` or by a worker that died between
storing and screening). Then sleep ``poll`` seconds and start again.

SIGTERM (or Ctrl-C) sets a flag that is checked between batches: the
current batch finishes and commits, the watch index snapshot is written,
and the process exits 0. SIGKILL loses nothing either: every batch is one
transaction, a half-read file is resumed from its last committed row, and
unscreened records stay in the queue (see docs/monitoring.md).
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from casewatch.alerts.webhooks import deliver_pending
from casewatch.db.engine import session_factory
from casewatch.errors import CasewatchError
from casewatch.monitor import inbox as inbox_mod
from casewatch.monitor.ingest import IngestResult, ingest
from casewatch.monitor.pool import ScreenPool
from casewatch.monitor.screening import ScreenStats, drain, screen_pending
from casewatch.monitor.store import Fresh
from casewatch.monitor.watchindex import WatchIndex

log = logging.getLogger("casewatch.monitor")


@dataclass
class Feed:
    """A source fetched on a schedule (``--feed ofac:1440`` = every 1440 minutes)."""

    source: str
    every: timedelta
    last: datetime | None = None

    @classmethod
    def parse(cls, text: str) -> Feed:
        source, _, minutes = text.partition(":")
        if source.startswith("mapping"):
            raise CasewatchError(f"--feed {text!r}: mapping sources have no feed to fetch")
        try:
            every = timedelta(minutes=float(minutes)) if minutes else timedelta(days=1)
        except ValueError:
            raise CasewatchError(
                f"--feed {text!r}: expected SOURCE or SOURCE:MINUTES, e.g. ofac:1440"
            ) from None
        if every <= timedelta(0):
            raise CasewatchError(f"--feed {text!r}: the interval must be positive")
        return cls(source, every)

    def due(self, now: datetime) -> bool:
        return self.last is None or now - self.last >= self.every


@dataclass
class MonitorStats:
    units: int = 0
    new: int = 0
    unchanged: int = 0
    quarantined: int = 0
    alerts: int = 0
    failed: int = 0
    screened: ScreenStats = field(default_factory=ScreenStats)

    def add(self, result: IngestResult) -> None:
        self.units += 1
        self.new += result.new
        self.unchanged += result.unchanged
        self.quarantined += result.quarantined
        self.alerts += result.alerts


class Monitor:
    """The worker. ``run()`` loops until stopped; ``run(once=True)`` until nothing is left."""

    def __init__(self, engine: Engine, inbox: Path, home: Path, *,
                 feeds: Sequence[Feed] = (), poll: float = 2.0,
                 batch_size: int | None = None, screen_workers: int | None = None) -> None:
        self.engine = engine
        self.inbox = inbox
        self.home = home
        self.feeds = list(feeds)
        self.poll = poll
        self.batch_size = batch_size
        self.stats = MonitorStats()
        self._stop = threading.Event()
        self.index: WatchIndex | None = None
        #: Forked screening workers besides this process (None: one per extra core).
        self.screen_workers = screen_workers
        self.pool: ScreenPool | None = None

    def stopping(self) -> bool:
        return self._stop.is_set()

    def request_stop(self, *_: Any) -> None:
        """Finish the current batch, commit, and return from :meth:`run`."""
        log.info("stop requested: finishing the current batch")
        self._stop.set()

    def open_index(self) -> WatchIndex:
        """The watch index: from the snapshot (brought up to date) or built and saved."""
        with session_factory(self.engine)() as session:
            index = WatchIndex.load(session, self.home)
            if index is None:
                index = WatchIndex.build(session)
                index.save(session, self.home)
            else:
                index.refresh(session)
        return index

    def save_index(self) -> None:
        if self.index is None:
            return
        with session_factory(self.engine)() as session:
            self.index.save(session, self.home)

    def _screen(self, fresh: Fresh) -> int:
        assert self.index is not None
        stats = screen_pending(self.engine, self.index, fresh=fresh, pool=self.pool)
        self.stats.screened.add(stats)
        return stats.alerts

    def ingest_unit(self, source: str, files: Sequence[Path]) -> IngestResult | None:
        """Ingest one unit, screening every committed batch as it lands."""
        return ingest(self.engine, source, files, on_batch=self._screen, stop=self.stopping,
                      batch_size=self.batch_size)

    def process_unit(self, unit: inbox_mod.Unit) -> bool:
        """Take one inbox unit; True if any work was done."""
        if not all(f.exists() for f in unit.files):
            return False  # another worker moved it away
        if unit.source.startswith("mapping"):
            reason = "mapping sources are ingested with 'casewatch ingest mapping:FILE.yml PATH'"
            self.stats.failed += 1
            _quietly(inbox_mod.mark_failed, unit, self.inbox, reason)
            return True
        try:
            result = self.ingest_unit(unit.source, unit.files)
        except CasewatchError as exc:
            if not all(f.exists() for f in unit.files):
                return False
            log.error("%s: %s", unit.path, exc)
            self.stats.failed += 1
            _quietly(inbox_mod.mark_failed, unit, self.inbox, str(exc))
            return True
        if result is None or result.by_live_peer:
            return False  # claimed, or just finished, by another live worker
        self.stats.add(result)
        log.info("%s: %s", unit.path.name, result.summary())
        if not result.interrupted:
            _quietly(inbox_mod.mark_done, unit, self.inbox)
        return True

    def poll_feeds(self) -> bool:
        from casewatch.sources import get_connector

        worked = False
        now = datetime.now(UTC)
        for feed in self.feeds:
            if self.stopping() or not feed.due(now):
                continue
            feed.last = now
            try:
                paths = get_connector(feed.source).fetch(self.home / "feeds" / feed.source)
                result = self.ingest_unit(feed.source, paths) if paths else None
            except CasewatchError as exc:
                log.error("feed %s: %s (retrying in %s)", feed.source, exc, feed.every)
                continue
            if result is not None and not result.already:
                self.stats.add(result)
                log.info("feed %s: %s", feed.source, result.summary())
                worked = True
        return worked

    def cycle(self) -> bool:
        """One pass over feeds, inbox and queue; True if anything was done."""
        worked = self.poll_feeds()
        for unit in inbox_mod.scan(self.inbox):
            if self.stopping():
                return True
            worked = self.process_unit(unit) or worked
        if not self.stopping() and self.index is not None:
            stats = drain(self.engine, self.index, stop=self.stopping, pool=self.pool)
            self.stats.screened.add(stats)
            worked = worked or stats.records > 0
        if not self.stopping():
            self.notify()
        return worked

    def notify(self) -> None:
        """Send the case webhooks that are due (new alerts, and retries with backoff)."""
        report = deliver_pending(self.engine)
        if report.delivered or report.retrying or report.failed:
            log.info(
                "webhooks: %d delivered, %d to retry, %d failed",
                report.delivered, report.retrying, report.failed,
            )

    def run(self, once: bool = False, install_signals: bool = True) -> MonitorStats:
        """Loop until SIGTERM/SIGINT (or, with ``once``, until there is nothing left)."""
        if install_signals:
            signal.signal(signal.SIGTERM, self.request_stop)
            signal.signal(signal.SIGINT, self.request_stop)
        self.inbox.mkdir(parents=True, exist_ok=True)
        self.index = self.open_index()
        log.info("monitoring %s with %d active watches", self.inbox, self.index.size)
        self.pool = ScreenPool(self.index, self.screen_workers)
        try:
            while not self.stopping():
                worked = self.cycle()
                if once and not worked:
                    break
                if not worked:
                    self._stop.wait(self.poll)
        finally:
            self.pool.close()
        self.save_index()
        return self.stats


def _quietly(func: Any, *args: Any) -> None:
    try:
        func(*args)
    except OSError as exc:  # moved by another worker meanwhile
        log.debug("could not move %s: %s", args[0], exc)
