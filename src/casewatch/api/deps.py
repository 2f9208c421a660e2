"""What every API request shares: the token, one transaction, and its audit event.

Each route is an :class:`AuditedRoute`. Around the FastAPI handler it

1. opens a :class:`RequestContext` (one database session, opened lazily);
2. lets the handler run (the ``current_user`` dependency checks the bearer
   token; service functions append their own audit events, e.g. ``case.view``);
3. on success appends a generic ``api.<route>`` event if nothing in the
   request did, then commits *before* the response is sent, so no result
   leaves the server unless its audit record is stored ("strict mode");
4. on failure rolls back and appends one event with outcome ``denied``
   (401/403/404) or ``error`` (400/422/5xx) in a fresh transaction, unless a
   service already committed its own denial for this request.

Which audit events a request produced is tracked with a mapper listener and a
context variable, so the routers never have to remember to log.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Query, Request, Security
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine, event
from sqlalchemy.orm import Session, object_session
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from casewatch.api.gate import WriteGate
from casewatch.audit.group import GroupWriter
from casewatch.audit.log import append
from casewatch.auth import can_see_case, require_case, require_role
from casewatch.auth.tokens import Generations, TokenChecker, check_token
from casewatch.db.models import AuditEvent, Case, User
from casewatch.errors import CasewatchError, Denied, NotFound
from casewatch.lifecycle import require_purpose

log = logging.getLogger("casewatch.api")

ANONYMOUS = "anonymous"
#: Path parameters that name the object a request is about, most specific first.
OBJECT_PARAMS = (
    ("alert_id", "alert"),
    ("watch_id", "watch"),
    ("record_id", "record"),
    ("entity_id", "entity"),
    ("dataset", "dataset"),
    ("case_id", "case"),
)
SEARCHERS = ("analyst", "supervisor", "admin")
CASE_HELP = "Purpose: the id of the case this search is for."
JUSTIFICATION_HELP = "Purpose: why this search is needed (when it is not for a case)."


@dataclass
class RequestContext:
    """One request's database session, caller and audit bookkeeping."""

    engine: Engine
    action: str
    gate: WriteGate | None = None
    gated: bool = False
    #: the app's audit group-commit writer (for events that record reads, see ``audit``)
    writer: GroupWriter | None = None
    #: the app's token checker (its own connection; see ``current_user``)
    tokens: TokenChecker | None = None
    #: the app's case id -> (team id, when read) cache, shared by requests (see check_case)
    case_teams: dict[int, tuple[int | None, float]] | None = None
    session: Session | None = None
    user: User | None = None
    #: the change counters read with the token (what this request may trust from memory)
    generations: Generations = field(default_factory=Generations)
    #: the caller's name, kept apart from ``user`` (which a rollback expires)
    actor: str = ANONYMOUS
    purpose: str | None = None
    case_id: int | None = None
    params: dict[str, Any] = field(default_factory=dict)
    #: cases this request has already checked the caller may see
    cases_seen: set[int] = field(default_factory=set)
    #: audit events appended in this request's own session (roll back with it)
    own_events: int = 0
    #: audit events committed in a separate transaction (denials survive rollback)
    committed_events: int = 0
    #: events of a read-only request, group-committed after the handler (see ``audit``)
    deferred: list[dict[str, Any]] = field(default_factory=list)

    def db(self) -> Session:
        """The request's session (one transaction, committed when the response is ready)."""
        if self.session is None:
            self.session = Session(self.engine, expire_on_commit=False)
        return self.session

    def audit(self, *, read_only: bool = False, **fields: Any) -> None:
        """Append an audit event for this request (actor, case and purpose filled in).

        By default the event goes into the request's transaction. ``read_only=True``
        (the request changed nothing, e.g. ``/match``) hands it to the app's group-commit
        writer after the handler instead: the response still waits until the event is
        committed (see :func:`_finish`), but concurrent requests share one commit.
        """
        fields.setdefault("case_id", self.case_id)
        fields.setdefault("purpose", self.purpose)
        if read_only and self.writer is not None:
            self.deferred.append({"actor": self.actor, **fields})
            return
        self.enter_gate()
        append(self.db(), actor=self.actor, **fields)

    def enter_gate(self) -> None:
        """Queue for the write lock (held until this request commits or rolls back)."""
        if self.gate is not None and not self.gated and self.own_events == 0:
            self.gate.acquire()
            self.gated = True

    def leave_gate(self) -> None:
        if self.gated and self.gate is not None:
            self.gated = False
            self.gate.release()


_CURRENT: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar(
    "casewatch_api_request", default=None
)


@event.listens_for(AuditEvent, "after_insert")
def _count_audit_event(_mapper: Any, _connection: Any, target: AuditEvent) -> None:
    """Note each audit event written while a request runs: in its session or committed apart."""
    ctx = _CURRENT.get()
    if ctx is None:
        return
    if ctx.session is not None and object_session(target) is ctx.session:
        ctx.own_events += 1
    else:
        ctx.committed_events += 1


