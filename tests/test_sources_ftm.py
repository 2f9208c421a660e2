"""The FtM JSON lines connector: plain entity files and OpenSanctions-style deltas."""

from __future__ import annotations

import types
import zipfile
from pathlib import Path

from casewatch.sources import get_connector, read_source
from tests.sources_util import FIXTURES, by_id, rejected_rows, split

ENTITIES = FIXTURES / "ftm" / "entities.jsonl"
DELTA = FIXTURES / "ftm" / "delta.jsonl"


def test_plain_file_maps_good_lines_and_quarantines_bad_ones() -> None:
    records, rejected = split(read_source("ftm", [ENTITIES]))
    ids = by_id(records)
    assert set(ids) == {"p-1", "c-1"}
    person = ids["p-1"].entity
    assert person.get("name") == ["Anna Schmidt"]
    assert person.get("birthDate") == ["1980-02-03"]
    # out of scope by design: dropped at ingest
    assert not person.has("religion", quiet=True) and not person.has("political", quiet=True)
    rows = rejected_rows(rejected)
    assert "refused by design" in rows[3]  # Email
    assert rows[4].startswith("invalid JSON")
    assert "unknown schema 'Spaceship'" in rows[5]
    assert "missing 'id'" in rows[7]
    assert "'Trip' is refused" in rows[8]
    assert all(r.path == str(ENTITIES) and r.source == "ftm" and r.raw for r in rejected)


def test_provenance_fields() -> None:
    records, _ = split(read_source("ftm", [ENTITIES]))
    rec = by_id(records)["c-1"]
    assert rec.source == "ftm" and rec.source_id == "c-1" and rec.op == "ADD"
    assert rec.path == str(ENTITIES) and rec.row == 2
    assert rec.raw is not None and "Nordwind" in rec.raw
    assert rec.fetched_at.tzinfo is not None
    assert len(rec.content_hash) == 64


def test_delta_ops() -> None:
    records, rejected = split(read_source("ftm", [DELTA]))
    ops = {r.entity.id: r.op for r in records}
    assert ops == {"os-1": "ADD", "os-2": "MOD", "os-3": "DEL", "os-4": "DEL"}
    assert not by_id(records)["os-1"].entity.has("ethnicity", quiet=True)
    assert by_id(records)["os-4"].entity.schema.name == "Vessel"
    rows = rejected_rows(rejected)
    assert "'op' must be one of" in rows[5]
    assert "without an 'entity'" in rows[6]


def test_read_streams() -> None:
    items = get_connector("ftm").read([ENTITIES])
    assert isinstance(items, types.GeneratorType)
    first = next(items)
    assert first.source == "ftm"


def test_zipped_json_lines(tmp_path: Path) -> None:
    archive = tmp_path / "entities.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(ENTITIES, "export/entities.jsonl")
    records, rejected = split(read_source("ftm", [archive]))
    assert {r.entity.id for r in records} == {"p-1", "c-1"} and len(rejected) == 5
