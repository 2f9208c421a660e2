"""The matching engine: normalise, index, score and explain.

    from casewatch.matching import Screener, compare, DEFAULT_THRESHOLD

See docs/matching.md for the design and the measured figures.
"""

from casewatch.matching.compare import Comparison, compare
from casewatch.matching.compiled import Compiled, compile_entity
from casewatch.matching.index import blocking_keys
from casewatch.matching.score import DEFAULT_THRESHOLD, feature_vector, score_pair
from casewatch.matching.screener import Match, Screener

__all__ = [
    "DEFAULT_THRESHOLD",
    "Comparison",
    "Compiled",
    "Match",
    "Screener",
    "blocking_keys",
    "compare",
    "compile_entity",
    "feature_vector",
    "score_pair",
]
