"""Alert triage: a small state machine with one AlertEvent per step (the status history).

::

    new ──assign──> assigned ──┐
     │ ──escalate─> escalated ─┤──propose──> proposed ──confirm (another person,
     │ ──dismiss (reason)──────┤                  │       a supervisor)──> confirmed
     └─────────────────────────┘                  └──return (reason)──> returned
                                                                          (back to the analyst)

``assigned``, ``escalated`` and ``returned`` alerts may be assigned, escalated,
dismissed or proposed again; ``confirmed`` and ``dismissed`` are final. Notes
can be added in any state and are never edited. Confirming needs two different
people: the one who proposed and a supervisor who confirms. Every step is
audited as ``alert.<action>`` in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from casewatch.audit.log import append
from casewatch.auth.access import deny, require_case, require_role
from casewatch.db.models import Alert, AlertEvent, Case, User, utcnow
from casewatch.errors import CasewatchError, Denied, NotFound

STATUSES = ("new", "assigned", "escalated", "proposed", "returned", "confirmed", "dismissed")
WORKABLE = frozenset({"new", "assigned", "escalated", "returned"})
FINAL = frozenset({"confirmed", "dismissed"})
TRIAGE_ROLES = ("analyst", "supervisor", "admin")
MAX_NOTE = 10_000


@dataclass(frozen=True)
class Step:
    """One kind of triage step: where it may start, where it ends, who may take it."""

    sources: frozenset[str]
    target: str
    roles: tuple[str, ...] = TRIAGE_ROLES
    needs_note: bool = False


STEPS: dict[str, Step] = {
    "assign": Step(WORKABLE, "assigned"),
    "escalate": Step(WORKABLE - {"escalated"}, "escalated"),
    "dismiss": Step(WORKABLE, "dismissed", needs_note=True),
    "propose": Step(WORKABLE, "proposed"),
    "confirm": Step(frozenset({"proposed"}), "confirmed", roles=("supervisor",)),
    "return": Step(frozenset({"proposed"}), "returned", roles=("supervisor",), needs_note=True),
}


def load_alert(session: Session, actor: User, alert_id: int, *, action: str,
               write: bool = False, lock: bool = False) -> tuple[Alert, Case]:
    """The alert if the actor may see (or work) its case; NotFound ("alert N not found") else."""
    stmt = select(Alert).where(Alert.id == alert_id)
    if lock:
        stmt = stmt.with_for_update()
    alert = session.scalar(stmt)
    if alert is None:
        deny(session, actor, action, object_type="alert", object_id=alert_id)
        raise NotFound(f"alert {alert_id} not found")
    try:
        case = require_case(session, actor, alert.case_id, action=action, write=write)
    except NotFound:
        raise NotFound(f"alert {alert_id} not found") from None
    return alert, case


def _clean_note(note: str | None, action: str, required: bool) -> str | None:
    text = (note or "").strip()
    if required and not text:
        what = "--reason" if action in ("dismiss", "return") else "the note"
        raise CasewatchError(f"alert {action} needs a reason: give {what} TEXT")
    if len(text) > MAX_NOTE:
        raise CasewatchError(f"the note is longer than {MAX_NOTE} characters")
    return text or None


def _record(session: Session, actor: User, alert: Alert, action: str, before: str | None,
            note: str | None, params: dict[str, object] | None = None) -> AlertEvent:
    now = utcnow()
    event = AlertEvent(alert_id=alert.id, at=now, actor_id=actor.id, action=action,
                       from_status=before, to_status=alert.status, note=note)
    session.add(event)
    alert.updated_at = now
    session.flush()
    append(session, actor=actor.name, action=f"alert.{action}", object_type="alert",
           object_id=alert.id, case_id=alert.case_id, purpose=note, params=params)
    return event


def proposer_id(session: Session, alert_id: int) -> int | None:
    """Who made the latest proposal to confirm this alert."""
    return session.scalar(
        select(AlertEvent.actor_id)
        .where(AlertEvent.alert_id == alert_id, AlertEvent.action == "propose")
        .order_by(AlertEvent.id.desc()).limit(1)
    )


def _check_four_eyes(session: Session, actor: User, alert: Alert) -> None:
    proposer = proposer_id(session, alert.id)
    if proposer is not None and proposer == actor.id:
        deny(session, actor, "alert.confirm", object_type="alert", object_id=alert.id,
             case_id=alert.case_id)
        raise Denied(
            f"alert {alert.id}: you proposed it, so another supervisor must confirm it "
            "(confirming needs two different people)"
        )


def transition(session: Session, actor: User, alert_id: int, action: str,
               note: str | None = None, *, assignee: User | None = None) -> Alert:
    """Take one triage step on an alert; raise with what to do when the step is not allowed."""
    step = STEPS[action]
    require_role(actor, *step.roles, action=f"alert.{action}", session=session)
    text = _clean_note(note, action, step.needs_note)
    alert, case = load_alert(session, actor, alert_id, action=f"alert.{action}", write=True,
                             lock=True)
    if alert.status not in step.sources:
        allowed = ", ".join(sorted(step.sources))
        raise CasewatchError(
            f"alert {alert.id} is {alert.status}: '{action}' works only on {allowed} alerts"
        )
    if action == "confirm":
        _check_four_eyes(session, actor, alert)
    before = alert.status
    params: dict[str, object] | None = None
    assignee_id = alert.assignee_id
    if action == "assign":
        target = assignee or actor
        _check_assignee(case, target)
        assignee_id = target.id
        params = {"assignee": target.name}
        text = text or f"assigned to {target.name}"
    elif action == "return":
        assignee_id = proposer_id(session, alert.id) or alert.assignee_id
    _move(session, alert, before, step.target, assignee_id)
    _record(session, actor, alert, action, before, text, params)
    return alert


def _move(session: Session, alert: Alert, before: str, after: str,
          assignee_id: int | None) -> None:
    """Compare-and-set the status, so two people acting at once cannot both move the alert.

    (PostgreSQL also holds the row lock; on SQLite this is the guard.)
    """
    result = session.execute(
        update(Alert)
        .where(Alert.id == alert.id, Alert.status == before)
        .values(status=after, assignee_id=assignee_id, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 0) != 1:
        raise CasewatchError(
            f"alert {alert.id} was changed by someone else meanwhile: look at it again"
        )
    session.refresh(alert)


def _check_assignee(case: Case, user: User) -> None:
    if not user.active or user.role not in ("analyst", "supervisor") or user.team_id != case.team_id:
        raise CasewatchError(
            f"cannot assign to {user.name!r}: alerts go to an active analyst or supervisor "
            "of the case's team"
        )


def add_note(session: Session, actor: User, alert_id: int, note: str) -> AlertEvent:
    """Append a note to an alert in any state (notes are never edited or removed)."""
    require_role(actor, *TRIAGE_ROLES, action="alert.note", session=session)
    text = _clean_note(note, "note", True)
    alert, _ = load_alert(session, actor, alert_id, action="alert.note", write=True)
    return _record(session, actor, alert, "note", alert.status, text)


def assign(session: Session, actor: User, alert_id: int, to: User | None = None,
           note: str | None = None) -> Alert:
    """Assign an alert to ``to`` (default: the actor), a member of the case's team."""
    return transition(session, actor, alert_id, "assign", note, assignee=to)


def escalate(session: Session, actor: User, alert_id: int, note: str | None = None) -> Alert:
    """Escalate an alert for a supervisor's attention."""
    return transition(session, actor, alert_id, "escalate", note)


def dismiss(session: Session, actor: User, alert_id: int, reason: str) -> Alert:
    """Dismiss an alert as not a match; a reason is required."""
    return transition(session, actor, alert_id, "dismiss", reason)


def propose(session: Session, actor: User, alert_id: int, note: str | None = None) -> Alert:
    """Propose to confirm an alert as a true match; a different supervisor decides."""
    return transition(session, actor, alert_id, "propose", note)


def confirm(session: Session, actor: User, alert_id: int, note: str | None = None) -> Alert:
    """Confirm a proposed alert: only a supervisor who did not propose it."""
    return transition(session, actor, alert_id, "confirm", note)


def return_alert(session: Session, actor: User, alert_id: int, reason: str) -> Alert:
    """Return a proposed alert to the analyst who proposed it, saying what to look at."""
    return transition(session, actor, alert_id, "return", reason)
