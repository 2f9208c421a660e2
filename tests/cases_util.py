"""Helpers for the case, watch, alert and webhook tests: people, cases, records and alerts."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from itertools import count
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from casewatch.auth.users import create_user, get_user
from casewatch.cases import add_watch, build_subject, create_case
from casewatch.db.engine import transaction
from casewatch.db.models import Alert, AuditEvent, Case, Record, User, Watch, utcnow

#: name -> (role, team)
PEOPLE = {
    "admin": ("admin", "default"),
    "ana": ("analyst", "red"),
    "sam": ("supervisor", "red"),
    "sue": ("supervisor", "red"),
    "bob": ("analyst", "blue"),
    "bea": ("supervisor", "blue"),
    "aud": ("auditor", None),
}
_ids = count(1)


def make_people(engine: Engine) -> None:
    with transaction(engine) as session:
        for name, (role, team) in PEOPLE.items():
            create_user(session, name, role, team, actor="system")


def user(session: Session, name: str) -> User:
    return get_user(session, name)


def in_days(days: int) -> date:
    return utcnow().date() + timedelta(days=days)


def new_case(session: Session, actor: str = "ana", **kw: Any) -> Case:
    args: dict[str, Any] = {"title": "Shell network", "legal_basis": "AML Act s.12",
                            "review_date": in_days(90)}
    args.update(kw)
    return create_case(session, user(session, actor), **args)


def new_watch(session: Session, case: Case, name: str = "Ivan Petrov", actor: str = "ana",
              **kw: Any) -> Watch:
    return add_watch(session, user(session, actor), case.id, build_subject("Person", name), **kw)


def new_record(session: Session, entity_id: str, name: str = "Ivan Petrov") -> Record:
    n = next(_ids)
    props = {"name": [name]}
    record = Record(
        source="ftm", source_id=f"{entity_id}-{n}", entity_id=entity_id, schema="Person",
        caption=name, properties=props, content_hash=hashlib.sha256(f"{n}".encode()).hexdigest(),
        fetched_at=utcnow(),
    )
    session.add(record)
    session.flush()
    return record


def new_alert(session: Session, watch: Watch, record: Record, score: float = 0.9) -> Alert:
    """An alert row as the monitor would raise it (tests of triage do not need the matcher)."""
    alert = Alert(
        watch_id=watch.id, case_id=watch.case_id, record_id=record.id,
        subject_id=watch.subject_id, record_entity_id=record.entity_id,
        dedup_key=hashlib.sha256(f"{watch.id}:{record.id}".encode()).hexdigest(), score=score,
        explanation={"features": {"name": score}}, status="new",
    )
    session.add(alert)
    session.flush()
    return alert


def audit_actions(session: Session, action: str) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)
                                .order_by(AuditEvent.seq)))
