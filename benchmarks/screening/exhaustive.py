"""Exhaustive baselines: what a scan over EVERY watched name finds, and how long it takes.

Two measures, both over the same watchlist the screener indexes:

* **rapidfuzz scan** (the speed floor and a name-only recall ceiling): each
  query name, normalised by casewatch's normaliser with its tokens sorted, is
  compared by ``rapidfuzz.process.cdist`` (``fuzz.ratio`` = a token-sort ratio
  here, single thread) with every alias of every subject; subjects rank by
  their best alias.
* **candidate recall vs an exhaustive scan with the same scorer**: an
  exhaustive scan with casewatch's own scorer finds the true subject of a
  watched query exactly when ``score(query, true subject) ≥ threshold``; the
  figure is the share of those true subjects that casewatch's candidate stage
  also puts in front of the scorer (target ≥ 99.5%). On the sample, the same
  is also measured over ALL subjects the scorer would accept: the scorer is run
  on the union of the rapidfuzz top 200, casewatch's candidates and the true
  subject, and every subject scoring at or above the threshold counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from benchmarks.common import timed
from benchmarks.screening.data import Query

SCAN_POOL = 200


def candidate_slots(screener: Any, compiled: Any) -> set[int]:
    """The subject slots casewatch's candidate stage hands to the scorer for a query."""
    alive = np.frombuffer(screener._alive, dtype=np.uint8)
    found = screener.index.candidates(compiled, alive, screener.candidates)
    slots = found[0] if isinstance(found, tuple) else found
    return {int(s) for s in slots}


def _key(alias: Any) -> str:
    return " ".join(sorted(alias.tokens))


@dataclass
class NameTable:
    """Every alias of every subject as a sorted-token string, with its owner's slot."""

    choices: list[str]
    owners: np.ndarray

    @classmethod
    def of(cls, screener: Any) -> NameTable:
        choices: list[str] = []
        owners: list[int] = []
        for slot, compiled in enumerate(screener.compiled):
            if compiled is None:
                continue
            for alias in compiled.aliases:
                choices.append(_key(alias))
                owners.append(slot)
        return cls(choices, np.asarray(owners, dtype=np.int32))

    def scan(self, compiled: Any, k: int) -> list[int]:
        """The ``k`` best subject slots by best-alias ratio (exhaustive, one thread)."""
        from rapidfuzz import fuzz, process

        names = [_key(a) for a in compiled.aliases]
        if not names:
            return []
        matrix = process.cdist(names, self.choices, scorer=fuzz.ratio, dtype=np.uint8, workers=1)
        best = matrix.max(axis=0) if len(names) > 1 else matrix[0]
        take = min(len(best), k * 4)
        top = np.argpartition(-best.astype(np.int16), take - 1)[:take]
        top = top[np.argsort(-best[top], kind="stable")]
        out: list[int] = []
        seen: set[int] = set()
        for pos in top.tolist():
            slot = int(self.owners[pos])
            if slot not in seen:
                seen.add(slot)
                out.append(slot)
                if len(out) >= k:
                    break
        return out


@dataclass
class ExhaustiveResult:
    queries: int = 0
    scan_seconds: list[float] = field(default_factory=list)
    scan_top10_hits: dict[str, list[bool]] = field(default_factory=dict)
    scorer_accepted: int = 0  # subjects >= threshold found by the same-scorer scan (sample)
    scorer_accepted_in_candidates: int = 0


def same_score(screener: Any, compiled: Any, subject: Any, frequency: float) -> float:
    """The screener's own score of a pair: its weights, the query's name frequency
    (``screener.index.name_frequency``, computed once per query) and known names."""
    from casewatch.matching import score_pair

    return float(score_pair(compiled, subject, screener.weights, frequency=frequency,
                            known=screener.index.known_word).score)


def run_sample(screener: Any, sample: Sequence[Query], threshold: float) -> ExhaustiveResult:
    """The rapidfuzz scan and the all-subjects same-scorer candidate recall on a sample."""
    from casewatch.matching import compile_entity

    table = NameTable.of(screener)
    result = ExhaustiveResult(queries=len(sample))
    for query in sample:
        compiled = compile_entity(query.entity)
        with timed() as t:
            top = table.scan(compiled, SCAN_POOL)
        result.scan_seconds.append(t.seconds)
        true_slot = screener.slot_of.get(query.subject_id) if query.subject_id else None
        if true_slot is not None:
            result.scan_top10_hits.setdefault(query.kind, []).append(true_slot in top[:10])
        cands = candidate_slots(screener, compiled)
        pool = set(top) | cands | ({true_slot} if true_slot is not None else set())
        frequency = screener.index.name_frequency(compiled)
        for slot in pool:
            subject = screener.compiled[slot]
            if subject is not None and same_score(screener, compiled, subject, frequency) >= threshold:
                result.scorer_accepted += 1
                result.scorer_accepted_in_candidates += slot in cands
    return result


def true_subject_candidate_recall(
    screener: Any, queries: Sequence[Query], threshold: float
) -> tuple[int, int, dict[str, tuple[int, int]]]:
    """Over all watched queries: (found by same-scorer scan, also in candidates, per kind)."""
    from casewatch.matching import compile_entity

    found = kept = 0
    per_kind: dict[str, list[int]] = {}
    for query in queries:
        slot = screener.slot_of.get(query.subject_id) if query.subject_id else None
        if slot is None:
            continue
        compiled = compile_entity(query.entity)
        subject = screener.compiled[slot]
        if subject is None or same_score(screener, compiled, subject,
                                         screener.index.name_frequency(compiled)) < threshold:
            continue
        hit = slot in candidate_slots(screener, compiled)
        found += 1
        kept += hit
        counts = per_kind.setdefault(query.kind, [0, 0])
        counts[0] += 1
        counts[1] += hit
    return found, kept, {k: (v[0], v[1]) for k, v in per_kind.items()}
