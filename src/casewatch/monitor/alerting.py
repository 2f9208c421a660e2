"""Hits -> alerts: deduplicated, explained, never for an expired, removed or suppressed watch.

:func:`raise_alerts` is the one place alerts are created, for both screening
directions. For each hit (a stored record and a :class:`~casewatch.matching.Match`
whose key is a watch id) it:

1. re-reads the matched watches with :func:`active_watches_filter` at the
   screening time: a watch that has expired (or was removed) since the index
   was built never alerts, whatever is in memory;
2. applies the watch's own threshold (the screener ran with the lowest one);
3. drops pairs with a suppression in force (:func:`_suppressed`, the same rule as
   :func:`casewatch.alerts.suppress.is_suppressed`);
4. inserts the alert with ``ON CONFLICT (watch_id, dedup_key) DO NOTHING``.

The dedup key (:func:`dedup_key`) is SHA-256 over: version, watch id, the
record's source and entity id, the score bucket (``floor(score * 10)``, i.e.
tenths) and the sorted names of the features that moved the score (up or down). So the same
(watch, record content) never alerts twice, re-ingesting or re-screening is
harmless, and a *changed* record re-alerts only when the match itself changes
(another feature agrees, or the score moves to another tenth).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from casewatch.alerts.webhooks import enqueue_notifications
from casewatch.cases.watches import active_watches_filter
from casewatch.db.models import Alert, AlertEvent, Case, Suppression, Watch
from casewatch.monitor.dbutil import insert_ignore, table
from casewatch.monitor.store import StoredRecord

DEDUP_VERSION = "v1"
#: Score buckets of the dedup key: a change within one tenth is "the same match".
SCORE_BUCKETS = 10


@dataclass(frozen=True)
class Hit:
    """A stored record matched a watch (``match.key`` is the watch id as text)."""

    record: StoredRecord
    match: Any  # casewatch.matching.Match


def contributing_features(match: Any) -> list[str]:
    """Names of the features that moved the score, up or down (the shape of the match)."""
    features = getattr(match, "features", None) or {}
    if isinstance(features, dict):
        return sorted(k for k, v in features.items() if _contributes(v))
    return sorted(str(f) for f in features)


def _contributes(value: Any) -> bool:
    """A feature contributed if its value is not (about) zero."""
    if isinstance(value, int | float):
        return abs(value) >= 0.0005
    return bool(value)


def dedup_key(watch_id: int, record: StoredRecord, match: Any) -> str:
    """The alert's identity: watch, record entity, score bucket and contributing features."""
    bucket = math.floor(float(match.score) * SCORE_BUCKETS)
    parts = [DEDUP_VERSION, str(watch_id), record.source, record.entity_id, str(bucket),
             ",".join(contributing_features(match))]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _match_dict(match: Any) -> dict[str, Any]:
    if hasattr(match, "to_dict"):
        data = match.to_dict()
        if isinstance(data, dict):
            return data
    return {"score": float(match.score), "features": getattr(match, "features", {}),
            "explanation": getattr(match, "explanation", None)}


def explanation(hit: Hit, watch: Any, threshold: float, retro: bool) -> dict[str, Any]:
    """What an alert shows: score, each feature's contribution, record provenance, watch, case."""
    match = _match_dict(hit.match)
    return {
        "score": float(hit.match.score),
        "threshold": threshold,
        "features": match.get("features", {}),
        "explanation": match.get("explanation"),
        "match": match,
        "record": hit.record.provenance(),
        "watch": {"id": watch.id, "subject_id": watch.subject_id, "caption": watch.caption,
                  "schema": watch.schema, "case_id": watch.case_id,
                  "case_title": watch.title},
        "retro": retro,
        "dedup": {"version": DEDUP_VERSION,
                  "bucket": math.floor(float(hit.match.score) * SCORE_BUCKETS),
                  "features": contributing_features(hit.match)},
    }


def _active_watches(session: Session, ids: set[int], now: datetime) -> dict[int, Any]:
    rows = session.execute(
        select(Watch.id, Watch.case_id, Watch.subject_id, Watch.caption, Watch.schema,
               Watch.threshold, Case.threshold.label("case_threshold"), Case.title)
        .join(Case, Case.id == Watch.case_id)
        .where(Watch.id.in_(sorted(ids)), active_watches_filter(now), Case.status == "open")
    ).all()
    return {row.id: row for row in rows}


def _suppressed(session: Session, pairs: set[tuple[int, str]], now: datetime) -> set[tuple[int, str]]:
    """The (watch id, record entity id) pairs with a suppression in force at ``now``.

    One indexed lookup by watch id (a watch has few suppressions), intersected
    here: cheaper than a disjunction of thousands of pairs in SQL.
    """
    if not pairs:
        return set()
    watch_ids = sorted({w for w, _ in pairs})
    found: set[tuple[int, str]] = set()
    for start in range(0, len(watch_ids), 1000):
        rows = session.execute(
            select(Suppression.watch_id, Suppression.record_entity_id).where(
                Suppression.watch_id.in_(watch_ids[start:start + 1000]),
                Suppression.expires_at > now)
        )
        found.update((w, r) for w, r in rows if (w, r) in pairs)
    return found


def raise_alerts(session: Session, hits: Sequence[Hit], *, now: datetime,
                 retro: bool = False, default_threshold: float = 0.7) -> list[int]:
    """Create the alerts these hits deserve, in the caller's transaction; returns new ids."""
    if not hits:
        return []
    watches = _active_watches(session, {int(h.match.key) for h in hits}, now)
    pairs = {(int(h.match.key), h.record.entity_id) for h in hits if int(h.match.key) in watches}
    quiet = _suppressed(session, pairs, now)
    rows: dict[tuple[int, str], dict[str, Any]] = {}
    for hit in hits:
        wid = int(hit.match.key)
        watch = watches.get(wid)
        if watch is None or (wid, hit.record.entity_id) in quiet:
            continue
        threshold = next((t for t in (watch.threshold, watch.case_threshold) if t is not None),
                         default_threshold)
        if float(hit.match.score) < threshold:
            continue
        key = dedup_key(wid, hit.record, hit.match)
        rows[(wid, key)] = {
            "watch_id": wid, "case_id": watch.case_id, "record_id": hit.record.id,
            "subject_id": watch.subject_id, "record_entity_id": hit.record.entity_id,
            "dedup_key": key, "score": float(hit.match.score),
            "explanation": explanation(hit, watch, threshold, retro), "status": "new",
            "retro": retro, "created_at": now, "updated_at": now,
        }
    if not rows:
        return []
    alerts = table(Alert)
    stmt = insert_ignore(session, alerts, ["watch_id", "dedup_key"]).returning(alerts.c.id)
    new_ids = sorted(session.execute(stmt, list(rows.values())).scalars())
    if new_ids:
        session.execute(table(AlertEvent).insert(), [
            {"alert_id": a, "at": now, "action": "raise", "from_status": None,
             "to_status": "new", "note": "retro-screening" if retro else "screening"}
            for a in new_ids
        ])
        enqueue_notifications(session, new_ids)
    return new_ids
