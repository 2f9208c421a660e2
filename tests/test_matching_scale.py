"""Matching at scale: tied candidates re-ranked by a cheap name bound; common names need corroboration."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from casewatch.matching import Screener
from casewatch.matching.index import FREQUENCY_CAP, MAX_CANDIDATES
from tests.test_matching_score import FIXED

WEIGHTS = replace(FIXED, adjustments={**FIXED.adjustments, "name_common_in_watchlist": -0.35,
                                      "dob_match": 0.2})


def person(key: str, name: str, **props: str) -> dict[str, Any]:
    properties = {"name": [name], **{k: [v] for k, v in props.items()}}
    return {"id": key, "schema": "Person", "properties": properties}


def test_rerank_keeps_the_exact_name_among_many_ties() -> None:
    names = [f"Karel Dvorsky{chr(97 + i % 26)}{chr(97 + i // 26)}" for i in range(120)]
    entities = [person(f"f{i}", n) for i, n in enumerate(names)] + [person("truth", "Karel Dvorsky")]
    screener = Screener(entities, weights=WEIGHTS)
    query = screener.get("truth")
    assert query is not None
    slots = np.arange(len(entities), dtype=np.int32)
    values = np.full(len(entities), 5.0)  # all tied on index weight
    kept, _ = screener.index._rerank(query, slots, values)
    assert len(kept) == MAX_CANDIDATES
    assert screener.slot_of["truth"] in kept.tolist()


def test_name_only_match_on_a_name_many_subjects_share_does_not_alert() -> None:
    entities = [person(f"s{i}", "Jan Novak", birthDate=f"19{50 + i}-01-01") for i in range(8)]
    entities.append(person("rare", "Ottokar Vrbensky"))
    screener = Screener(entities, weights=WEIGHTS)
    assert screener.index.name_frequency(screener.get("s0")) == FREQUENCY_CAP  # type: ignore[arg-type]
    assert screener.screen(person("q", "Jan Novak")) == []
    # corroborated by the birth date: the one subject alerts, without the penalty
    found = screener.screen(person("q", "Jan Novak", birthDate="1953-01-01"))
    assert [m.key for m in found] == ["s3"]
    assert "name_common_in_watchlist" not in found[0].features
    # a name few subjects carry still alerts on the name alone
    assert [m.key for m in screener.screen(person("q", "Ottokar Vrbensky"))] == ["rare"]


def test_the_penalty_is_explained() -> None:
    entities = [person(f"s{i}", "Jan Novak") for i in range(8)]
    screener = Screener(entities, weights=WEIGHTS)
    found = screener.screen(person("q", "Jan Novak"), threshold=0.1)
    assert len(found) == 8
    assert found[0].features["name_common_in_watchlist"] < 0
    assert "many watched subjects" in found[0].explanation["name_common_in_watchlist"]
