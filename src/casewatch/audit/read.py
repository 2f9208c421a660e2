"""Reading the audit log: auditors only, and every read is itself logged.

Admins run casewatch but do not read the log: the people whose actions are
logged (analysts, supervisors and admins alike) are not the people who read
it. This is the separation the rules ask for (LED art. 25, CJIS 5.4).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from casewatch.audit.log import append
from casewatch.auth.access import require_role
from casewatch.db.models import AuditEvent, User

READERS = ("auditor",)


@dataclass
class AuditFilter:
    """Which events to read; every field is optional (None = no filter)."""

    start: datetime | None = None
    end: datetime | None = None
    actor: str | None = None
    action: str | None = None
    case_id: int | None = None
    outcome: str | None = None
    limit: int | None = None

    def as_params(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


def filtered(flt: AuditFilter) -> Select[AuditEvent]:
    """The SELECT for ``flt``, oldest first."""
    stmt = select(AuditEvent).order_by(AuditEvent.seq)
    if flt.start is not None:
        stmt = stmt.where(AuditEvent.at >= flt.start)
    if flt.end is not None:
        stmt = stmt.where(AuditEvent.at < flt.end)
    if flt.actor is not None:
        stmt = stmt.where(AuditEvent.actor == flt.actor)
    if flt.action is not None:
        stmt = stmt.where(AuditEvent.action == flt.action)
    if flt.case_id is not None:
        stmt = stmt.where(AuditEvent.case_id == flt.case_id)
    if flt.outcome is not None:
        stmt = stmt.where(AuditEvent.outcome == flt.outcome)
    if flt.limit is not None:
        stmt = stmt.limit(flt.limit)
    return stmt


def read_events(session: Session, user: User, flt: AuditFilter) -> Iterator[AuditEvent]:
    """The events matching ``flt``, streamed; logs the read ("audit.read") first.

    Raises Denied (and logs the refusal) unless ``user`` is an auditor. The
    read event is appended in the caller's transaction: commit it.
    """
    require_role(user, *READERS, action="audit.read", session=session)
    event = append(session, actor=user.name, action="audit.read", params=flt.as_params())
    stmt = filtered(flt).where(AuditEvent.seq < event.seq)
    return iter(session.execute(stmt.execution_options(yield_per=5000)).scalars())


def event_json(event: AuditEvent) -> dict[str, Any]:
    """One event as a JSON object (the jsonl output and the API's shape)."""
    return {
        "seq": event.seq,
        "at": event.at.isoformat(timespec="microseconds"),
        "actor": event.actor,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "case_id": event.case_id,
        "purpose": event.purpose,
        "params_digest": event.params_digest,
        "outcome": event.outcome,
        "prev_hash": event.prev_hash,
        "hash": event.hash,
    }
