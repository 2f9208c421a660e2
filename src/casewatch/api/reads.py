"""Read services the API needs that no other package offers (yet): records, entities, sources.

Each is a plain function ``(session, actor, ...)`` that checks the role,
reads, and appends its audit event in the caller's transaction, like the
services of :mod:`casewatch.cases` and :mod:`casewatch.alerts`.

Source records are public evidence: any signed-in user may read them. What
links a record to a case (its alerts) is shown only for cases the caller may
see.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casewatch.audit.log import append
from casewatch.auth import require_role, visible_case_ids
from casewatch.db.models import Alert, IngestBatch, Quarantine, Record, ScreenQueue, User
from casewatch.errors import CasewatchError, NotFound

QUARANTINE_READERS = ("admin",)
VERIFIERS = ("auditor",)
MAX_LIST = 1000


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def record_dict(row: Record) -> dict[str, Any]:
    """A stored record with its provenance (source, source id, fetch time, content hash)."""
    return {
        "record_id": row.id, "source": row.source, "source_id": row.source_id,
        "entity_id": row.entity_id, "schema": row.schema, "caption": row.caption,
        "properties": row.properties, "op": row.op, "content_hash": row.content_hash,
        "fetched_at": _iso(row.fetched_at), "ingested_at": _iso(row.ingested_at),
        "batch_id": row.batch_id,
    }


def search_records(session: Session, actor: User, *, purpose: str, q: str | None,
                   source: str | None, limit: int) -> list[Record]:
    """Records whose caption contains ``q`` (case-insensitive), newest first; audited ``search``."""
    if q is not None and len(q.strip()) < 2:
        raise CasewatchError("q must have at least 2 characters")
    stmt = select(Record).where(Record.op != "DEL").order_by(Record.id.desc()).limit(limit)
    if q:
        stmt = stmt.where(func.lower(Record.caption).contains(q.strip().lower(), autoescape=True))
    if source:
        stmt = stmt.where(Record.source == source)
    rows = list(session.scalars(stmt))
    append(session, actor=actor.name, action="search", object_type="record", purpose=purpose,
           params={"q": q, "source": source, "limit": limit, "count": len(rows)})
    return rows


def get_record(session: Session, actor: User, record_id: int, purpose: str | None) -> Record:
    row = session.get(Record, record_id)
    if row is None:
        raise NotFound(f"record {record_id} not found")
    append(session, actor=actor.name, action="record.view", object_type="record",
           object_id=record_id, purpose=purpose)
    return row


def get_entity(session: Session, actor: User, entity_id: str,
               purpose: str | None) -> dict[str, Any]:
    """An entity: its source records (oldest first), merged properties, visible alerts."""
    rows = list(session.scalars(
        select(Record).where(Record.entity_id == entity_id).order_by(Record.id).limit(MAX_LIST)))
    if not rows:
        raise NotFound(f"entity {entity_id!r} not found")
    current: dict[str, Record] = {}
    for row in rows:
        if row.op == "DEL":
            current.pop(row.source, None)
        else:
            current[row.source] = row
    latest = list(current.values()) or [rows[-1]]
    props: dict[str, list[Any]] = {}
    for row in latest:
        for prop, values in (row.properties or {}).items():
            merged = props.setdefault(prop, [])
            merged.extend(v for v in values if v not in merged)
    alerts = select(Alert.id, Alert.case_id, Alert.status, Alert.score).where(
        Alert.record_entity_id == entity_id).order_by(Alert.id)
    visible = visible_case_ids(session, actor)
    if visible is not None:
        alerts = alerts.where(Alert.case_id.in_(visible))
    append(session, actor=actor.name, action="entity.view", object_type="entity",
           object_id=entity_id, purpose=purpose)
    return {
        "id": entity_id, "caption": latest[-1].caption, "schema": latest[-1].schema,
        "properties": props, "datasets": sorted(current),
        "records": [record_dict(r) for r in rows],
        "alerts": [{"alert_id": a, "case_id": c, "status": s, "score": sc}
                   for a, c, s, sc in session.execute(alerts)],
    }


def sources_status(session: Session, actor: User) -> dict[str, Any]:
    """Each source: stored records and its latest ingest batch; queue depth; quarantine size."""
    counts: dict[str, int] = {
        name: n for name, n in session.execute(
            select(Record.source, func.count()).group_by(Record.source))}
    last = session.scalars(
        select(IngestBatch).where(IngestBatch.id.in_(
            select(func.max(IngestBatch.id)).group_by(IngestBatch.source))))
    batches = {b.source: b for b in last}
    sources = []
    for name in sorted(set(counts) | set(batches)):
        b = batches.get(name)
        sources.append({
            "name": name, "records": counts.get(name, 0),
            "last_batch_id": b.id if b else None, "last_status": b.status if b else None,
            "last_started_at": _iso(b.started_at) if b else None,
            "last_finished_at": _iso(b.finished_at) if b else None,
            "last_counts": b.counts if b else None, "last_error": b.error if b else None,
        })
    append(session, actor=actor.name, action="source.status", object_type="source")
    return {"sources": sources, "queue_depth": queue_depth(session),
            "quarantined": session.scalar(select(func.count()).select_from(Quarantine)) or 0}


def list_quarantine(session: Session, actor: User, *, source: str | None,
                    limit: int) -> list[Quarantine]:
    """Quarantined rows (with their raw text): admins only, newest first; audited."""
    require_role(actor, *QUARANTINE_READERS, action="quarantine.list", session=session)
    stmt = select(Quarantine).order_by(Quarantine.id.desc()).limit(limit)
    if source:
        stmt = stmt.where(Quarantine.source == source)
    rows = list(session.scalars(stmt))
    append(session, actor=actor.name, action="quarantine.list", object_type="quarantine",
           params={"source": source, "limit": limit, "count": len(rows)})
    return rows


def verify_audit(session: Session, actor: User) -> dict[str, object]:
    """Verify the chain and checkpoints (auditors only); audited as ``audit.verify``."""
    from casewatch.audit.verify import verify

    require_role(actor, *VERIFIERS, action="audit.verify", session=session)
    result = verify(session)
    append(session, actor=actor.name, action="audit.verify", params={"ok": result.ok})
    return result.as_dict()


def queue_depth(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(ScreenQueue)) or 0
