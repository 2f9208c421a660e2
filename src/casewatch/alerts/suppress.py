"""Suppressions: a cleared (watch, record entity) pair stays quiet until its expiry.

A suppression always expires, at most ``settings.max_watch_days`` after it is
made (to the end of that day, UTC) (a pair is never cleared for longer than a watch may run without review).
The monitor asks :func:`is_suppressed` (or :func:`suppressed_pairs` in bulk)
before raising an alert.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from casewatch.alerts.triage import TRIAGE_ROLES, _clean_note, _record, load_alert
from casewatch.audit.log import append
from casewatch.auth.access import require_role
from casewatch.db.models import Suppression, User, utcnow
from casewatch.errors import CasewatchError
from casewatch.lifecycle.purpose import as_instant, end_of_day
from casewatch.settings import get_settings


def check_until(until: datetime, now: datetime) -> None:
    """A suppression ends in the future and no later than max_watch_days from now."""
    days = get_settings().max_watch_days
    if until <= now:
        raise CasewatchError(f"--until {until.isoformat()} is in the past: give a later date")
    if until > end_of_day((now + timedelta(days=days)).date()):
        raise CasewatchError(
            f"--until {until.isoformat()} is too far away: a suppression lasts at most "
            f"{days} days (until {(now + timedelta(days=days)).isoformat()})"
        )


def suppress_alert(session: Session, actor: User, alert_id: int, *, until: date | datetime,
                   reason: str) -> Suppression:
    """Suppress the alert's (watch, record entity) pair until ``until``, with a reason.

    Later records of the same entity do not alert on this watch until then. The
    alert itself keeps its status (dismiss it separately); its history gets a
    ``suppress`` step. Audited as ``alert.suppress``.
    """
    require_role(actor, *TRIAGE_ROLES, action="alert.suppress", session=session)
    text = _clean_note(reason, "suppress", True)
    assert text is not None
    now = utcnow()
    until = as_instant(until)
    check_until(until, now)
    alert, _ = load_alert(session, actor, alert_id, action="alert.suppress", write=True)
    row = Suppression(watch_id=alert.watch_id, record_entity_id=alert.record_entity_id,
                      reason=text, created_by=actor.id, created_at=now, expires_at=until)
    session.add(row)
    session.flush()
    _record(session, actor, alert, "suppress", alert.status,
            f"suppressed until {until.isoformat()}: {text}",
            {"suppression_id": row.id, "until": until.isoformat()})
    return row


def is_suppressed(session: Session, watch_id: int, record_entity_id: str,
                  now: datetime | None = None) -> bool:
    """True if the (watch, record entity) pair has a suppression in force at ``now``."""
    now = now or utcnow()
    found = session.scalar(
        select(Suppression.id).where(
            Suppression.watch_id == watch_id,
            Suppression.record_entity_id == record_entity_id,
            Suppression.expires_at > now,
        ).limit(1)
    )
    return found is not None


def suppressed_pairs(session: Session, pairs: Iterable[tuple[int, str]],
                     now: datetime | None = None) -> set[tuple[int, str]]:
    """The subset of (watch id, record entity id) pairs suppressed at ``now`` (bulk check)."""
    now = now or utcnow()
    wanted = list(set(pairs))
    found: set[tuple[int, str]] = set()
    for start in range(0, len(wanted), 500):
        chunk = wanted[start:start + 500]
        cond = or_(*(and_(Suppression.watch_id == w, Suppression.record_entity_id == r)
                     for w, r in chunk))
        rows = session.execute(
            select(Suppression.watch_id, Suppression.record_entity_id)
            .where(Suppression.expires_at > now, cond)
        )
        found.update((w, r) for w, r in rows)
    return found


def list_suppressions(session: Session, actor: User, alert_id: int) -> list[Suppression]:
    """Suppressions (past and present) of an alert's pair; audited as ``alert.suppressions``."""
    alert, _ = load_alert(session, actor, alert_id, action="alert.suppressions")
    rows = list(session.scalars(
        select(Suppression).where(Suppression.watch_id == alert.watch_id,
                                  Suppression.record_entity_id == alert.record_entity_id)
        .order_by(Suppression.id)
    ))
    append(session, actor=actor.name, action="alert.suppressions", object_type="alert",
           object_id=alert.id, case_id=alert.case_id)
    return rows

