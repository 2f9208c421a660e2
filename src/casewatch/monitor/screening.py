"""Queue -> screener -> alerts: every new record against the active watch index.

:func:`screen_pending` claims up to ``limit`` records from ``screen_queue``
(see :func:`~casewatch.monitor.dbutil.claim_queue`: ``FOR UPDATE SKIP LOCKED``
on PostgreSQL), brings the watch index up to date, screens each record and
raises the alerts (:func:`~casewatch.monitor.alerting.raise_alerts`) in the
*same* transaction that removes the records from the queue. A crash before
the commit leaves the records queued and no alert behind; after it, both are
done. Either way each record is screened into alerts exactly once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from followthemoney import EntityProxy
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from casewatch.db.engine import transaction
from casewatch.db.models import Record
from casewatch.ftm.model import model
from casewatch.monitor.alerting import Hit, raise_alerts
from casewatch.monitor.dbutil import claim_queue
from casewatch.monitor.pool import ScreenPool
from casewatch.monitor.stages import Stages, clock, maybe
from casewatch.monitor.store import Fresh, StoredRecord
from casewatch.monitor.watchindex import WatchIndex
from casewatch.settings import get_settings


@dataclass
class ScreenStats:
    records: int = 0
    hits: int = 0
    alerts: int = 0

    def add(self, other: ScreenStats) -> None:
        self.records += other.records
        self.hits += other.hits
        self.alerts += other.alerts


def record_entity(entity_id: str, schema: str, properties: dict[str, list[str]]) -> EntityProxy:
    """Rebuild a stored record's FtM entity."""
    return model.get_proxy(
        {"id": entity_id, "schema": schema, "properties": properties}, cleaned=False
    )


def load_records(session: Session, ids: Sequence[int]) -> Fresh:
    """Stored records (and their entities) by id; DEL rows are skipped."""
    out: Fresh = {}
    for start in range(0, len(ids), 1000):
        rows = session.execute(
            select(Record.id, Record.source, Record.source_id, Record.entity_id, Record.schema,
                   Record.caption, Record.content_hash, Record.fetched_at, Record.batch_id,
                   Record.properties, Record.op)
            .where(Record.id.in_(list(ids[start:start + 1000])))
        ).all()
        for row in rows:
            if row.op == "DEL":
                continue
            stored = StoredRecord(row.id, row.source, row.source_id, row.entity_id, row.schema,
                                  row.caption, row.content_hash, row.fetched_at, row.batch_id)
            out[row.id] = (stored, record_entity(row.entity_id, row.schema, row.properties))
    return out


def screen_records(index: WatchIndex, records: Fresh, pool: ScreenPool | None = None,
                   stages: Stages | None = None) -> list[Hit]:
    """Run each record through the screener; every match above the index floor is a hit.

    With a :class:`~casewatch.monitor.pool.ScreenPool` the records are spread
    over its forked workers and this process; the hits are the same either way.
    """
    return (pool or ScreenPool(index, workers=0)).screen(records, stages)


def screen_pending(
    engine: Engine,
    index: WatchIndex,
    *,
    limit: int | None = None,
    fresh: Fresh | None = None,
    now: datetime | None = None,
    pool: ScreenPool | None = None,
    stages: Stages | None = None,
) -> ScreenStats:
    """Screen one batch from the queue (or exactly the ``fresh`` records) in one transaction."""
    with transaction(engine) as session:
        stats = _screen_batch(session, index, limit or get_settings().batch_size, fresh,
                              now, pool, stages)
        mark = clock()
    if stages is not None and stats.records:
        stages.add_since("commit", mark)
    return stats


def _screen_batch(session: Session, index: WatchIndex, limit: int, fresh: Fresh | None,
                  now: datetime | None, pool: ScreenPool | None,
                  stages: Stages | None) -> ScreenStats:
    """Claim, screen and alert inside the caller's transaction."""
    stats = ScreenStats()
    with maybe(stages, "claim"):
        ids = claim_queue(session, limit, only=sorted(fresh) if fresh is not None else None)
        if not ids:
            return stats
        now = now or datetime.now(UTC)
        index.refresh(session, now)
        records = {i: fresh[i] for i in ids if i in fresh} if fresh is not None else {}
        missing = [i for i in ids if i not in records]
        if missing:
            records.update(load_records(session, missing))
    hits = screen_records(index, records, pool, stages)
    with maybe(stages, "alert"):
        alert_ids = raise_alerts(session, hits, now=now, retro=False,
                                 default_threshold=get_settings().threshold)
    stats.records, stats.hits, stats.alerts = len(ids), len(hits), len(alert_ids)
    return stats


def drain(engine: Engine, index: WatchIndex, *, limit: int | None = None,
          stop: object | None = None, pool: ScreenPool | None = None) -> ScreenStats:
    """Screen the queue until it is empty (or ``stop()`` says so between batches)."""
    total = ScreenStats()
    while True:
        stats = screen_pending(engine, index, limit=limit, pool=pool)
        total.add(stats)
        if stats.records == 0 or (callable(stop) and stop()):
            return total
