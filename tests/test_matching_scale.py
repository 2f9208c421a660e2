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


def test_uncorroborated_match_on_a_name_many_subjects_share_does_not_alert() -> None:
    entities = [person(f"s{i}", "Jan Novak") for i in range(7)]
    entities.append(person("dated", "Jan Novak", birthDate="1953-01-01"))
    entities.append(person("rare", "Ottokar Vrbensky"))
    screener = Screener(entities, weights=WEIGHTS)
    assert screener.index.name_frequency(screener.get("s0")) == FREQUENCY_CAP  # type: ignore[arg-type]
    assert screener.index.name_frequency(screener.get("rare")) == 1  # type: ignore[arg-type]
    # the record brings a birth date no undated bearer of the name confirms: no alert for them
    found = screener.screen(person("q", "Jan Novak", birthDate="1953-01-01"))
    assert [m.key for m in found] == ["dated"]
    assert "name_common_in_watchlist" not in found[0].features
    assert screener.screen(person("q", "Jan Novak", birthDate="1980-05-05")) == []
    # a record with nothing but the name: the name is all there is, every bearer alerts
    assert len(screener.screen(person("q", "Jan Novak"))) == 8
    # a name one subject carries still alerts on the name alone
    assert [m.key for m in screener.screen(person("q", "Ottokar Vrbensky", birthDate="1970-01-01"))] == ["rare"]


def test_the_penalty_is_explained() -> None:
    entities = [person(f"s{i}", "Jan Novak") for i in range(8)]
    screener = Screener(entities, weights=WEIGHTS)
    found = screener.screen(person("q", "Jan Novak", country="cz"), threshold=0.1)
    assert len(found) == 8
    assert found[0].features["name_common_in_watchlist"] < 0
    assert "many watched subjects" in found[0].explanation["name_common_in_watchlist"] or \
        "several watched subjects" in found[0].explanation["name_common_in_watchlist"]


def test_bitmap_membership_equals_binary_search_and_follows_adds(monkeypatch: Any) -> None:
    import casewatch.matching.index as index_module

    monkeypatch.setattr(index_module, "BITMAP_DF", 5)  # every key of 5+ postings is a bitmap
    entities = [person(f"p{i}", f"Anna {'Berg' if i % 3 else 'Lind'} {i}") for i in range(60)]
    screener = Screener(entities, weights=WEIGHTS)
    index = screener.index
    probe = np.arange(len(entities), dtype=np.int32)
    for key in ("anna", "berg", "lind", "^a"):
        kid = index.vocab[key]
        assert len(index.postings[kid]) >= 5
        found = index.member(kid, probe)
        assert found.tolist() == index_module._contains(index.postings[kid], probe).tolist()
    assert index.bitmaps, "the long postings went through bitmaps"
    # a subject added later (a slot past the bitmap's end) is found through the grown bitmap
    for i in range(60, 100):
        screener.add(person(f"p{i}", "Anna Lind"))
    kid = index.vocab["lind"]
    probe = np.arange(100, dtype=np.int32)
    found = index.member(kid, probe)
    assert found.tolist() == index_module._contains(index.postings[kid], probe).tolist()
    assert found[60:100].all()
    assert [m.key for m in screener.screen(person("q", "Anna Lind"), limit=100)][:1] != []


def test_rerank_cuts_candidates_to_the_initials_the_query_gives() -> None:
    # other initials make a closer plain ratio to "t o mustafa" than the true full names do
    given = [f"{a}. {b}." for a in "bcdfgklmnp" for b in "bcdfgklmnprs" if a != b][:110]
    entities = [person(f"m{i}", f"{g} Mustafa") for i, g in enumerate(given)]
    entities.append(person("truth", "Tawfiq Osama Mustafa"))
    screener = Screener(entities, weights=WEIGHTS)
    query = screener.index.subjects[0]
    assert query is not None
    from casewatch.matching import compile_entity

    compiled = compile_entity(person("q", "T. O. Mustafa"))
    slots = np.arange(len(entities), dtype=np.int32)
    values = np.full(len(entities), 5.0)  # all tied on index weight
    kept, _ = screener.index._rerank(compiled, slots, values)
    assert len(kept) == MAX_CANDIDATES
    assert screener.slot_of["truth"] in kept.tolist()


def test_a_name_with_every_word_mistyped_is_driven_by_a_typo_neighbour(monkeypatch: Any) -> None:
    import casewatch.matching.index as index_module

    # at a million subjects "silent" and "wind" are common words: their typo neighbours do not recruit
    monkeypatch.setattr(index_module, "WEAK_RARE_DF", 2)
    monkeypatch.setattr(index_module, "RARE_DF", 2)
    names = ["Silent Wind", "Silent Storm", "Silent Dawn", "Wind Dancer", "Northern Wind", "Silent Bay",
             "Gentle Wind", "Sea Wind"]
    entities = [{"id": f"v{i}", "schema": "Vessel", "properties": {"name": [n]}} for i, n in enumerate(names)]
    entities.append({"id": "decoy", "schema": "Vessel", "properties": {"name": ["Silenor"]}})
    screener = Screener(entities, weights=WEIGHTS)
    query = {"id": "q", "schema": "Vessel", "properties": {"name": ["Silenr Wnid"]}}
    assert "v0" in [m.key for m in screener.screen(query, threshold=0.0, limit=20)]


def test_a_rare_spelling_of_common_names_still_reaches_the_usual_spelling(monkeypatch: Any) -> None:
    import casewatch.matching.index as index_module

    # "aisha", "bilal" and "othman" are common (they rank, not recruit); "aicha" and "belal" are rare
    monkeypatch.setattr(index_module, "WEAK_RARE_DF", 3)
    monkeypatch.setattr(index_module, "RARE_DF", 3)
    entities = [person("truth", "Aisha Bilal Othman")]
    for i, other in enumerate(["Karimi", "Haddad", "Nasser", "Saleh", "Yousef"]):
        entities += [person(f"a{i}", f"Aisha {other}"), person(f"b{i}", f"Bilal {other}"),
                     person(f"o{i}", f"Othman {other}")]
    entities += [person("r1", "Aicha Mansour"), person("r2", "Belal Farouk")]
    screener = Screener(entities, weights=WEIGHTS)
    found = [m.key for m in screener.screen(person("q", "Aicha Belal Uthman"))]
    assert found[:1] == ["truth"]


def test_rerank_keeps_every_bearer_of_the_name_a_mistyped_query_is_closest_to() -> None:
    from casewatch.matching import compile_entity

    entities = [{"id": f"v{i}", "schema": "Company", "properties": {"name": ["ZAO Volga"]}} for i in range(60)]
    entities += [{"id": f"o{i}", "schema": "Company", "properties": {"name": [f"Volga Trans {i}"]}}
                 for i in range(60)]
    screener = Screener(entities, weights=WEIGHTS)
    compiled = compile_entity({"id": "q", "schema": "Company", "properties": {"name": ["ZAO Vloga"]}})
    slots = np.arange(len(entities), dtype=np.int32)
    values = np.full(len(entities), 5.0)
    kept, _ = screener.index._rerank(compiled, slots, values)
    assert {screener.slot_of[f"v{i}"] for i in range(60)} <= set(kept.tolist())
