"""The audit log (auditors only; reading it is itself logged) and the oversight report."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Query

from casewatch.api import reads
from casewatch.api.deps import AuditedRoute, Ctx
from casewatch.api.models import AuditEventOut, AuditList, OversightReport, VerifyOut
from casewatch.api.routers.cases import ERRORS
from casewatch.audit.read import AuditFilter, event_json, read_events
from casewatch.oversight import generate_report

router = APIRouter(route_class=AuditedRoute, tags=["Audit"], responses=ERRORS)
OUTCOME = "^(success|denied|error)$"


def _utc(value: datetime | None) -> datetime | None:
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


@router.get("/audit", name="audit.read", response_model=AuditList)
def audit_read(
    ctx: Ctx,
    start: Annotated[datetime | None, Query(alias="from")] = None,
    end: Annotated[datetime | None, Query(alias="to")] = None,
    actor: Annotated[str | None, Query(max_length=200)] = None,
    action: Annotated[str | None, Query(max_length=60)] = None,
    case: Annotated[int | None, Query(gt=0, le=2**62)] = None,
    outcome: Annotated[str | None, Query(pattern=OUTCOME)] = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
) -> AuditList:
    """Audit events, oldest first (auditors only; this read is logged as ``audit.read``)."""
    assert ctx.user is not None
    flt = AuditFilter(start=_utc(start), end=_utc(end), actor=actor, action=action,
                      case_id=case, outcome=outcome, limit=limit)
    events = read_events(ctx.db(), ctx.user, flt)
    return AuditList(events=[AuditEventOut(**event_json(e)) for e in events])


@router.get("/audit/verify", name="audit.verify", response_model=VerifyOut)
def audit_verify(ctx: Ctx) -> VerifyOut:
    """Check the hash chain and the signed checkpoints; names the first event that fails."""
    assert ctx.user is not None
    return VerifyOut(**reads.verify_audit(ctx.db(), ctx.user))  # type: ignore[arg-type]


@router.get("/oversight/report", name="oversight.report", response_model=OversightReport)
def oversight_report(
    ctx: Ctx,
    start: Annotated[datetime | None, Query(alias="from", description="Default: 30 days ago")] = None,
    end: Annotated[datetime | None, Query(alias="to", description="Default: now")] = None,
) -> OversightReport:
    """Watches by case and legal basis, expiries, reviews, alerts, searches, denials, chain."""
    assert ctx.user is not None
    stop = _utc(end) or datetime.now(UTC)
    begin = _utc(start) or stop - timedelta(days=30)
    return OversightReport(**generate_report(ctx.db(), ctx.user, begin, stop))
