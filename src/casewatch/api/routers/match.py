"""``POST /match/{dataset}``: the OpenSanctions yente match API, answered by casewatch's screener."""

from __future__ import annotations

from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi import Path as PathParam
from starlette.concurrency import run_in_threadpool

from casewatch.api.deps import (
    SEARCHERS,
    AuditedRoute,
    RequestContext,
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


def answer(ctx: RequestContext, state: Any, dataset: str, body: EntityMatchQuery,
           params: MatchParams) -> dict[str, Any]:
    """The blocking part of /match (purpose, role check, screening, re-reading hits), in one call.

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


router = APIRouter(route_class=AuditedRoute, tags=["Matching"], responses=ERRORS)


@router.post("/match/{dataset}", name="match", response_model=EntityMatchResponse,
             response_model_by_alias=True)
async def match(
    request: Request,
    user: Annotated[User, Depends(current_user)],
    body: EntityMatchQuery,
    dataset: Annotated[str, PathParam(
        min_length=1, max_length=100,
        description="'default', a source name (ofac, un, ...) or case-<id>")],
    params: Annotated[MatchParams, Query()],
) -> Response:
    """Match entities by example, exactly as yente's ``/match``: up to 100 named queries.

    A purpose is required: ``?case=<id>`` or ``?justification=<text>``.
    """
    # one dependency (the token) and one model for the query parameters: FastAPI's
    # per-dependency and per-parameter work is a large part of this route's CPU
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
