"""Retention: purge old source records that no open case or confirmed alert needs.

A record is purged when it was ingested more than ``settings.retention_days``
ago and it is not linked to an alert of an open case, nor to a confirmed
alert (of any case). With it go, consistently:

- its alerts (necessarily alerts of closed cases that were never confirmed)
  and everything that hangs off them (status history, webhook deliveries);
- its place in the screening queue and any other row that references it.

Each erased record and alert is logged as an audit event ("record.erase",
"alert.erase") that names its id, never its content, in the same transaction
as the deletion, one batch at a time. The audit log itself is never purged:
events are kept at least ``settings.audit_retention_years`` (never below 1);
casewatch never deletes them (archiving older events is an operator's task).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, Table, and_, delete, func, select
from sqlalchemy.orm import Session

from casewatch.audit.log import append, append_many
from casewatch.db.engine import transaction
from casewatch.db.models import Alert, Base, Case, Record, User, utcnow
from casewatch.settings import Settings

KEEP_ALERT_STATUSES = ("confirmed",)
PROTECTED_TABLES = ("audit_events", "audit_checkpoints")
BATCH = 1000


@dataclass
class RetentionResult:
    """What a retention run erased (or, with dry_run, would erase)."""

    cutoff: datetime
    dry_run: bool
    records: int = 0
    alerts: int = 0
    dependants: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "cutoff": self.cutoff.isoformat(),
            "dry_run": self.dry_run,
            "records": self.records,
            "alerts": self.alerts,
            "dependants": self.dependants,
        }


def purgeable(cutoff: datetime) -> Any:
    """The SELECT of ids of records to purge (see the module docstring)."""
    kept_by_open_case = (
        select(Alert.record_id).join(Case, Case.id == Alert.case_id).where(Case.status == "open")
    )
    kept_by_confirmation = select(Alert.record_id).where(Alert.status.in_(KEEP_ALERT_STATUSES))
    return select(Record.id).where(
        and_(
            Record.ingested_at < cutoff,
            Record.id.not_in(kept_by_open_case),
            Record.id.not_in(kept_by_confirmation),
        )
    )


def _referencing(target: Table) -> list[tuple[Table, Any]]:
    """Every (table, column) with a foreign key to ``target``'s primary key."""
    found = []
    for table in Base.metadata.sorted_tables:
        if table.name in PROTECTED_TABLES:
            continue
        for fk in table.foreign_keys:
            if fk.column.table is target:
                found.append((table, fk.parent))
    return found


def _delete_with_dependants(
    session: Session, target: Table, ids: list[int], counts: dict[str, int]
) -> None:
    """Delete rows of ``target`` by id after (recursively) deleting the rows that reference them."""
    if not ids:
        return
    for table, column in _referencing(target):
        if table is Alert.__table__:
            continue  # alerts are handled (and logged) explicitly
        pk = list(table.primary_key.columns)
        if len(pk) == 1 and _referencing(table):
            child_ids = list(session.scalars(select(pk[0]).where(column.in_(ids))))
            _delete_with_dependants(session, table, child_ids, counts)
        else:
            result = session.execute(delete(table).where(column.in_(ids)))
            counts[str(table.name)] = counts.get(str(table.name), 0) + int(getattr(result, "rowcount", 0) or 0)
    session.execute(delete(target).where(target.c.id.in_(ids)))
    if target.name not in ("records", "alerts"):
        counts[str(target.name)] = counts.get(str(target.name), 0) + len(ids)


def _purge_batch(
    session: Session, ids: list[int], actor: str, purpose: str, result: RetentionResult
) -> None:
    """Erase one batch of records (and their alerts) and log every erasure by id."""
    alerts = session.execute(select(Alert.id, Alert.case_id).where(Alert.record_id.in_(ids))).all()
    alert_ids = [a for a, _ in alerts]
    _delete_with_dependants(session, Alert.__table__, alert_ids, result.dependants)  # type: ignore[arg-type]
    _delete_with_dependants(session, Record.__table__, ids, result.dependants)  # type: ignore[arg-type]
    events = [
        dict(actor=actor, action="alert.erase", object_type="alert", object_id=alert_id,
             case_id=case_id, purpose=purpose)
        for alert_id, case_id in alerts
    ]
    events += [
        dict(actor=actor, action="record.erase", object_type="record", object_id=record_id,
             purpose=purpose)
        for record_id in ids
    ]
    append_many(session, events)
    result.records += len(ids)
    result.alerts += len(alert_ids)


def run_retention(
    engine: Engine,
    user: User,
    settings: Settings,
    *,
    dry_run: bool = False,
    now: datetime | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> RetentionResult:
    """Purge (or with ``dry_run`` count) records past retention; one transaction per batch.

    Only admins run retention (the caller checks the role). The run itself is
    logged ("retention.run" or "retention.dry_run") with its counts.
    """
    cutoff = (now or utcnow()) - timedelta(days=settings.retention_days)
    result = RetentionResult(cutoff=cutoff, dry_run=dry_run)
    purpose = f"retention: ingested before {cutoff.date().isoformat()} ({settings.retention_days} days)"
    if dry_run:
        with transaction(engine) as session:
            ids = purgeable(cutoff).subquery()
            result.records = int(session.scalar(select(func.count()).select_from(ids)) or 0)
            result.alerts = int(
                session.scalar(select(func.count(Alert.id)).where(Alert.record_id.in_(select(ids.c.id))))
                or 0
            )
            append(session, actor=user.name, action="retention.dry_run", purpose=purpose,
                   params=result.as_dict())
        return result
    while True:
        with transaction(engine) as session:
            ids = list(session.scalars(purgeable(cutoff).order_by(Record.id).limit(BATCH)))
            if not ids:
                break
            _purge_batch(session, ids, user.name, purpose, result)
        if on_progress:
            on_progress(len(ids))
    with transaction(engine) as session:
        append(session, actor=user.name, action="retention.run", purpose=purpose,
               params=result.as_dict())
    return result
