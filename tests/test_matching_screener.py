"""The Screener: candidates, add/remove/replace, snapshots, parallel screening, keys."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import orjson
import pytest

from casewatch.errors import CasewatchError
from casewatch.matching import Match, Screener, blocking_keys
from casewatch.matching.index import RARE_DF
from tests.test_matching_score import FIXED

# FIXED: hand-set weights, so that recalibrating weights.json does not move these tests

FIXTURES = Path(__file__).parent / "fixtures" / "matching"


def load(name: str) -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in (FIXTURES / name).read_bytes().splitlines() if line.strip()]


@pytest.fixture(scope="module")
def screener() -> Screener:
    return Screener(load("watchlist.jsonl"), weights=FIXED)


def top(screener: Screener, entity: dict[str, Any]) -> str | None:
    found = screener.screen(entity)
    return found[0].key if found else None


EXPECTED = {"r1": "w-putin", "r2": "w-argument", "r3": "w-acme", "r4": None, "r5": "w-vessel",
            "r6": "w-wallet", "r7": "w-salman", "r8": "w-xi", "r9": None}


def test_each_record_finds_its_subject(screener: Screener) -> None:
    for record in load("records.jsonl"):
        assert top(screener, record) == EXPECTED[record["id"]], record["id"]


def test_matches_carry_features_and_explanations(screener: Screener) -> None:
    (match,) = screener.screen(load("records.jsonl")[0])
    assert isinstance(match, Match) and match.key == "w-putin"
    assert match.features["name_similarity"] > 0.9 and "dob_match" in match.features
    assert set(match.explanation) == set(match.features)
    assert match.to_dict()["candidate_caption"] == "Vladimir Vladimirovich Putin"


def test_threshold_and_limit(screener: Screener) -> None:
    record = load("records.jsonl")[0]
    assert screener.screen(record, threshold=1.01) == []
    assert len(screener.screen({"schema": "Company", "properties": {"name": ["Ltd"]}}, limit=1)) <= 1


def test_add_remove_replace() -> None:
    screener = Screener(weights=FIXED)
    query = {"schema": "Person", "properties": {"name": ["Ivan Petrov"]}}
    assert screener.screen(query) == [] and len(screener) == 0
    screener.add({"id": "a", "schema": "Person", "properties": {"name": ["Ivan Petrov"]}})
    assert "a" in screener and top(screener, query) == "a"
    screener.add({"schema": "Person", "properties": {"name": ["Boris Orlov"]}}, key="a")  # replace
    assert len(screener) == 1 and top(screener, query) is None
    assert top(screener, {"schema": "Person", "properties": {"name": ["Boris Orlov"]}}) == "a"
    assert screener.remove("a") and not screener.remove("a")
    assert len(screener) == 0 and "a" not in screener and screener.screen(query) == []
    with pytest.raises(CasewatchError, match="no 'id'"):
        screener.add({"schema": "Person", "properties": {"name": ["x"]}})


def test_add_and_remove_take_about_a_millisecond(screener: Screener) -> None:
    fresh = Screener(load("watchlist.jsonl"))
    start = time.perf_counter()
    for i in range(200):
        fresh.add({"id": f"x{i}", "schema": "Company", "properties": {"name": [f"Quartz Holdings {i}"]}})
        fresh.remove(f"x{i}")
    assert (time.perf_counter() - start) / 200 < 0.005


def test_snapshot_round_trip(tmp_path: Path) -> None:
    screener = Screener(load("watchlist.jsonl"), weights=FIXED)
    screener.remove("w-zenith")
    path = tmp_path / "watch.snapshot"
    screener.save(path)
    loaded = Screener.load(path, weights=FIXED)
    assert len(loaded) == len(screener) and "w-zenith" not in loaded
    for record in load("records.jsonl"):
        assert [m.to_dict() for m in loaded.screen(record)] == [m.to_dict() for m in screener.screen(record)]
    loaded.add({"id": "new", "schema": "Company", "properties": {"name": ["Zenith Ltd"]}})
    assert top(loaded, {"schema": "Company", "properties": {"name": ["Zenith Limited"]}}) == "new"


def test_bad_snapshot_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.snapshot"
    bad.write_bytes(b"not a pickle")
    with pytest.raises(CasewatchError, match="not a casewatch screener snapshot"):
        Screener.load(bad)
    with pytest.raises(CasewatchError, match="not found"):
        Screener.load(tmp_path / "missing")


def test_two_workers_give_the_same_results_as_one(screener: Screener) -> None:
    records = load("records.jsonl") * 30
    one = [[m.to_dict() for m in ms] for ms in screener.screen_many(records, workers=1)]
    two = [[m.to_dict() for m in ms] for ms in screener.screen_many(records, workers=2)]
    assert one == two and any(one)


def test_common_tokens_do_not_hide_a_rare_one() -> None:
    # many subjects share "mohammed" and "trading"; the one with the rare token must come first
    screener = Screener(weights=FIXED)
    for i in range(RARE_DF + 50):
        screener.add({"id": f"c{i}", "schema": "Person", "properties": {"name": [f"Mohammed Ali {i}"]}})
    screener.add({"id": "target", "schema": "Person", "properties": {"name": ["Mohammed Zawahiri"]}})
    assert top(screener, {"schema": "Person", "properties": {"name": ["Mohamed Zawahiry"]}}) == "target"
    common = screener.screen({"schema": "Person", "properties": {"name": ["Mohammed Ali 17"]}})
    assert common and common[0].key == "c17"


def test_typo_in_the_rare_token_is_found_through_the_delete_dictionary() -> None:
    screener = Screener([{"id": "t", "schema": "Person", "properties": {"name": ["Gennady Timchenko"]}}],
                        weights=FIXED)
    assert top(screener, {"schema": "Person", "properties": {"name": ["Gennady Tmichenko"]}}) == "t"


def test_blocking_keys() -> None:
    keys = blocking_keys({"schema": "Vessel", "properties": {"name": ["Ocean Pearl"], "imoNumber": ["IMO 9231743"]}})
    assert {"ocean", "pearl", "#IMO9231743"} <= keys
    assert any(k.startswith("~") for k in keys)
    cyr = blocking_keys({"schema": "Person", "properties": {"name": ["Владимир Путин"]}})
    assert "putin" in cyr


def test_records_without_names_are_screened_quietly(screener: Screener) -> None:
    assert screener.screen({"schema": "Person", "properties": {}}) == []
    assert screener.screen({"schema": "Person", "properties": {"name": ["?!"]}}) == []
    long = screener.screen({"schema": "Person", "properties": {"name": ["Putin " * 3000]}})
    assert isinstance(long, list)
