"""Health, readiness, the caller, and /metrics."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from casewatch.api.deps import AuditedRoute, Ctx
from casewatch.api.models import ErrorResponse, Me, ReadyResponse, StatusResponse
from casewatch.api.routers.cases import ERRORS
from casewatch.db.engine import is_initialised

#: Health and readiness: no token, no audit event (load balancers call them every few seconds).
probes = APIRouter(tags=["System"])
router = APIRouter(route_class=AuditedRoute, tags=["System"], responses=ERRORS)


@probes.get("/healthz", response_model=StatusResponse)
def healthz() -> StatusResponse:
    """The process is up."""
    return StatusResponse()


@probes.get("/readyz", response_model=ReadyResponse,
            responses={503: {"model": ErrorResponse, "description": "Database not ready"}})
def readyz(request: Request) -> ReadyResponse | JSONResponse:
    """The database is reachable and has the casewatch schema."""
    engine = request.app.state.engine
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        ready = is_initialised(engine)
    except SQLAlchemyError:
        return JSONResponse({"detail": "database is not reachable"}, status_code=503)
    if not ready:
        return JSONResponse({"detail": "database has no casewatch schema: run 'casewatch init'"},
                            status_code=503)
    return ReadyResponse(status="ok", database=engine.dialect.name)


@router.get("/me", name="user.me", response_model=Me)
def me(ctx: Ctx) -> Me:
    """The caller's name, role and team."""
    assert ctx.user is not None
    team = ctx.user.team.name if ctx.user.team is not None else None
    return Me(name=ctx.user.name, role=ctx.user.role, team=team)


@router.get("/metrics", name="metrics", response_class=Response,
            responses={200: {"content": {"text/plain": {}}, "description": "Prometheus text"}})
def metrics(request: Request, ctx: Ctx) -> Response:
    """Alerts raised, screening latency, queue depth, audit chain length (Prometheus text)."""
    body = request.app.state.metrics.render()
    return Response(body, media_type="text/plain; version=0.0.4; charset=utf-8")
