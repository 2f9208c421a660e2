"""Two different known names are not typos of each other; two spellings of one name are alike."""

from __future__ import annotations

from typing import Any

import pytest

from casewatch.matching import Screener, compile_entity
from casewatch.matching.features.names import different_names
from casewatch.matching.normalize import normalize_name, spelling_key
from casewatch.matching.score import score_pair
from tests.test_matching_score import FIXED


@pytest.mark.parametrize(("a", "b"), [
    ("yelena", "elena"), ("mikhaylov", "mihailov"), ("ibrahim", "abrahym"), ("aleksandr", "alexander"),
    ("tawfik", "tawfiq"), ("aisha", "aicha"), ("tiwari", "tivari"), ("nunez", "nunes"),
    ("ghasem", "qasem"), ("evgenevich", "yevgenyevich"), ("abdallhnzhad", "abdollahnejad"),
])
def test_spellings_of_one_name_share_a_key(a: str, b: str) -> None:
    assert spelling_key(a) == spelling_key(b)


@pytest.mark.parametrize(("a", "b"), [
    ("mark", "mary"), ("hong", "kong"), ("irina", "ilina"), ("smirnov", "mironov"),
    ("andrea", "sandra"), ("anita", "sarita"), ("lina", "dina"), ("marco", "mario"),
])
def test_different_names_have_different_keys(a: str, b: str) -> None:
    assert spelling_key(a) != spelling_key(b)
    assert different_names(a, b, lambda token: True)
    assert not different_names(a, b, lambda token: token == a)  # one of them unknown: maybe a typo


def person(key: str, name: str, **props: str) -> dict[str, Any]:
    properties = {"name": [name], **{k: [v] for k, v in props.items()}}
    return {"id": key, "schema": "Person", "properties": properties}


def watchlist() -> list[dict[str, Any]]:
    people = [person("target", "Andrea Wallenberg")]
    # "andrea" and "sandra" are known names here: three subjects carry each
    people += [person(f"a{i}", f"Andrea {family}") for i, family in enumerate(["Kowalczyk", "Berggren", "Ostrowska"])]
    people += [person(f"s{i}", f"Sandra {family}") for i, family in enumerate(["Lindholm", "Petrakis", "Okonkwo"])]
    return people


def test_a_known_name_is_not_a_typo_of_another_known_name() -> None:
    screener = Screener(watchlist(), weights=FIXED)
    # alone (no watchlist to tell known names), the two are one slip apart and match
    alone = score_pair(compile_entity(person("q", "Sandra Wallenberg")), compile_entity(watchlist()[0]), FIXED)
    assert alone.score >= FIXED.threshold
    # against the watchlist, "Sandra" is another known name: no alert on Andrea Wallenberg
    assert [m.key for m in screener.screen(person("q", "Sandra Wallenberg"))] == []
    # a real typo (a word no subject carries) still matches, as do spellings of one name
    assert [m.key for m in screener.screen(person("q", "Andrae Wallenberg"))] == ["target"]
    assert [m.key for m in screener.screen(person("q", "Andrea Wallenburg"))] == ["target"]


def test_a_transliterated_name_is_not_told_apart_by_its_spelling() -> None:
    assert normalize_name("Сандра Валленберг") is not None
    native = normalize_name("Сандра Валленберг")
    assert native is not None and native.native
    latin = normalize_name("Sandra Wallenberg")
    assert latin is not None and not latin.native
    accented = normalize_name("José Müller")
    assert accented is not None and not accented.native


def test_threshold_zero_ranks_every_candidate_even_at_zero() -> None:
    entities = [{"id": "bnc", "schema": "Organization", "properties": {"name": ["Banco Nacional de Cuba"]}},
                {"id": "other", "schema": "Organization", "properties": {"name": ["Cuba Export Trading"]}}]
    screener = Screener(entities, weights=FIXED)
    query = {"id": "q", "schema": "Organization", "properties": {"name": ["National Bank of Cuba"]}}
    assert screener.screen(query) == []  # nothing alerts at the default threshold
    ranked = screener.screen(query, threshold=0.0)
    assert {m.key for m in ranked} == {"bnc", "other"}  # but a ranking comes back
    assert all(0.0 <= m.score < FIXED.threshold for m in ranked)


def test_a_different_birth_year_weighs_half_as_much_at_the_same_address() -> None:
    def rec(key: str, born: str, address: str) -> dict[str, Any]:
        return person(key, "Rachael Widdup", birthDate=born, address=address)

    same = score_pair(compile_entity(rec("a", "1912-01-17", "19 Gurrang Avenue, Sale 2176")),
                      compile_entity(rec("b", "1982-06-20", "19 Gurrang Avenue, Sale 2176")), FIXED)
    other = score_pair(compile_entity(rec("a", "1912-01-17", "19 Gurrang Avenue, Sale 2176")),
                       compile_entity(rec("b", "1982-06-20", "4 Jeanette Place, Mosman 2426")), FIXED)
    penalty = FIXED.adjustments["dob_year_disjoint"]
    assert other.features["dob_year_disjoint"] == pytest.approx(penalty)
    assert same.features["dob_year_disjoint"] == pytest.approx(penalty / 2)
