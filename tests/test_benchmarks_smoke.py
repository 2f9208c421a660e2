"""Each matching benchmark's code path at toy scale, so that the benchmark code cannot rot.

The peer side (nomenklatura, Splink) needs ``bench-out/peers-venv``, which the
benchmarks create on first use; it is exercised here only when that venv is
already present (a one-minute install from PyPI has no place in the unit tests).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from benchmarks import common
from benchmarks.linkage import febrl

FIXTURES = Path(__file__).parent / "fixtures" / "benchmarks"


@pytest.fixture()
def bench_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Send everything the benchmarks write to a temporary folder."""
    monkeypatch.setattr(common, "BENCH_OUT", tmp_path)
    return tmp_path


def _results(folder: Path, name: str) -> dict:
    return json.loads((folder / "results" / f"{name}.json").read_text(encoding="utf-8"))


def test_prf_and_tables() -> None:
    truth = {common.pair_key("b", "a"), ("c", "d")}
    score = common.prf({("a", "b"), ("a", "c")}, truth)
    assert (score.tp, score.fp, score.fn) == (1, 1, 1)
    assert score.precision == score.recall == score.f1 == 0.5
    assert common.markdown_table(["x", "y"], [["a", 0.12345]]).splitlines()[2] == "| a | 0.123 |"
    assert common.percentile_ms([0.001, 0.002, 0.003], 50) == pytest.approx(2.0)


def test_febrl_mapping_keeps_ssn_only_when_asked() -> None:
    row = {"rec_id": " rec-3-dup-0", "given_name": "green", "surname": "charles",
           "street_number": "38", "address_1": "salkauskas crescent", "address_2": "kela",
           "suburb": "dapto", "postcode": "4566", "state": "nsw",
           "date_of_birth": "19481330", "soc_sec_id": "4365168"}
    plain = febrl.row_to_entity(row, with_ids=False)
    assert plain["id"] == "rec-3-dup-0"
    assert plain["properties"]["name"] == ["green charles"]
    assert "birthDate" not in plain["properties"]  # month 13: not a date, dropped
    assert "idNumber" not in plain["properties"]
    assert plain["properties"]["address"] == ["38 salkauskas crescent, kela, dapto 4566 nsw"]
    assert febrl.row_to_entity(row, with_ids=True)["properties"]["idNumber"] == ["4365168"]
    assert febrl.iso_date("19151111") == "1915-11-11"


def test_linkage_benchmark_on_tiny_febrl(bench_out: Path) -> None:
    from benchmarks.linkage.__main__ import run

    rows = run(threshold=None, with_splink=False, folder=FIXTURES / "febrl")
    assert {(r["dataset"], r["identifiers"]) for r in rows} == {
        ("FEBRL 4a/4b", "no SSN"), ("FEBRL 4a/4b", "with SSN"),
        ("FEBRL 3 dedupe", "no SSN"), ("FEBRL 3 dedupe", "with SSN"),
    }
    link = next(r for r in rows if r["dataset"] == "FEBRL 4a/4b" and r["identifiers"] == "with SSN")
    assert link["tp"] + link["fn"] == 4  # the four true links of the fixture
    assert link["tp"] >= 3  # exact copy, a typo, a swapped name with the same SSN


def test_ofac_benchmark_on_tiny_list(bench_out: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from benchmarks.ofac.__main__ import main, read_aliases, read_primary

    primary = read_primary(FIXTURES / "ofac" / "sdn.csv")
    assert primary["2674"]["schema"] == "Person"
    assert primary["15036"]["schema"] == "Vessel"
    assert primary["7890"]["schema"] == "Airplane"
    assert primary["36"]["schema"] == "Organization"
    assert len(read_aliases(FIXTURES / "ofac" / "alt.csv")) == 6  # ^Z end byte ignored
    assert main(["--data", str(FIXTURES / "ofac")]) == 0
    result = _results(bench_out, "ofac")
    assert result["aliases"] == 5  # the orphan alias (no primary entry) is left out
    assert result["recall_at_1"] >= 0.6


def test_ofac_benchmark_skips_without_data(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from benchmarks.ofac.__main__ import main

    assert main(["--data", str(tmp_path / "absent")]) == 0
    assert "skipped" in capsys.readouterr().out


def test_screening_benchmark_at_toy_scale(bench_out: Path) -> None:
    from benchmarks.screening.__main__ import main

    assert main(["--size", "400", "--queries", "120", "--sample", "20", "--no-peers"]) == 0
    result = _results(bench_out, "screening-400")
    assert result["queries"] == 120
    assert result["build"]["subjects"] == 400
    assert result["build"]["snapshot_mb"] > 0
    assert result["timing"]["one_core_rps"] > 0
    assert 0.0 <= result["accuracy"]["recall_all"] <= 1.0
    assert result["exhaustive"]["queries"] == 20
    assert (bench_out / "results" / "screening-400.md").read_text().count("| figure |") == 1


def test_calibration_fits_without_touching_weights(bench_out: Path) -> None:
    from benchmarks.calibrate import main

    from casewatch.matching.score import WEIGHTS_PATH

    before = WEIGHTS_PATH.read_bytes()
    assert main(["--subjects", "300", "--records", "150", "--no-febrl", "--dry-run"]) == 0
    assert WEIGHTS_PATH.read_bytes() == before
    result = _results(bench_out, "calibrate")
    assert result["meta"]["pairs"] > 150
    assert result["weights"]["main"]["name_similarity"] == 1.0


@pytest.mark.slow
@pytest.mark.skipif(not common.peers_python().exists(), reason="bench-out/peers-venv not created")
def test_logic_v2_worker(bench_out: Path) -> None:
    pairs = bench_out / "pairs.jsonl"
    out = bench_out / "scores.jsonl"
    person = {"id": "a", "schema": "Person", "properties": {"name": ["Vladimir Putin"]}}
    other = {"id": "b", "schema": "Person", "properties": {"name": ["Wladimir Putin"]}}
    pairs.write_text(json.dumps({"id": "1", "query": person, "candidate": other}) + "\n")
    summary = common.run_peer("logic-v2", str(pairs), str(out))
    assert summary["pairs"] == 1
    assert json.loads(out.read_text())["score"] > 0.7


def test_calibration_bounds_follow_meaning_not_current_value() -> None:
    from benchmarks.calibrate import BONUS_CAP, MAX_BONUS, MAX_PENALTY, _bounds

    from casewatch.matching.score import WEIGHTS, Weights

    zeroed = Weights(dict(WEIGHTS.main), {n: 0.0 for n in WEIGHTS.adjustments}, WEIGHTS.threshold)
    names = list(zeroed.adjustments)
    lo, hi = _bounds(zeroed, names)
    penalty = names.index("name_low_information")
    bonus = names.index("dob_match")
    assert (lo[penalty], hi[penalty]) == (MAX_PENALTY, 0.0)  # a penalty stays a penalty at 0
    assert (lo[bonus], hi[bonus]) == (0.0, BONUS_CAP["dob_match"])  # context bonuses are capped
    swapped = names.index("dob_day_month_swapped")
    assert hi[swapped] == BONUS_CAP["dob_day_month_swapped"] < MAX_BONUS
    fixed = names.index("schema_mismatch")
    assert lo[fixed] == hi[fixed] == -1.0