def status_of(exc: BaseException) -> int:
    """The HTTP status an exception becomes (see the handlers in :mod:`casewatch.api.app`)."""
    if isinstance(exc, HTTPException):
        return exc.status_code
    if isinstance(exc, RequestValidationError):
        return 422
    if isinstance(exc, NotFound):
        return 404
    if isinstance(exc, Denied):
        return 403
    if isinstance(exc, CasewatchError):
        return 400
    return 500


def outcome_of(status: int) -> str:
    if status < 400:
        return "success"
    return "denied" if status in (401, 403, 404) else "error"


def _describe(ctx: RequestContext, request: Request) -> dict[str, Any]:
    """The generic event's fields: object from the path, search terms from the query."""
    path = dict(request.path_params)
    object_type = object_id = None
    for name, kind in OBJECT_PARAMS:
        if name in path:
            object_type, object_id = kind, path[name]
            break
    if ctx.case_id is None and str(path.get("case_id", "")).isdigit():
        ctx.case_id = int(path["case_id"])
    query = {k: v for k, v in request.query_params.multi_items() if k != "justification"}
    params = {"method": request.method, "path": request.url.path, **ctx.params}
    if query:
        params["query"] = query
    return {"object_type": object_type, "object_id": object_id, "params": params}


def _finish(ctx: RequestContext, request: Request, status: int) -> list[dict[str, Any]]:
    """Success: make sure the request left an event, then commit (before the response goes).

    Returns the read-only events still to be group-committed (the caller awaits them
    before answering): only when the request's own transaction wrote nothing. Otherwise
    they are appended in that transaction, as any other event.
    """
    session = ctx.db()
    try:
        deferred, ctx.deferred = ctx.deferred, []
        if deferred and (ctx.own_events or session.new or session.dirty or session.deleted):
            ctx.enter_gate()
            for fields in deferred:
                append(session, **fields)
            deferred = []
        if ctx.own_events == 0 and not deferred:
            ctx.audit(action=ctx.action, outcome=outcome_of(status), **_describe(ctx, request))
        if not deferred:
            session.commit()
        # read only: nothing to keep; close() below ends the transaction (rolls it back)
        return deferred
    except Exception:
        session.rollback()
        raise
    finally:
        session.close()
        ctx.leave_gate()


def _fail(ctx: RequestContext, request: Request, exc: BaseException) -> None:
    """Failure: undo the request's work and log one denied/error event that survives it."""
    status = status_of(exc)
    if ctx.session is not None:
        ctx.session.rollback()
        ctx.session.close()
    ctx.leave_gate()
    if ctx.committed_events:
        return  # a service already logged its own denial, committed apart
    fields = _describe(ctx, request)
    fields["params"]["status"] = status
    if status >= 500:
        fields["params"]["error"] = type(exc).__name__
    try:
        with Session(ctx.engine, expire_on_commit=False) as own, own.begin():
            append(own, actor=ctx.actor, action=ctx.action, case_id=ctx.case_id,
                   purpose=ctx.purpose, outcome=outcome_of(status), **fields)
    except Exception:  # never mask the original error; the log line names it
        log.exception("could not append the audit event for a failed request")


async def _group_commit(ctx: RequestContext, events: list[dict[str, Any]]) -> None:
    """Hand the events to the group-commit writer and wait until they are committed."""
    assert ctx.writer is not None
    await asyncio.gather(*(asyncio.wrap_future(ctx.writer.submit(**fields)) for fields in events))


class AuditedRoute(APIRoute):
    """A route whose every request runs in one transaction and leaves one audit event."""

    def endpoint_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """What runs inside the audit wrapper: FastAPI's handler (dependencies, validation,
        the endpoint); a route may give a leaner one with the same behaviour (``/match``)."""
        return super().get_route_handler()

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = self.endpoint_handler()
        action = self.name

        async def audited(request: Request) -> Response:
            state = request.app.state
            ctx = RequestContext(engine=state.engine, action=action, gate=state.write_gate,
                                 case_teams=state.case_teams, writer=state.audit_writer,
                                 tokens=state.tokens)
            request.state.cw = ctx
            token = _CURRENT.set(ctx)
            try:
                try:
                    response = await handler(request)
                except BaseException as exc:
                    await run_in_threadpool(_fail, ctx, request, exc)
                    raise
                try:
                    if ctx.deferred and not ctx.own_events:
                        # read only: closing the session is all the database work left
                        deferred = _finish(ctx, request, response.status_code)
                    else:
                        deferred = await run_in_threadpool(_finish, ctx, request,
                                                           response.status_code)
                    if deferred:
                        await _group_commit(ctx, deferred)
                except Exception as exc:
                    await run_in_threadpool(_fail, ctx, request, exc)
                    raise
                return response
            finally:
                _CURRENT.reset(token)

        return audited


