"""``POST /match/{dataset}``: the OpenSanctions yente match API, answered by casewatch's screener.

The route is declared to FastAPI as usual (so ``/openapi.json`` documents its
path, query parameters, body, responses and security), but its requests are
handled by :func:`handle_match`, which does what FastAPI's generic handler
would do for this one signature without its per-request machinery (solving the
dependency graph, walking each parameter's field info): the token check
(:func:`casewatch.api.deps.current_user`, the same 401s), then the path
parameter, the query parameters (one :class:`MatchParams` model; unknown ones
ignored) and the body (:class:`EntityMatchQuery`, parsed and validated by
pydantic from the raw bytes), with every problem collected into one
``RequestValidationError`` (422) located as FastAPI locates it (``path``,
``query``, ``body``). It is inside the same audit wrapper as every route.
"""

from __future__ import annotations

from email.message import Message
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from pydantic import StringConstraints, TypeAdapter, ValidationError
from starlette.concurrency import run_in_threadpool

from casewatch.api.deps import (
    SEARCHERS,
    AuditedRoute,
    RequestContext,
    bearer,
    check_case,
    context,
    current_user,
    require,
    set_purpose,
)
from casewatch.api.match_models import EntityMatchQuery, EntityMatchResponse, MatchParams
from casewatch.api.matching import check_params, run_match
from casewatch.api.routers.cases import ERRORS
from casewatch.db.models import User

DATASET_MAX = 100
_DATASET: TypeAdapter[str] = TypeAdapter(
    Annotated[str, StringConstraints(min_length=1, max_length=DATASET_MAX)])


def answer(ctx: RequestContext, state: Any, dataset: str, body: EntityMatchQuery,
           params: MatchParams) -> dict[str, Any]:
    """The blocking part of /match (purpose, role check, screening, completing hits), in one call.

    The server runs it in the thread pool, as one call (the token check before it
    runs on the event loop). ``CASEWATCH_API_MATCH_INLINE=1`` runs it on the
    event loop instead (see docs/performance.md for both).
    """
    if set_purpose(ctx, params.case, params.justification) and params.case is not None:
        check_case(ctx, params.case)
    require(ctx, *SEARCHERS)
    checked = check_params(*params.values(), len(body.queries))
    return run_match(ctx, state.screeners, dataset, body.queries, checked,
                     observe=state.metrics.screening.observe)


async def respond(request: Request, dataset: str, body: EntityMatchQuery,
                  params: MatchParams) -> Response:
    """Run :func:`answer` (thread pool unless inline) and send the yente-shaped JSON."""
    state = request.app.state
    ctx = context(request)
    if state.match_inline:
        data = answer(ctx, state, dataset, body, params)
    else:
        data = await run_in_threadpool(answer, ctx, state, dataset, body, params)
    # the shape is EntityMatchResponse (tests validate it against yente's models); sending
    # the dict as JSON directly saves a second validation pass on the hot path
    return Response(orjson.dumps(data), media_type="application/json",
                    headers={"x-batch-size": str(len(body.queries))})


def _problems(exc: ValidationError, *where: str | int) -> list[dict[str, Any]]:
    """pydantic's errors, located as FastAPI locates them (``("query", "limit")``)."""
    return [{"type": e["type"], "loc": (*where, *e["loc"]), "msg": e["msg"],
             "input": e.get("input")} for e in exc.errors(include_url=False)]


def _is_json(content_type: str | None) -> bool:
    """FastAPI's rule: no content type, or ``application/json`` / ``application/*+json``."""
    if not content_type:
        return True
    message = Message()
    message["content-type"] = content_type
    subtype = message.get_content_subtype()
    return message.get_content_maintype() == "application" and (
        subtype == "json" or subtype.endswith("+json"))


def _body(raw: bytes, content_type: str | None,
          problems: list[dict[str, Any]]) -> EntityMatchQuery | None:
    if not raw:
        problems.append({"type": "missing", "loc": ("body",), "msg": "Field required",
                         "input": None})
        return None
    if not _is_json(content_type):
        problems.append({"type": "model_attributes_type", "loc": ("body",), "input": None,
                         "msg": "Input should be a valid dictionary or object to extract fields "
                                "from (send the body as application/json)"})
        return None
    try:
        return EntityMatchQuery.model_validate_json(raw)
    except ValidationError as exc:
        problems.extend(_problems(exc, "body"))
        return None


async def handle_match(request: Request) -> Response:
    """/match's request handling: token, then path, query and body validated (422 with every
    problem), then :func:`respond`. Same statuses and messages as FastAPI's handler."""
    await current_user(request, await bearer(request))
    problems: list[dict[str, Any]] = []
    dataset = params = None
    try:
        dataset = _DATASET.validate_python(request.path_params.get("dataset"))
    except ValidationError as exc:
        problems.extend(_problems(exc, "path", "dataset"))
    try:
        params = MatchParams.model_validate(dict(request.query_params))
    except ValidationError as exc:
        problems.extend(_problems(exc, "query"))
    body = _body(await request.body(), request.headers.get("content-type"), problems)
    if problems or dataset is None or params is None or body is None:
        raise RequestValidationError(problems)
    return await respond(request, dataset, body, params)


class MatchRoute(AuditedRoute):
    """The audited route whose requests :func:`handle_match` handles (see the module doc)."""

    def endpoint_handler(self) -> Any:
        return handle_match


router = APIRouter(route_class=MatchRoute, tags=["Matching"], responses=ERRORS)


@router.post("/match/{dataset}", name="match", response_model=EntityMatchResponse,
             response_model_by_alias=True)
async def match(
    request: Request,
    user: Annotated[User, Depends(current_user)],
    body: EntityMatchQuery,
    dataset: Annotated[str, PathParam(
        min_length=1, max_length=DATASET_MAX,
        description="'default', a source name (ofac, un, ...) or case-<id>")],
    params: Annotated[MatchParams, Query()],
) -> Response:
    """Match entities by example, exactly as yente's ``/match``: up to 100 named queries.

    A purpose is required: ``?case=<id>`` or ``?justification=<text>``.
    """
    # requests are handled by handle_match (MatchRoute); this signature documents them
    return await respond(request, dataset, body, params)
