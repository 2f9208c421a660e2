"""The FastAPI application: ``create_app(settings, engine)``.

Errors are JSON ``{"detail": "<what to fix>"}``: 400 for input casewatch
refuses (missing purpose, bad subject ...), 401 without a valid token, 403 for
a role that may not do this, 404 for what does not exist *or* belongs to
another team, 422 for a request that does not fit the schema (with each
problem named). Anything unexpected is a 500 with a generic message: never a
traceback.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy import Engine
from starlette.exceptions import HTTPException as StarletteHTTPException

from casewatch import __version__
from casewatch.api.deps import status_of
from casewatch.api.gate import WriteGate
from casewatch.api.metrics import Metrics
from casewatch.api.routers import alerts, cases, match, oversight, proofs, records, service
from casewatch.api.screeners import ScreenerCache
from casewatch.audit.group import GroupWriter
from casewatch.auth.tokens import TokenChecker
from casewatch.db.engine import make_engine
from casewatch.errors import CasewatchError
from casewatch.settings import Settings, get_settings

log = logging.getLogger("casewatch.api")

DESCRIPTION = """Accountable continuous screening and investigation.

Every request needs `Authorization: Bearer <token>` (from `casewatch token issue NAME`)
except `/healthz` and `/readyz`, and every request is recorded in the audit log.
`POST /match/{dataset}` speaks the OpenSanctions yente match API; searches need a
purpose: `?case=<id>` or `?justification=<text>`."""


def _where(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "header"):
        kind = {"body": "body", "query": "query parameter", "path": "path parameter",
                "header": "header"}[parts[0]]
        rest = ".".join(parts[1:])
        return f"{kind} {rest!r}" if rest else kind
    return ".".join(parts) or "request"


def validation_message(exc: RequestValidationError) -> str:
    """All schema problems in one readable line: where, and what was expected."""
    problems = []
    for err in exc.errors()[:10]:
        msg = str(err.get("msg", "invalid")).replace("Value error, ", "")
        problems.append(f"{_where(tuple(err.get('loc', ())))}: {msg}")
    more = len(exc.errors()) - len(problems)
    return "; ".join(problems) + (f" (and {more} more)" if more > 0 else "")


def _json(status: int, detail: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=status, headers=headers)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        return _json(422, validation_message(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return _json(exc.status_code, str(exc.detail), getattr(exc, "headers", None))

    @app.exception_handler(CasewatchError)
    async def _casewatch(_: Request, exc: CasewatchError) -> JSONResponse:
        return _json(status_of(exc), str(exc))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.error("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
        return _json(500, "internal error: the request was not completed and is recorded in "
                          "the audit log; the server log has the details")


def _gate_path(engine: Engine, settings: Settings) -> str | None:
    """SQLite: a lock file beside the database file, shared by every worker on it."""
    if engine.dialect.name != "sqlite" or not engine.url.database:
        return None
    if engine.url.database == ":memory:":
        return None
    return f"{engine.url.database}.api-lock"


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> FastAPI:
    """The casewatch API over ``engine`` (default: the configured database)."""
    settings = settings or get_settings()
    engine = engine or make_engine(settings.url)
    app = FastAPI(title="casewatch", version=__version__, description=DESCRIPTION)
    app.state.settings = settings
    app.state.engine = engine
    app.state.screeners = ScreenerCache(settings.home)
    app.state.metrics = Metrics(engine)
    app.state.write_gate = gate = WriteGate(_gate_path(engine, settings))
    # read requests' audit events (/match) are group-committed, queued on the same gate
    app.state.audit_writer = GroupWriter(engine, lock=lambda: gate)
    app.state.tokens = TokenChecker(engine)
    # /match's blocking work in the thread pool (measured better tail latency than on the loop)
    app.state.match_inline = os.environ.get("CASEWATCH_API_MATCH_INLINE") == "1"
    app.state.case_teams = {}
    install_error_handlers(app)
    app.include_router(service.probes)
    app.include_router(service.router)
    app.include_router(match.router)
    app.include_router(cases.router)
    app.include_router(alerts.router)
    app.include_router(records.router)
    app.include_router(oversight.router)
    app.include_router(proofs.router)
    return app


def app_factory() -> FastAPI:
    """For ``uvicorn --factory casewatch.api.app:app_factory`` (what ``casewatch serve`` runs)."""
    return create_app()
