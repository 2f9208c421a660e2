"""Combine the features into one score in [0, 1], keeping each feature's contribution.

    score = clamp(max_i(main_weight_i * main_i) + sum_j(adjust_weight_j * adjust_j), 0, 1)

The main features (name similarity, shared identifier, shared crypto address)
each can carry a match on its own; the adjustments (birth dates, countries,
legal forms, schema compatibility, weak name evidence) move it up or down.
Weights live in ``weights.json`` next to this file and are read at import;
``benchmarks/calibrate`` fits them on labelled pairs and rewrites that file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from casewatch.matching.compiled import Compiled, schemata_compatible
from casewatch.matching.features import (
    ADJUSTMENTS,
    FEATURES,
    MAIN,
    NAME_FEATURES,
    Pair,
    cheap_features,
)
from casewatch.matching.features.names import Known, name_upper_bound

WEIGHTS_PATH = Path(__file__).with_name("weights.json")


@dataclass(frozen=True)
class Weights:
    """Feature weights and the default threshold."""

    main: dict[str, float]
    adjustments: dict[str, float]
    threshold: float
    #: The most the adjustments can add: used to skip hopeless candidates early.
    max_bonus: float = field(init=False)
    #: (name, weight) of the main features and of the non-zero adjustments, in order.
    main_items: tuple[tuple[str, float], ...] = field(init=False)
    adjust_items: tuple[tuple[str, float], ...] = field(init=False)
    #: The most the name-dependent adjustments can add (their values are not known before alignment).
    name_bonus: float = field(init=False)
    #: The most a name-based main feature can give, and the other (cheap) items.
    name_main_bound: float = field(init=False)
    cheap_main_items: tuple[tuple[str, float], ...] = field(init=False)
    cheap_adjust_items: tuple[tuple[str, float], ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "max_bonus", sum(w for w in self.adjustments.values() if w > 0))
        object.__setattr__(self, "main_items", tuple((n, self.main[n]) for n in MAIN))
        object.__setattr__(self, "adjust_items", tuple(
            (n, self.adjustments[n]) for n in ADJUSTMENTS
            if self.adjustments.get(n) and n != "schema_mismatch"
        ))
        object.__setattr__(self, "name_bonus", sum(
            max(0.0, w) for n, w in self.adjust_items if n in NAME_FEATURES
        ))
        object.__setattr__(self, "name_main_bound", max(
            [max(0.0, w) for n, w in self.main_items if n in NAME_FEATURES], default=0.0
        ))
        object.__setattr__(self, "cheap_main_items", tuple(
            (n, w) for n, w in self.main_items if n not in NAME_FEATURES
        ))
        object.__setattr__(self, "cheap_adjust_items", tuple(
            (n, w) for n, w in self.adjust_items if n not in NAME_FEATURES
        ))


def load_weights(path: Path = WEIGHTS_PATH) -> Weights:
    """Read a weights file; every feature must be present, unknown names are refused."""
    data = json.loads(path.read_text(encoding="utf-8"))
    main = {k: float(v) for k, v in data["main"].items()}
    adjust = {k: float(v) for k, v in data["adjustments"].items()}
    if set(main) != set(MAIN) or set(adjust) != set(ADJUSTMENTS):
        missing = (set(MAIN) | set(ADJUSTMENTS)) ^ (set(main) | set(adjust))
        raise ValueError(f"{path}: feature names do not match the matcher: {sorted(missing)}")
    return Weights(main, adjust, float(data["threshold"]))


WEIGHTS = load_weights()
DEFAULT_THRESHOLD: float = WEIGHTS.threshold


@dataclass(frozen=True)
class Scored:
    """A score and the signed contribution of each feature that moved it."""

    score: float
    features: dict[str, float] = field(default_factory=dict)


ZERO = Scored(0.0, {})
#: Slack for float rounding: a pair is skipped only when its bound is this far below the floor.
BOUND_SLACK = 1e-9


def _cannot_reach(query: Compiled, candidate: Compiled, values: dict[str, float], weights: Weights,
                  floor: float) -> bool:
    """Whether an admissible upper bound on the pair's score is below ``floor``.

    First without the names: the cheap features (``values``) count exactly, the
    name features at their best (value 1.0 under a positive weight, 0 under a
    negative one). Then, if that bound passes, with ``name_upper_bound`` in place of
    a perfect name similarity (it never underestimates the alignment).
    """
    other = 0.0
    for name, weight in weights.cheap_main_items:
        if weight * values[name] > other:
            other = weight * values[name]
    rest = weights.name_bonus
    for name, weight in weights.cheap_adjust_items:
        rest += weight * values[name]
    if max(other, weights.name_main_bound) + rest < floor:
        return True
    name_weight = weights.main.get("name_similarity", 0.0)
    if other + rest >= floor or name_weight <= 0.0 or weights.name_main_bound > name_weight:
        return False
    need = (floor - rest) / name_weight
    return max(other, name_weight * name_upper_bound(query, candidate, need)) + rest < floor


def feature_vector(query: Compiled, candidate: Compiled) -> dict[str, float]:
    """Raw value of every feature (before weighting), for calibration and inspection."""
    pair = Pair(query, candidate)
    return {name: float(fn(pair)) for name, fn in FEATURES.items()}


def score_pair(
    query: Compiled, candidate: Compiled, weights: Weights = WEIGHTS, floor: float = 0.0,
    frequency: float = 0.0, known: Known | None = None,
) -> Scored:
    """Score one pair. With ``floor`` > 0, pairs that cannot reach it return a zero score early.

    ``frequency`` is the number of watched subjects carrying every token of the query's
    name (``CandidateIndex.name_frequency``); 0 when the pair is scored alone. ``known``
    tells the watchlist's known name words (``CandidateIndex.known_word``); None alone.
    """
    if not schemata_compatible(query.schema, candidate.schema):
        return Scored(0.0, {"schema_mismatch": weights.adjustments["schema_mismatch"]})
    pair = Pair(query, candidate, frequency, known)
    values = cheap_features(query, candidate)
    if floor > 0.0 and _cannot_reach(query, candidate, values, weights, floor - BOUND_SLACK):
        return ZERO
    best_name, best_value = "", 0.0
    for name, weight in weights.main_items:
        value = weight * (values[name] if name in values else FEATURES[name](pair))
        if value > best_value:
            best_name, best_value = name, value
    if floor > 0.0 and best_value + weights.max_bonus < floor:
        return ZERO
    contributions: dict[str, float] = {best_name: best_value} if best_name else {}
    total = best_value
    for name, weight in weights.adjust_items:
        value = values[name] if name in values else FEATURES[name](pair)
        if value:
            contributions[name] = weight * value
            total += weight * value
    return Scored(min(1.0, max(0.0, total)), contributions)
