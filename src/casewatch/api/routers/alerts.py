"""Alerts: the inbox, one alert with its explanation, and the triage steps (four eyes to confirm)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi import Path as PathParam

from casewatch.alerts import (
    STATUSES,
    add_note,
    assign,
    confirm,
    dismiss,
    escalate,
    list_alerts,
    propose,
    return_alert,
    show_alert,
    suppress_alert,
)
from casewatch.alerts.triage import load_alert
from casewatch.api.deps import AuditedRoute, Ctx
from casewatch.api.models import (
    AlertDetail,
    AlertList,
    AlertOut,
    AlertState,
    AssignBody,
    SuppressBody,
    SuppressOut,
    TriageNote,
)
from casewatch.api.routers.cases import ERRORS
from casewatch.auth.users import get_user
from casewatch.db.models import Alert
from casewatch.errors import CasewatchError

router = APIRouter(route_class=AuditedRoute, tags=["Alerts"], responses=ERRORS)
AlertId = Annotated[int, PathParam(gt=0, le=2**62)]
STATUS_PATTERN = "^(" + "|".join(STATUSES) + ")$"


def _state(alert: Alert) -> AlertState:
    return AlertState(alert_id=alert.id, status=alert.status, assignee_id=alert.assignee_id)


def _required(note: str | None, step: str) -> str:
    if not note or not note.strip():
        raise CasewatchError(f"{step} needs a note: send {{\"note\": \"why\"}}")
    return note


@router.get("/alerts", name="alert.list", response_model=AlertList)
def alerts_list(
    ctx: Ctx,
    case: Annotated[int | None, Query(gt=0, le=2**62, description="Only this case")] = None,
    status: Annotated[str | None, Query(pattern=STATUS_PATTERN)] = None,
    since_id: Annotated[int | None, Query(ge=0, le=2**62)] = None,
    limit: Annotated[int, Query(ge=1, le=5000)] = 500,
) -> AlertList:
    """Alerts of the cases the caller may see, oldest first (``since_id`` for a feed)."""
    assert ctx.user is not None
    ctx.case_id = case
    items = list_alerts(ctx.db(), ctx.user, case_id=case, status=status, since_id=since_id,
                        limit=limit)
    return AlertList(alerts=[AlertOut(**item) for item in items])


@router.get("/alerts/{alert_id}", name="alert.view", response_model=AlertDetail)
def alerts_show(ctx: Ctx, alert_id: AlertId) -> AlertDetail:
    """One alert: the record with provenance, the watched subject, score, features, history."""
    assert ctx.user is not None
    return AlertDetail(**show_alert(ctx.db(), ctx.user, alert_id))


@router.post("/alerts/{alert_id}/assign", name="alert.assign", response_model=AlertState)
def alerts_assign(ctx: Ctx, alert_id: AlertId, body: AssignBody) -> AlertState:
    """Assign to a member of the case's team (default: the caller)."""
    assert ctx.user is not None
    session = ctx.db()
    to = None
    if body.to is not None:
        load_alert(session, ctx.user, alert_id, action="alert.assign", write=True)
        to = get_user(session, body.to)
    return _state(assign(session, ctx.user, alert_id, to, body.note))


@router.post("/alerts/{alert_id}/note", name="alert.note", response_model=AlertState)
def alerts_note(ctx: Ctx, alert_id: AlertId, body: TriageNote) -> AlertState:
    """Add a note (notes are never edited or removed)."""
    assert ctx.user is not None
    add_note(ctx.db(), ctx.user, alert_id, _required(body.note, "a note"))
    alert, _ = load_alert(ctx.db(), ctx.user, alert_id, action="alert.note")
    return _state(alert)


@router.post("/alerts/{alert_id}/escalate", name="alert.escalate", response_model=AlertState)
def alerts_escalate(ctx: Ctx, alert_id: AlertId, body: TriageNote) -> AlertState:
    assert ctx.user is not None
    return _state(escalate(ctx.db(), ctx.user, alert_id, body.note))


@router.post("/alerts/{alert_id}/dismiss", name="alert.dismiss", response_model=AlertState)
def alerts_dismiss(ctx: Ctx, alert_id: AlertId, body: TriageNote) -> AlertState:
    """Dismiss as not a match; a note saying why is required."""
    assert ctx.user is not None
    return _state(dismiss(ctx.db(), ctx.user, alert_id, _required(body.note, "dismiss")))


@router.post("/alerts/{alert_id}/propose", name="alert.propose", response_model=AlertState)
def alerts_propose(ctx: Ctx, alert_id: AlertId, body: TriageNote) -> AlertState:
    """Propose to confirm as a true match; a supervisor who did not propose it decides."""
    assert ctx.user is not None
    return _state(propose(ctx.db(), ctx.user, alert_id, body.note))


@router.post("/alerts/{alert_id}/confirm", name="alert.confirm", response_model=AlertState)
def alerts_confirm(ctx: Ctx, alert_id: AlertId, body: TriageNote) -> AlertState:
    """Confirm a proposed alert (a supervisor other than the proposer)."""
    assert ctx.user is not None
    return _state(confirm(ctx.db(), ctx.user, alert_id, body.note))


@router.post("/alerts/{alert_id}/return", name="alert.return", response_model=AlertState)
def alerts_return(ctx: Ctx, alert_id: AlertId, body: TriageNote) -> AlertState:
    """Return a proposed alert to its proposer, saying what to look at."""
    assert ctx.user is not None
    return _state(return_alert(ctx.db(), ctx.user, alert_id, _required(body.note, "return")))


@router.post("/alerts/{alert_id}/suppress", name="alert.suppress", response_model=SuppressOut)
def alerts_suppress(ctx: Ctx, alert_id: AlertId, body: SuppressBody) -> SuppressOut:
    """Keep this (watch, record entity) pair quiet until ``until``, with a reason."""
    assert ctx.user is not None
    row = suppress_alert(ctx.db(), ctx.user, alert_id, until=body.until, reason=body.reason)
    return SuppressOut(suppression_id=row.id, alert_id=alert_id,
                       expires_at=row.expires_at.isoformat())
