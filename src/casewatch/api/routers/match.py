"""``POST /match/{dataset}``: the OpenSanctions yente match API, answered by casewatch's screener."""

from __future__ import annotations

from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Query, Request, Response
from fastapi import Path as PathParam
from starlette.concurrency import run_in_threadpool

from casewatch.api.deps import SEARCHERS, AuditedRoute, PurposeCtx, RequestContext, require
from casewatch.api.match_models import (
    MATCH_PAGE,
    MAX_MATCHES,
    EntityMatchQuery,
    EntityMatchResponse,
)
from casewatch.api.matching import check_params, run_match
from casewatch.api.routers.cases import ERRORS
from casewatch.matching import DEFAULT_THRESHOLD


def answer(ctx: RequestContext, state: Any, dataset: str, body: EntityMatchQuery,
           params: tuple[float, float | None, int, str]) -> dict[str, Any]:
    """The blocking part of /match (role check, screening, re-reading hits), in one call.

    The server runs it in the thread pool, as one call (the dependencies before it
    answer from per-process caches on the event loop). ``CASEWATCH_API_MATCH_INLINE=1``
    runs it on the event loop instead: less CPU per request, but in the benchmark
    (docs/performance.md) a worse p99, so it is not the default.
    """
    require(ctx, *SEARCHERS)
    checked = check_params(*params, len(body.queries))
    return run_match(ctx, state.screeners, dataset, body.queries, checked,
                     observe=state.metrics.screening.observe)


router = APIRouter(route_class=AuditedRoute, tags=["Matching"], responses=ERRORS)


@router.post("/match/{dataset}", name="match", response_model=EntityMatchResponse,
             response_model_by_alias=True)
async def match(
    request: Request,
    ctx: PurposeCtx,
    body: EntityMatchQuery,
    dataset: Annotated[str, PathParam(
        min_length=1, max_length=100,
        description="'default', a source name (ofac, un, ...) or case-<id>")],
    limit: Annotated[int, Query(ge=1, le=MAX_MATCHES, description="Results per query")] = MATCH_PAGE,
    threshold: Annotated[float, Query(
        ge=0.0, le=1.0, description="Score at which a result is a match")] = DEFAULT_THRESHOLD,
    cutoff: Annotated[float | None, Query(
        ge=0.0, le=1.0, deprecated=True, description="Lowest score returned (yente's)")] = None,
    algorithm: Annotated[str, Query(max_length=60, description="Accepted for yente clients")] = "best",
) -> Response:
    """Match entities by example, exactly as yente's ``/match``: up to 100 named queries.

    A purpose is required: ``?case=<id>`` or ``?justification=<text>``.
    """
    state = request.app.state
    params = (threshold, cutoff, limit, algorithm)
    if state.match_inline:
        data = answer(ctx, state, dataset, body, params)
    else:
        data = await run_in_threadpool(answer, ctx, state, dataset, body, params)
    # the shape is EntityMatchResponse (tests validate it against yente's models); sending
    # the dict as JSON directly saves a second validation pass on the hot path
    return Response(orjson.dumps(data), media_type="application/json",
                    headers={"x-batch-size": str(len(body.queries))})
