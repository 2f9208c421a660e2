"""``casewatch compare`` and ``casewatch screen`` end to end (real CLI, real files)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).parent / "fixtures" / "matching"


def test_compare_two_names(cli: Any) -> None:
    result = cli("compare", "--schema", "Person", "Владимир Путин", "Vladimir Putin")
    assert result.code == 0, result.stderr
    assert "name_similarity" in result.stdout and "match" in result.stdout
    data = json.loads(cli("compare", "--schema", "Company", "ACME Ltd", "Zenith Ltd", "--json").stdout)
    assert data["score"] == 0.0 and data["match"] is False


def test_compare_pairs_file(cli: Any, tmp_path: Path) -> None:
    out = tmp_path / "scored.csv"
    result = cli("compare", "--pairs", str(FIXTURES / "pairs.csv"), "--out", str(out))
    assert result.code == 0, result.stderr
    rows = list(csv.DictReader(out.open()))
    assert [r["case_ref"] for r in rows] == ["c1", "c2", "c3"]
    assert [r["match"] for r in rows] == ["true", "false", "true"]
    assert all(0.0 <= float(r["score"]) <= 1.0 for r in rows)


def test_compare_pairs_bad_row_is_named(cli: Any, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("schema,name1,name2\nPerson,Ivan Petrov,Ivan Petrov\nSpaceship,a,b\n")
    out = tmp_path / "scored.csv"
    result = cli("compare", "--pairs", str(bad), "--out", str(out))
    assert result.code == 2
    assert "row 3" in result.stderr and "Spaceship" in result.stderr and "Traceback" not in result.stderr
    assert not out.exists()


def test_screen_writes_one_line_per_match(cli: Any, tmp_path: Path) -> None:
    out = tmp_path / "matches.jsonl"
    result = cli("screen", "--watchlist", str(FIXTURES / "watchlist.jsonl"),
                 "--records", str(FIXTURES / "records.jsonl"), "--out", str(out), "--workers", "2")
    assert result.code == 0, result.stderr
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    pairs = {(m["record_id"], m["subject_id"]) for m in lines}
    assert {("r1", "w-putin"), ("r2", "w-argument"), ("r6", "w-wallet"), ("r8", "w-xi")} <= pairs
    assert not any(m["record_id"] in ("r4", "r9") for m in lines)
    assert all(set(m["features"]) == set(m["explanation"]) for m in lines)


def test_screen_bad_line_is_named(cli: Any, tmp_path: Path) -> None:
    records = tmp_path / "records.jsonl"
    records.write_text('{"id": "ok", "schema": "Person", "properties": {"name": ["A B"]}}\n{not json\n')
    out = tmp_path / "m.jsonl"
    result = cli("screen", "--watchlist", str(FIXTURES / "watchlist.jsonl"), "--records", str(records),
                 "--out", str(out))
    assert result.code == 2 and "line 2" in result.stderr and "Traceback" not in result.stderr
    assert not out.exists()
