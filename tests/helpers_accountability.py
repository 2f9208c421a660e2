"""Small seeding helpers for the accountability tests (users, cases, watches, records, alerts)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from casewatch.auth.users import SYSTEM, create_user, ensure_admin
from casewatch.db.models import Alert, AlertEvent, Case, Record, User, Watch, utcnow


def seed_users(session: Session) -> dict[str, User]:
    """admin; analysts and supervisors of teams red and blue; an auditor."""
    users = {"admin": ensure_admin(session)}
    for name, role, team in [
        ("ana", "analyst", "red"),
        ("sam", "supervisor", "red"),
        ("bob", "analyst", "blue"),
        ("sue", "supervisor", "blue"),
        ("aud", "auditor", None),
    ]:
        users[name] = create_user(session, name, role, team, actor=SYSTEM)
    return users


def make_case(
    session: Session, team_user: User, *, title: str = "Case", status: str = "open",
    review: date | None = None, legal_basis: str = "AML Act s.12",
) -> Case:
    case = Case(
        title=title, legal_basis=legal_basis, owner_id=team_user.id, team_id=team_user.team_id,
        review_date=review or (utcnow() + timedelta(days=180)).date(), status=status,
    )
    session.add(case)
    session.flush()
    return case


def make_watch(
    session: Session, case: Case, *, name: str = "Ivan Petrov", expires: datetime | None = None
) -> Watch:
    watch = Watch(
        case_id=case.id, subject_id=f"subj-{name}", schema="Person", caption=name,
        entity={"properties": {"name": [name]}},
        expires_at=expires or utcnow() + timedelta(days=90),
    )
    session.add(watch)
    session.flush()
    return watch


def make_record(
    session: Session, key: str, *, ingested: datetime | None = None, name: str | None = None
) -> Record:
    now = utcnow()
    record = Record(
        source="test", source_id=key, entity_id=key, schema="Person", caption=name or key,
        properties={"name": [name or key]}, content_hash=f"h-{key}", fetched_at=now,
        ingested_at=ingested or now,
    )
    session.add(record)
    session.flush()
    return record


def make_alert(
    session: Session, watch: Watch, record: Record, *, status: str = "new",
    events: list[tuple[str, str]] | None = None, created: datetime | None = None,
) -> Alert:
    alert = Alert(
        watch_id=watch.id, case_id=watch.case_id, record_id=record.id,
        subject_id=watch.subject_id, record_entity_id=record.entity_id,
        dedup_key=f"d-{record.id}-{watch.id}", score=0.9, explanation={}, status=status,
        created_at=created or utcnow(),
    )
    session.add(alert)
    session.flush()
    for action, to_status in events or []:
        session.add(AlertEvent(alert_id=alert.id, action=action, to_status=to_status))
    session.flush()
    return alert


def unguard_audit(engine: Engine) -> None:
    """Switch the append-only guard off, as a tamperer with owner rights could."""
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            conn.execute(text("DROP TRIGGER IF EXISTS audit_events_no_update"))
            conn.execute(text("DROP TRIGGER IF EXISTS audit_events_no_delete"))
        else:
            conn.execute(text("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only"))


def tamper(engine: Engine, sql: str, **params: Any) -> None:
    unguard_audit(engine)
    with engine.begin() as conn:
        conn.execute(text(sql), params)
