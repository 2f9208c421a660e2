"""``POST /match/{dataset}``: the OpenSanctions yente match API, answered by casewatch's screener."""

from __future__ import annotations

from typing import Annotated

import orjson
from fastapi import APIRouter, Query, Request, Response
from fastapi import Path as PathParam

from casewatch.api.deps import SEARCHERS, AuditedRoute, PurposeCtx, require
from casewatch.api.match_models import (
    MATCH_PAGE,
    MAX_MATCHES,
    EntityMatchQuery,
    EntityMatchResponse,
)
from casewatch.api.matching import check_params, run_match
from casewatch.api.routers.cases import ERRORS
from casewatch.matching import DEFAULT_THRESHOLD

router = APIRouter(route_class=AuditedRoute, tags=["Matching"], responses=ERRORS)


@router.post("/match/{dataset}", name="match", response_model=EntityMatchResponse,
             response_model_by_alias=True)
def match(
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
    require(ctx, *SEARCHERS)
    params = check_params(threshold, cutoff, limit, algorithm, len(body.queries))
    state = request.app.state
    data = run_match(ctx, state.screeners, dataset, body.queries, params,
                     observe=state.metrics.screening.observe)
    # the shape is EntityMatchResponse (tests validate it against yente's models); sending
    # the dict as JSON directly saves a second validation pass on the hot path
    return Response(orjson.dumps(data), media_type="application/json",
                    headers={"x-batch-size": str(len(body.queries))})
