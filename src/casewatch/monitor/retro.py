"""Retro-screening: a new watch against every stored record (alerts marked ``retro``).

Two strategies, chosen by estimated cost:

- **key lookup** (few watches, many records): each watch's blocking keys are
  looked up in the record-side index (``record_keys``, rarest first, common
  keys capped, see :mod:`casewatch.monitor.recordindex`); the few hundred best
  candidates are scored with the same screener the forward direction uses (a
  one-watch :class:`~casewatch.matching.Screener`, screening each candidate
  record against it), so both directions produce the same alerts.
- **scan** (many watches, few records, e.g. a bulk import into a young
  database): a screener over the new watches, and every current record
  streamed through it once.

Only the current version of each record counts: an older version of a
changed record, and an entry deleted by a list delta, are skipped.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from followthemoney import EntityProxy
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from casewatch.cases.watches import active_watches_filter
from casewatch.db.engine import transaction
from casewatch.db.models import Record, Watch
from casewatch.matching import Compiled, Screener, compile_entity, score_pair
from casewatch.monitor.alerting import Hit, raise_alerts
from casewatch.monitor.pool import MATCH_LIMIT
from casewatch.monitor.recordindex import (
    candidate_records,
    identifier_key_hashes,
    query_key_hashes,
)
from casewatch.monitor.screening import load_records
from casewatch.monitor.store import Fresh
from casewatch.monitor.watchindex import watch_entity
from casewatch.settings import get_settings

#: Rough costs (seconds) used to pick a strategy: one key-lookup watch, one scanned record.
COST_PER_WATCH = 0.01
COST_PER_RECORD = 0.0003
SCAN_CHUNK = 2000


def _current(session: Session, records: Fresh) -> Fresh:
    """Keep only records that are the latest version of their (source, entity) and not deleted.

    One query per source (``source = ? AND entity_id IN (...)``), so that both
    databases look the entities up through ``ix_records_entity`` (source,
    entity_id); SQLite does not use that index for a row-value ``IN`` and
    scanned the whole table (170 ms at a million records).
    """
    if not records:
        return records
    by_source: dict[str, set[str]] = {}
    for stored, _ in records.values():
        by_source.setdefault(stored.source, set()).add(stored.entity_id)
    latest: set[int] = set()
    for source, entity_ids in sorted(by_source.items()):
        ordered = sorted(entity_ids)
        for start in range(0, len(ordered), 500):
            rows = session.execute(
                select(func.max(Record.id))
                .where(Record.source == source, Record.entity_id.in_(ordered[start:start + 500]))
                .group_by(Record.entity_id)
            ).scalars()
            latest.update(rows)
    return {rid: rec for rid, rec in records.items() if rid in latest}


def _watches(session: Session, ids: Sequence[int], now: datetime) -> list[tuple[int, EntityProxy]]:
    out: list[tuple[int, EntityProxy]] = []
    for start in range(0, len(ids), 1000):
        rows = session.execute(
            select(Watch.id, Watch.subject_id, Watch.schema, Watch.entity)
            .where(Watch.id.in_(list(ids[start:start + 1000])), active_watches_filter(now))
        ).all()
        out.extend((r.id, watch_entity(r.entity, r.subject_id, r.schema)) for r in rows)
    return out


def _floor(session: Session, ids: Sequence[int]) -> float:
    low = session.scalar(select(func.min(Watch.threshold)).where(Watch.id.in_(list(ids[:1000]))))
    default = get_settings().threshold
    return min(default, float(low)) if low is not None else default


def _score(screener: Screener, key: str, subject: Compiled, records: Fresh,
           floor: float) -> list[Hit]:
    """Score each record against one watch exactly as the watch index would.

    Same scorer, weights, floor and :class:`~casewatch.matching.Match` shape as
    :meth:`Screener.screen`, minus its candidate search (the candidates are given) and
    the whole watchlist's name statistics: the one-watch screener here knows no name
    frequency and no known names, so two different known names a slip apart
    (``features.names.different_names``) can still align here, as in ``compare``.
    """
    slot = screener.slot_of[key]
    hits: list[Hit] = []
    for rid in sorted(records):
        stored, entity = records[rid]
        query = entity if isinstance(entity, Compiled) else compile_entity(entity)
        scored = score_pair(query, subject, screener.weights, floor=floor)
        if scored.score >= floor and scored.score > 0.0:
            hits.append(Hit(stored, screener._match(scored.score, slot, scored.features)))
    return hits


def screen_by_keys(session: Session, watch_id: int, entity: EntityProxy, now: datetime,
                   floor: float) -> list[int]:
    """Retro-screen one watch via the record-side index; returns new alert ids."""
    subject = compile_entity(entity)
    candidates = candidate_records(session, query_key_hashes(subject),
                                   always=identifier_key_hashes(subject),
                                   names=[" ".join(a.tokens) for a in subject.aliases])
    if not candidates:
        return []
    records = _current(session, load_records(session, candidates))
    screener = Screener()
    screener.add(subject, str(watch_id))
    hits = _score(screener, str(watch_id), subject, records, floor)
    return raise_alerts(session, hits, now=now, retro=True,
                        default_threshold=get_settings().threshold)


def screen_by_scan(session: Session, watches: list[tuple[int, EntityProxy]], now: datetime,
                   floor: float) -> list[int]:
    """Retro-screen many watches by streaming every current record through their screener."""
    screener = Screener()
    for wid, entity in watches:
        screener.add(entity, str(wid))
    new: list[int] = []
    last = 0
    while True:
        ids = list(session.execute(
            select(Record.id).where(Record.id > last, Record.op != "DEL")
            .order_by(Record.id).limit(SCAN_CHUNK)
        ).scalars())
        if not ids:
            return new
        last = ids[-1]
        records = _current(session, load_records(session, ids))
        hits = [Hit(stored, m) for rid in sorted(records)
                for stored, rec in [records[rid]]
                for m in screener.screen(rec, threshold=floor, limit=MATCH_LIMIT)]
        new.extend(raise_alerts(session, hits, now=now, retro=True,
                                default_threshold=get_settings().threshold))


def retro_screen_session(session: Session, watch_ids: Iterable[int],
                         now: datetime | None = None) -> list[int]:
    """Retro-screen ``watch_ids`` in the caller's transaction; returns the new alert ids."""
    ids = sorted({int(w) for w in watch_ids})
    if not ids:
        return []
    now = now or datetime.now(UTC)
    top = session.scalar(select(func.max(Record.id))) or 0
    if top == 0:
        return []
    watches = _watches(session, ids, now)
    floor = _floor(session, ids)
    if len(watches) * COST_PER_WATCH > top * COST_PER_RECORD:
        return screen_by_scan(session, watches, now, floor)
    new: list[int] = []
    for wid, entity in watches:
        new.extend(screen_by_keys(session, wid, entity, now, floor))
    return new


def retro_screen_watches(target: Engine | Session, watch_ids: Iterable[int],
                         *, now: datetime | None = None) -> int:
    """Screen new watches against all stored records; returns how many alerts were raised.

    ``target`` is a Session (runs in the caller's transaction, e.g. right after
    the watches were inserted, before commit) or an Engine (own transaction).
    """
    if isinstance(target, Session):
        return len(retro_screen_session(target, watch_ids, now))
    with transaction(target) as session:
        return len(retro_screen_session(session, watch_ids, now))


