"""Compare two entities directly: a score, each feature's contribution and its explanation."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from followthemoney import EntityProxy

from casewatch.matching.compiled import compile_entity
from casewatch.matching.features import explanation
from casewatch.matching.score import WEIGHTS, Weights, score_pair


@dataclass(frozen=True)
class Comparison:
    """The outcome of comparing a query entity with a candidate."""

    score: float
    features: dict[str, float] = field(default_factory=dict)
    explanation: dict[str, str] = field(default_factory=dict)
    match: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "score": self.score,
            "match": self.match,
            "features": dict(self.features),
            "explanation": dict(self.explanation),
        }


def compare(
    a: EntityProxy | Mapping[str, Any],
    b: EntityProxy | Mapping[str, Any],
    threshold: float | None = None,
    weights: Weights = WEIGHTS,
) -> Comparison:
    """Score entity ``a`` (the query) against ``b`` (the candidate).

    Unmatched name tokens of the query cost more than those of the candidate,
    so the score is not exactly symmetric.
    """
    scored = score_pair(compile_entity(a), compile_entity(b), weights)
    cut = weights.threshold if threshold is None else threshold
    return Comparison(
        score=round(scored.score, 4),
        features={k: round(v, 4) for k, v in scored.features.items()},
        explanation={k: explanation(k) for k in scored.features},
        match=scored.score >= cut,
    )