# -- dependencies --------------------------------------------------------------------------

bearer = HTTPBearer(
    auto_error=False,
    description="An API token from 'casewatch token issue NAME', sent as 'Authorization: Bearer cw_...'.",
)


def context(request: Request) -> RequestContext:
    ctx: RequestContext = request.state.cw
    return ctx


async def current_user(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)],
) -> User:
    """The caller, from the bearer token, checked on every request; 401 otherwise.

    Revocation, expiry, deactivation and a changed role take effect on the next
    request in every worker: :class:`~casewatch.auth.tokens.TokenChecker` reads
    the change counters first and answers from memory only what it checked
    under the same counter. On SQLite that runs on the event loop, on the
    checker's own connection (a few microseconds when cached, cheaper than a hop
    to the thread pool); on PostgreSQL (a round trip) in the thread pool. The
    counters are kept on the request context for the other per-process caches.
    """
    ctx = context(request)
    if credentials is None:
        raise HTTPException(
            401,
            "missing API token: send the header 'Authorization: Bearer <token>' "
            "(issue one with 'casewatch token issue NAME')",
            headers={"WWW-Authenticate": "Bearer"},
        )
    token = credentials.credentials
    if ctx.tokens is None:
        user = await run_in_threadpool(lambda: check_token(ctx.db().connection(), ctx.db(), token))
    elif ctx.engine.dialect.name == "sqlite":
        user, ctx.generations = ctx.tokens.check(ctx.db(), token)
    else:
        user, ctx.generations = await run_in_threadpool(ctx.tokens.check, ctx.db(), token)
    if user is None:
        raise HTTPException(
            401,
            "API token is unknown, expired or revoked: issue a new one with "
            "'casewatch token issue NAME'",
            headers={"WWW-Authenticate": "Bearer"},
        )
    ctx.user, ctx.actor = user, user.name
    return user


async def caller(request: Request, user: Annotated[User, Depends(current_user)]) -> RequestContext:
    """The request context of an authenticated caller (``ctx.user`` is set)."""
    return context(request)


Ctx = Annotated[RequestContext, Depends(caller)]


async def purpose(
    request: Request,
    ctx: Ctx,
    case: Annotated[int | None, Query(gt=0, description=CASE_HELP)] = None,
    justification: Annotated[str | None, Query(
        max_length=2000, description=JUSTIFICATION_HELP)] = None,
) -> RequestContext:
    """Searches and /match need a purpose: ``?case=ID`` (a case the caller may see) or a text.

    400 when neither is given; 404 when the case is not the caller's to see.
    """
    if set_purpose(ctx, case, justification) and case is not None:
        await run_in_threadpool(check_case, ctx, case)
    return ctx


def set_purpose(ctx: RequestContext, case: int | None, justification: str | None) -> bool:
    """Record the request's purpose (400 without one); True when ``check_case`` must still
    decide whether the caller may see ``case`` (it may query: call it off the event loop)."""
    assert ctx.user is not None
    ctx.purpose = require_purpose(case, justification)
    if case is None:
        return False
    ctx.case_id = case
    return not case_known(ctx, case)


PurposeCtx = Annotated[RequestContext, Depends(purpose)]


#: How long a server process trusts a case's team without re-reading it (cases never change
#: team today; this bounds the staleness should that ever become possible).
CASE_TEAM_TTL = 30.0


def case_known(ctx: RequestContext, case_id: int) -> bool:
    """True when the caller may see the case by what this process already knows (no query)."""
    assert ctx.user is not None
    if case_id in ctx.cases_seen:
        return True
    known = ctx.case_teams.get(case_id) if ctx.case_teams is not None else None
    if known is not None and time.monotonic() - known[1] < CASE_TEAM_TTL and can_see_case(
            ctx.user, Case(id=case_id, team_id=known[0])):
        ctx.cases_seen.add(case_id)
        return True
    return False


def check_case(ctx: RequestContext, case_id: int) -> None:
    """404 (logged) unless the caller may see the case; a hot path for /match.

    A case's team is read once and kept for ``CASE_TEAM_TTL`` seconds per
    process, so repeated searches for one case skip the query. Anything that is
    not a plain "yes" goes through :func:`casewatch.auth.require_case`, which
    decides and logs the refusal.
    """
    assert ctx.user is not None
    if case_known(ctx, case_id):
        return
    now = time.monotonic()
    case = require_case(ctx.db(), ctx.user, case_id, action=ctx.action, purpose=ctx.purpose)
    if ctx.case_teams is not None:
        ctx.case_teams[case_id] = (case.team_id, now)
    ctx.cases_seen.add(case_id)


def require(ctx: RequestContext, *roles: str) -> None:
    """403 (logged) unless the caller has one of ``roles``."""
    assert ctx.user is not None
    require_role(ctx.user, *roles, action=ctx.action, session=ctx.db())
