"""The alert feed (``casewatch alerts list``) and one alert in full (``alerts show``).

Only alerts of cases the actor may see are listed. Each listing and each view
appends one audit event (``alert.list``, ``alert.view``).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import Row, Select, select
from sqlalchemy.orm import Session

from casewatch.alerts.triage import STATUSES, load_alert
from casewatch.audit.log import append
from casewatch.auth.access import require_case, visible_case_ids
from casewatch.db.models import Alert, AlertEvent, Record, User, Watch
from casewatch.errors import CasewatchError

FEED_COLUMNS = (
    Alert.id, Alert.case_id, Alert.watch_id, Alert.record_id, Alert.record_entity_id,
    Alert.subject_id, Alert.score, Alert.status, Alert.assignee_id, Alert.retro,
    Alert.source_removed_at, Alert.created_at, Alert.updated_at, Alert.explanation,
    Record.source, Record.caption, Watch.caption,
)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def feed_item(row: Row[Any]) -> dict[str, Any]:
    """One alert as a JSON-able dict: ``record_id`` is the source record's entity id."""
    (alert_id, case_id, watch_id, record_pk, record_entity_id, subject_id, score, status,
     assignee_id, retro, removed_at, created_at, updated_at, explanation, source,
     record_caption, subject_caption) = tuple(row)
    return {
        "alert_id": alert_id,
        "case_id": case_id,
        "watch_id": watch_id,
        "record_id": record_entity_id,
        "record_pk": record_pk,
        "record_source": source,
        "record_caption": record_caption,
        "subject_id": subject_id,
        "subject_caption": subject_caption,
        "score": score,
        "status": status,
        "assignee_id": assignee_id,
        "retro": bool(retro),
        "source_removed_at": _iso(removed_at),
        "created_at": _iso(created_at),
        "updated_at": _iso(updated_at),
        "explanation": explanation,
    }


def _feed_query(session: Session, actor: User, case_id: int | None, status: str | None,
                since_id: int | None) -> Select[Any]:
    stmt = (
        select(*FEED_COLUMNS)
        .join(Record, Record.id == Alert.record_id)
        .join(Watch, Watch.id == Alert.watch_id)
        .order_by(Alert.id)
    )
    if case_id is not None:
        require_case(session, actor, case_id, action="alert.list")
        stmt = stmt.where(Alert.case_id == case_id)
    else:
        ids = visible_case_ids(session, actor)
        if ids is not None:
            stmt = stmt.where(Alert.case_id.in_(ids))
    if status is not None:
        stmt = stmt.where(Alert.status == status)
    if since_id is not None:
        stmt = stmt.where(Alert.id > since_id)
    return stmt


def list_alerts(
    session: Session,
    actor: User,
    *,
    case_id: int | None = None,
    status: str | None = None,
    since_id: int | None = None,
    limit: int | None = None,
) -> Iterator[dict[str, Any]]:
    """Stream the alerts the actor may see, oldest first, as :func:`feed_item` dicts.

    ``since_id`` gives only alerts newer than that id (a feed consumer keeps the
    last id it saw). The ``alert.list`` audit event is appended before the first
    item is produced, in the caller's transaction.
    """
    if status is not None and status not in STATUSES:
        raise CasewatchError(f"--status {status!r} is not one of: {', '.join(STATUSES)}")
    if limit is not None and limit < 1:
        raise CasewatchError("--limit must be at least 1")
    stmt = _feed_query(session, actor, case_id, status, since_id)
    if limit is not None:
        stmt = stmt.limit(limit)
    append(session, actor=actor.name, action="alert.list", object_type="alert", case_id=case_id,
           params={"case_id": case_id, "status": status, "since_id": since_id, "limit": limit})
    return (feed_item(row) for row in session.execute(stmt.execution_options(yield_per=2000)))


def show_alert(session: Session, actor: User, alert_id: int,
               purpose: str | None = None) -> dict[str, Any]:
    """One alert with its record (and provenance), watch, case and status history."""
    alert, case = load_alert(session, actor, alert_id, action="alert.view")
    row = session.execute(
        select(*FEED_COLUMNS).join(Record, Record.id == Alert.record_id)
        .join(Watch, Watch.id == Alert.watch_id).where(Alert.id == alert.id)
    ).one()
    record = session.get(Record, alert.record_id)
    watch = session.get(Watch, alert.watch_id)
    assert record is not None and watch is not None
    users = {uid: name for uid, name in session.execute(select(User.id, User.name))}
    events = session.scalars(
        select(AlertEvent).where(AlertEvent.alert_id == alert.id).order_by(AlertEvent.id)
    )
    item = feed_item(row)
    item["assignee"] = users.get(alert.assignee_id) if alert.assignee_id else None
    item["record"] = {
        "source": record.source, "source_id": record.source_id, "entity_id": record.entity_id,
        "schema": record.schema, "caption": record.caption, "properties": record.properties,
        "op": record.op, "content_hash": record.content_hash,
        "fetched_at": _iso(record.fetched_at), "ingested_at": _iso(record.ingested_at),
    }
    item["watch"] = {
        "watch_id": watch.id, "subject_id": watch.subject_id, "schema": watch.schema,
        "caption": watch.caption, "threshold": watch.threshold, "entity": watch.entity,
        "expires_at": _iso(watch.expires_at), "removed_at": _iso(watch.removed_at),
    }
    item["case"] = {"case_id": case.id, "title": case.title, "legal_basis": case.legal_basis}
    item["history"] = [
        {"at": _iso(e.at), "actor": users.get(e.actor_id) if e.actor_id else None,
         "action": e.action, "from": e.from_status, "to": e.to_status, "note": e.note}
        for e in events
    ]
    append(session, actor=actor.name, action="alert.view", object_type="alert",
           object_id=alert.id, case_id=alert.case_id, purpose=purpose)
    return item
