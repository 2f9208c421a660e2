"""The /match request and response models, field for field those of OpenSanctions yente.

yente (``yente/data/common.py``) answers ``POST /match/{dataset}`` with
``EntityMatchResponse``; clients written for it read ``responses[id].results``
with ``id``, ``caption``, ``schema``, ``properties``, ``datasets``, ``score``,
``match`` and per-feature scores. yente 4 called those ``features``
(name -> score) and sent a ``matcher`` block; yente 5 sends ``explanations``
(name -> {detail, score}). casewatch sends both, so clients of either work.
``tests/test_api_yente_compat.py`` validates our responses with the models
of the real ``yente`` package.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from casewatch.api.deps import CASE_HELP, JUSTIFICATION_HELP
from casewatch.matching import DEFAULT_THRESHOLD

MAX_BATCH = 100
MATCH_PAGE = 5
MAX_MATCHES = 500
#: yente's algorithm names; casewatch answers all of them with its one explainable scorer.
ALGORITHMS = ("best", "casewatch", "logic-v2", "logic-v1", "regression-v1", "regression-v2",
              "name-based", "name-qualified")


class EntityExample(BaseModel):
    """A query entity: an FtM schema and properties (values as strings or lists of strings)."""

    id: str | None = Field(None, examples=["my-entity-id"], max_length=500)
    schema_: str = Field(..., examples=["Person"], alias="schema", max_length=60)
    properties: dict[str, str | list[Any]] = Field(..., examples=[{"name": ["John Doe"]}])
    model_config = ConfigDict(populate_by_name=True)


class MatchParams(BaseModel):
    """/match's query parameters (yente's, plus casewatch's purpose), validated in one step.

    Unknown parameters (yente has more: ``include_dataset``, ``topics`` ...) are ignored.
    """

    limit: int = Field(MATCH_PAGE, ge=1, le=MAX_MATCHES, description="Results per query")
    threshold: float = Field(DEFAULT_THRESHOLD, ge=0.0, le=1.0,
                             description="Score at which a result is a match")
    cutoff: float | None = Field(None, ge=0.0, le=1.0, deprecated=True,
                                 description="Lowest score returned (yente's)")
    algorithm: str = Field("best", max_length=60, description="Accepted for yente clients")
    case: int | None = Field(None, gt=0, description=CASE_HELP)
    justification: str | None = Field(None, max_length=2000, description=JUSTIFICATION_HELP)

    def values(self) -> tuple[float, float | None, int, str]:
        """(threshold, cutoff, limit, algorithm); read without the deprecation warning pydantic
        gives on attribute access to ``cutoff``."""
        return self.threshold, self.__dict__["cutoff"], self.limit, self.algorithm


class EntityMatchQuery(BaseModel):
    """yente's match request body: named query entities (at most 100)."""

    weights: dict[str, float] = Field({}, examples=[{"name_literal": 0.8}])
    config: dict[str, str | int | float | bool | None] = Field(default_factory=dict)
    queries: dict[str, EntityExample] = Field(
        ..., examples=[{"q1": {"schema": "Company", "properties": {"name": ["Acme Ltd"]}}}])


class FeatureResult(BaseModel):
    detail: str | None
    score: float
    query: str | None = None
    candidate: str | None = None


class ScoredEntityResponse(BaseModel):
    id: str = Field(..., examples=["NK-A7z...."])
    caption: str
    schema_: str = Field(..., alias="schema")
    properties: dict[str, list[Any]]
    datasets: list[str] = []
    referents: list[str] = []
    target: bool = False
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    last_change: datetime | None = None
    score: float
    match: bool
    features: dict[str, float] = Field(..., description="Per-feature scores (yente 4 shape)")
    explanations: dict[str, FeatureResult] = Field(
        ..., description="Per-feature scores with their explanation (yente 5 shape)")
    model_config = ConfigDict(populate_by_name=True)


class TotalSpec(BaseModel):
    value: int
    relation: str = "eq"


class EntityMatches(BaseModel):
    status: int = 200
    results: list[ScoredEntityResponse]
    total: TotalSpec
    query: EntityExample


class FeatureDoc(BaseModel):
    description: str | None
    coefficient: float
    url: str


class EntityMatchResponse(BaseModel):
    responses: dict[str, EntityMatches]
    matcher: dict[str, FeatureDoc]
    limit: int
