"""Collect the oversight report's content for a period ``[start, end)``.

Snapshot sections (watches per case, expiring and expired watches, overdue
reviews) describe the state when the report is generated; activity sections
(reviews done, alerts raised / dismissed / confirmed, searches, denied
accesses) count what happened within the period. The audit chain section is
a full ``audit verify`` plus the last signed checkpoint.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import case as when
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casewatch.audit.checkpoint import checkpoint_json, latest_checkpoint
from casewatch.audit.log import append
from casewatch.audit.verify import verify
from casewatch.auth.access import require_role
from casewatch.db.models import (
    Alert,
    AlertEvent,
    AuditEvent,
    Case,
    Review,
    Team,
    User,
    Watch,
    utcnow,
)
from casewatch.errors import CasewatchError

READERS = ("auditor",)
SEARCH_ACTIONS = ("search", "match")
EXPIRING_DAYS = 30
LIST_LIMIT = 500


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _watches_by_case(session: Session, now: datetime) -> list[dict[str, Any]]:
    live = (Watch.removed_at.is_(None)) & (Watch.expires_at > now)
    stmt = (
        select(
            Case.id, Case.title, Case.legal_basis, Case.status, Case.review_date, Team.name,
            func.count(Watch.id), func.sum(when((live, 1), else_=0)),
        )
        .outerjoin(Team, Team.id == Case.team_id)
        .outerjoin(Watch, Watch.case_id == Case.id)
        .group_by(Case.id, Case.title, Case.legal_basis, Case.status, Case.review_date, Team.name)
        .order_by(Case.id)
    )
    return [
        {
            "case_id": cid, "title": title, "legal_basis": basis, "status": status,
            "review_date": _iso(review), "team": team, "watches": int(total or 0),
            "active_watches": int(active or 0),
        }
        for cid, title, basis, status, review, team, total, active in session.execute(stmt)
    ]


def _watch_expiry(session: Session, start: datetime, end: datetime, now: datetime) -> dict[str, Any]:
    horizon = now + timedelta(days=EXPIRING_DAYS)
    base = select(Watch.case_id, func.count(Watch.id)).where(Watch.removed_at.is_(None))
    expiring = base.where(Watch.expires_at > now, Watch.expires_at <= horizon)
    expired = base.where(Watch.expires_at > start, Watch.expires_at <= min(end, now))
    soon = (
        select(Watch.id, Watch.case_id, Watch.caption, Watch.expires_at)
        .where(Watch.removed_at.is_(None), Watch.expires_at > now, Watch.expires_at <= horizon)
        .order_by(Watch.expires_at)
        .limit(LIST_LIMIT)
    )
    return {
        "expiring_days": EXPIRING_DAYS,
        "expiring_by_case": {str(c): n for c, n in session.execute(expiring.group_by(Watch.case_id))},
        "expired_in_period_by_case": {
            str(c): n for c, n in session.execute(expired.group_by(Watch.case_id))
        },
        "expiring": [
            {"watch_id": w, "case_id": c, "caption": cap, "expires_at": _iso(at)}
            for w, c, cap, at in session.execute(soon)
        ],
    }


def _reviews(session: Session, start: datetime, end: datetime, today: date) -> dict[str, Any]:
    done = (
        select(Review.id, Review.object_type, Review.object_id, User.name, Review.at,
               Review.explanation, Review.new_date)
        .join(User, User.id == Review.reviewer_id)
        .where(Review.at >= start, Review.at < end)
        .order_by(Review.at)
    )
    overdue = (
        select(Case.id, Case.title, Case.review_date, Team.name)
        .outerjoin(Team, Team.id == Case.team_id)
        .where(Case.status == "open", Case.review_date < today)
        .order_by(Case.review_date)
    )
    return {
        "done": [
            {"review_id": rid, "object_type": ot, "object_id": oid, "reviewer": name,
             "at": _iso(at), "explanation": text, "new_date": _iso(nd)}
            for rid, ot, oid, name, at, text, nd in session.execute(done)
        ],
        "overdue_cases": [
            {"case_id": cid, "title": title, "review_date": _iso(rd),
             "days_overdue": (today - rd).days, "team": team}
            for cid, title, rd, team in session.execute(overdue)
        ],
    }


def _alerts(session: Session, start: datetime, end: datetime) -> dict[str, Any]:
    raised = session.execute(
        select(func.date(Alert.created_at), func.count(Alert.id))
        .where(Alert.created_at >= start, Alert.created_at < end)
        .group_by(func.date(Alert.created_at))
        .order_by(func.date(Alert.created_at))
    ).all()
    decided = Counter(
        dict(
            session.execute(
                select(AlertEvent.to_status, func.count(AlertEvent.id))
                .where(AlertEvent.at >= start, AlertEvent.at < end)
                .where(AlertEvent.to_status.in_(("dismissed", "confirmed")))
                .group_by(AlertEvent.to_status)
            ).all()
        )
    )
    by_case = session.execute(
        select(Alert.case_id, func.count(Alert.id))
        .where(Alert.created_at >= start, Alert.created_at < end)
        .group_by(Alert.case_id)
        .order_by(Alert.case_id)
    ).all()
    return {
        "raised": sum(n for _, n in raised),
        "dismissed": int(decided.get("dismissed", 0)),
        "confirmed": int(decided.get("confirmed", 0)),
        "raised_per_day": [{"day": str(day), "count": n} for day, n in raised],
        "raised_by_case": {str(c): n for c, n in by_case},
    }


def _audit_rows(session: Session, start: datetime, end: datetime, *conditions: Any) -> Any:
    stmt = (
        select(AuditEvent)
        .where(AuditEvent.at >= start, AuditEvent.at < end, *conditions)
        .order_by(AuditEvent.seq)
        .execution_options(yield_per=5000)
    )
    return session.execute(stmt).scalars()


def _searches(session: Session, start: datetime, end: datetime) -> list[dict[str, Any]]:
    per_user: dict[str, Counter[str]] = defaultdict(Counter)
    for event in _audit_rows(session, start, end, AuditEvent.action.in_(SEARCH_ACTIONS)):
        per_user[event.actor][event.purpose or "(none)"] += 1
    return [
        {
            "user": user, "searches": sum(purposes.values()),
            "justifications": [{"purpose": p, "count": n} for p, n in purposes.most_common()],
        }
        for user, purposes in sorted(per_user.items(), key=lambda kv: -sum(kv[1].values()))
    ]


def _denied(session: Session, start: datetime, end: datetime) -> dict[str, Any]:
    events = list(_audit_rows(session, start, end, AuditEvent.outcome == "denied"))
    return {
        "count": len(events),
        "by_user": dict(Counter(e.actor for e in events).most_common()),
        "events": [
            {"seq": e.seq, "at": _iso(e.at), "actor": e.actor, "action": e.action,
             "object_type": e.object_type, "object_id": e.object_id, "case_id": e.case_id}
            for e in events[-LIST_LIMIT:]
        ],
    }


def _chain(session: Session) -> dict[str, Any]:
    result = verify(session)
    last = latest_checkpoint(session)
    return {**result.as_dict(), "last_checkpoint": checkpoint_json(last) if last else None}


def build_report(session: Session, start: datetime, end: datetime) -> dict[str, Any]:
    """The report's content (no access check, not audited: see :func:`generate_report`)."""
    if end <= start:
        raise CasewatchError(f"--to ({end.date()}) must be after --from ({start.date()})")
    now = utcnow()
    return {
        "title": "casewatch oversight report",
        "period": {"from": _iso(start), "to": _iso(end)},
        "generated_at": _iso(now),
        "watches_by_case": _watches_by_case(session, now),
        "watch_expiry": _watch_expiry(session, start, end, now),
        "reviews": _reviews(session, start, end, now.date()),
        "alerts": _alerts(session, start, end),
        "searches": _searches(session, start, end),
        "denied": _denied(session, start, end),
        "audit_chain": _chain(session),
    }


def generate_report(
    session: Session, user: User, start: datetime, end: datetime, *, fmt: str = "json"
) -> dict[str, Any]:
    """Check the role (auditors), build the report and log it ("oversight.report")."""
    require_role(user, *READERS, action="oversight.report", session=session)
    report = build_report(session, start, end)
    report["generated_by"] = user.name
    append(
        session, actor=user.name, action="oversight.report",
        params={"from": report["period"]["from"], "to": report["period"]["to"], "format": fmt},
    )
    return report
