"""The scorer's upper-bound pruning changes nothing above the threshold; the fused cheap features equal the feature functions."""

from __future__ import annotations

from functools import cache

from casewatch.generate.records import generate_records
from casewatch.generate.watchlist import generate_watchlist
from casewatch.matching import Screener, compile_entity
from casewatch.matching.compiled import Compiled
from casewatch.matching.features import FEATURES, NAME_FEATURES, Pair, cheap_features
from casewatch.matching.score import WEIGHTS, score_pair


@cache
def _generated() -> tuple[Screener, list[tuple[dict[str, object], str | None, str]]]:
    watchlist = list(generate_watchlist(3000, seed=11))
    rows = [(entity, truth.subject_id, truth.kind) for entity, truth in generate_records(watchlist, 300, seed=12)]
    return Screener(watchlist), rows


def _fixture() -> tuple[Screener, list[dict[str, object]]]:
    screener, rows = _generated()
    return screener, [entity for entity, _, _ in rows]


def _subjects(screener: Screener, n: int) -> list[Compiled]:
    """The first ``n`` watched subjects, compiled."""
    return [s for s in (screener.get(k) for k in list(screener.slot_of)[:n]) if s is not None]


def _unpruned(screener: Screener, record: dict[str, object], limit: int) -> list[tuple[str, float, dict[str, float]]]:
    """Every candidate scored in full (no floor, so no bound), filtered and ordered like ``screen``."""
    query = compile_entity(record)
    found = []
    for key in screener.slot_of:
        subject = screener.get(key)
        assert subject is not None
        scored = score_pair(query, subject, screener.weights, frequency=screener.index.name_frequency(query))
        if scored.score >= WEIGHTS.threshold and scored.score > 0.0:
            found.append((scored.score, key, scored.features))
    found.sort(key=lambda item: (-item[0], item[1]))
    return [(key, round(score, 4), {k: round(v, 4) for k, v in feats.items()})
            for score, key, feats in found[:limit]]


def test_pruned_screening_equals_full_scoring_over_the_candidates() -> None:
    screener, records = _fixture()
    compared = alerts = 0
    for record in records:
        pruned = [(m.key, m.score, m.features) for m in screener.screen(record, limit=100)]
        full = _unpruned(screener, record, 100)
        # screen() only scores the candidate index's picks: compare on those subjects
        picked = {key for key, _, _ in pruned}
        assert pruned == [row for row in full if row[0] in picked]
        assert set(picked) <= {row[0] for row in full}
        compared += 1
        alerts += len(pruned)
    assert compared == 300 and alerts > 100  # the comparison saw real alerts


def test_pruning_does_not_drop_a_pair_that_reaches_the_floor() -> None:
    screener, records = _fixture()
    subjects = _subjects(screener, 400)
    checked = 0
    for record in records[:60]:
        query = compile_entity(record)
        for subject in subjects:
            full = score_pair(query, subject).score
            pruned = score_pair(query, subject, floor=WEIGHTS.threshold).score
            if full >= WEIGHTS.threshold:
                assert pruned == full
                checked += 1
            else:
                assert pruned < WEIGHTS.threshold
    assert checked > 0


def test_cheap_features_equal_the_feature_functions() -> None:
    screener, records = _fixture()
    subjects = _subjects(screener, 300)
    cheap_names = set(FEATURES) - NAME_FEATURES - {"schema_mismatch"}
    nonzero = 0
    for record in records[:80]:
        query = compile_entity(record)
        for subject in [*subjects, query]:
            values = cheap_features(query, subject)
            assert set(values) == cheap_names
            pair = Pair(query, subject)
            assert values == {name: FEATURES[name](pair) for name in cheap_names}
            nonzero += sum(1 for v in values.values() if v)
    assert nonzero > 100


def test_name_upper_bound_never_underestimates_the_alignment() -> None:
    from casewatch.matching.features.names import best_name_match, name_upper_bound

    screener, records = _fixture()
    subjects = _subjects(screener, 300)
    tight = 0
    for record in records[:80]:
        query = compile_entity(record)
        for subject in subjects:
            score = best_name_match(query, subject).score
            bound = name_upper_bound(query, subject, 2.0)  # need > 1: the full bound, no early stop
            assert bound >= score
            tight += bound < 0.9
    assert tight > 100  # the bound does cut: it is not 1.0 everywhere
    kinds = set()
    for record, subject_id, kind in _generated()[1]:  # every variant against its own subject
        subject = screener.get(subject_id) if subject_id else None
        if subject is not None:
            query = compile_entity(record)
            assert name_upper_bound(query, subject, 2.0) >= best_name_match(query, subject).score
            kinds.add(kind)
    assert {"initials", "joined_split", "legal_form", "typo", "transliteration"} <= kinds
