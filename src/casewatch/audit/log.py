"""Append events to the hash-chained audit log.

Each event's hash is SHA-256 over a domain-separated canonical encoding of the
event that includes the previous event's hash, so changing, deleting or
reordering any row breaks every hash after it.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from casewatch.db.models import AuditEvent, utcnow

DOMAIN = b"casewatch.audit.event.v1\x00"
GENESIS = "0" * 64
FIELDS = (
    "seq",
    "at",
    "actor",
    "action",
    "object_type",
    "object_id",
    "case_id",
    "purpose",
    "params_digest",
    "outcome",
)


def canonical(values: dict[str, Any]) -> bytes:
    """The canonical encoding of an event's fields (sorted keys, UTC ISO times)."""
    data = {}
    for name in FIELDS:
        value = values.get(name)
        if isinstance(value, datetime):
            value = value.isoformat(timespec="microseconds")
        data[name] = value
    return orjson.dumps(data, option=orjson.OPT_SORT_KEYS)


def event_hash(prev_hash: str, values: dict[str, Any]) -> str:
    return hashlib.sha256(DOMAIN + prev_hash.encode("ascii") + canonical(values)).hexdigest()


def params_digest(params: dict[str, Any] | None) -> str | None:
    """The search terms and parameters used, as canonical JSON (SIS art. 12 asks for them)."""
    if params is None:
        return None
    return orjson.dumps(params, option=orjson.OPT_SORT_KEYS, default=str).decode()


def _lock_chain(session: Session) -> None:
    """Serialise appends so that two writers never fork the chain."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(727272)"))


def append(
    session: Session,
    *,
    actor: str,
    action: str,
    object_type: str | None = None,
    object_id: str | int | None = None,
    case_id: int | None = None,
    purpose: str | None = None,
    params: dict[str, Any] | None = None,
    outcome: str = "success",
) -> AuditEvent:
    """Append one event in the caller's transaction (it commits with the action it records)."""
    _lock_chain(session)
    last = session.execute(
        select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)
    ).first()
    seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
    values: dict[str, Any] = {
        "seq": seq,
        "at": utcnow(),
        "actor": actor,
        "action": action,
        "object_type": object_type,
        "object_id": None if object_id is None else str(object_id),
        "case_id": case_id,
        "purpose": purpose,
        "params_digest": params_digest(params),
        "outcome": outcome,
    }
    event = AuditEvent(**values, prev_hash=prev, hash=event_hash(prev, values))
    session.add(event)
    session.flush()
    return event
