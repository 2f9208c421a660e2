"""Synthetic data: multilingual watchlists and record streams with known ground truth.

Library use::

    from casewatch.generate import generate_watchlist, generate_records
    subjects = list(generate_watchlist(10_000, seed=1))
    for entity, truth in generate_records(subjects, 1_000, seed=2, variant_fraction=0.5):
        ...

See ``docs/generator.md`` for the variant kinds and the truth file.
"""

from casewatch.generate.pool import SubjectPool
from casewatch.generate.records import VARIANT_KINDS, TruthRow, generate_records
from casewatch.generate.watchlist import generate_watchlist

__all__ = ["generate_watchlist", "generate_records", "TruthRow", "SubjectPool", "VARIANT_KINDS"]
