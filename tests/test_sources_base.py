"""The connector interface: registry, content hash, provenance, streaming with bounded memory."""

from __future__ import annotations

import os
import shutil
import tracemalloc
import types
from datetime import UTC, datetime
from pathlib import Path

import orjson
import pytest

from casewatch.errors import CasewatchError
from casewatch.ftm.model import make_entity
from casewatch.sources import SourceRecord, content_hash, get_connector, read_source, source_names
from casewatch.sources.base import RAW_MAX
from casewatch.sources.xmlstream import XmlError, iter_elements
from tests.sources_util import FIXTURES, split

ALL = ["ams", "companies-house", "courtlistener", "crypto", "eu", "ftm", "ofac", "patentsview",
       "property", "psc", "uk", "un"]


def test_registry_lists_every_source() -> None:
    assert source_names() == [*ALL, "mapping:FILE.yml"]
    for name in ALL:
        connector = get_connector(name)
        assert connector.name == name and connector.description


def test_unknown_source_lists_valid_names() -> None:
    with pytest.raises(CasewatchError) as err:
        get_connector("ofca")
    assert "unknown source 'ofca'" in str(err.value)
    assert "ofac" in str(err.value) and "mapping:FILE.yml" in str(err.value)


def test_content_hash_is_canonical() -> None:
    a = make_entity("Person", id="x", name=["B", "A"], birthDate="1970")
    b = make_entity("Person", id="x", birthDate="1970", name=["A", "B"])
    assert content_hash(a) == content_hash(b)
    assert len(content_hash(a)) == 64
    c = make_entity("Person", id="x", name=["A", "B"], birthDate="1971")
    assert content_hash(c) != content_hash(a)
    d = make_entity("Company", id="x", name=["A", "B"], incorporationDate="1970")
    assert content_hash(d) != content_hash(a)


def test_content_hash_stable_across_runs_and_changes_with_content(tmp_path: Path) -> None:
    first = {r.source_id: r.content_hash for r in split(read_source("ofac", [FIXTURES / "ofac"]))[0]}
    second = {r.source_id: r.content_hash for r in split(read_source("ofac", [FIXTURES / "ofac"]))[0]}
    assert first == second
    copy = tmp_path / "ofac"
    shutil.copytree(FIXTURES / "ofac", copy)
    sdn = copy / "sdn.csv"
    sdn.write_bytes(sdn.read_bytes().replace(b"Crude Oil Tanker", b"Products Tanker"))
    changed = {r.source_id: r.content_hash for r in split(read_source("ofac", [copy]))[0]}
    assert changed["102"] != first["102"]
    assert {k for k in first if changed[k] != first[k]} == {"102"}


def test_fetched_at_is_file_mtime_without_fetch_metadata(tmp_path: Path) -> None:
    path = tmp_path / "e.jsonl"
    shutil.copy(FIXTURES / "ftm" / "entities.jsonl", path)
    stamp = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC).timestamp()
    os.utime(path, (stamp, stamp))
    records, _ = split(read_source("ftm", [path]))
    assert records[0].fetched_at == datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)


def test_raw_is_truncated(tmp_path: Path) -> None:
    path = tmp_path / "long.jsonl"
    entity = {"id": "p", "schema": "Person", "properties": {"name": ["A"], "notes": ["x" * 10_000]}}
    path.write_bytes(orjson.dumps(entity) + b"\n")
    record = split(read_source("ftm", [path]))[0][0]
    assert record.raw is not None and len(record.raw) == RAW_MAX


@pytest.mark.parametrize("name", ALL)
def test_read_is_lazy(name: str) -> None:
    """read() returns a generator: nothing is read until the caller iterates."""
    items = read_source(name, [Path("/nonexistent/file")])
    assert isinstance(items, types.GeneratorType)
    with pytest.raises(CasewatchError):
        next(items)


def test_missing_file_is_one_clear_error() -> None:
    with pytest.raises(CasewatchError, match=r"/nonexistent/x.csv: file not found"):
        list(read_source("companies-house", [Path("/nonexistent/x.csv")]))


def test_streaming_keeps_memory_bounded(tmp_path: Path) -> None:
    """A ~25 MB FtM file is read with a peak of a few MB of Python allocations."""
    path = tmp_path / "big.jsonl"
    note = "n" * 5000
    with open(path, "wb") as fh:
        for i in range(5_000):
            fh.write(orjson.dumps({"id": f"c{i}", "schema": "Company",
                                   "properties": {"name": [f"Company {i}"], "notes": [note]}}) + b"\n")
    assert path.stat().st_size > 25_000_000
    tracemalloc.start()
    try:
        count = sum(1 for _ in read_source("ftm", [path]))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 5_000
    assert peak < 5_000_000, f"peak {peak / 1e6:.1f} MB"


def test_side_table_join_keeps_memory_bounded(tmp_path: Path) -> None:
    """OFAC aliases (a 10 MB alt.csv here) are joined through a disk table, not held in memory."""
    rows, alts = [], []
    for i in range(1, 1001):
        rows.append(f'{i},"PERSON {i}","individual","SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ')
        alts.extend(f'{i},{i * 10 + j},"aka","ALIAS {i} {j} {"y" * 2000}",-0- ' for j in range(5))
    (tmp_path / "sdn.csv").write_text("\r\n".join(rows) + "\r\n")
    (tmp_path / "alt.csv").write_text("\r\n".join(alts) + "\r\n")
    assert (tmp_path / "alt.csv").stat().st_size > 10_000_000
    aliases = 0
    tracemalloc.start()
    try:
        for item in read_source("ofac", [tmp_path]):
            if isinstance(item, SourceRecord) and item.entity.schema.name == "Person":
                aliases += len(item.entity.get("alias"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert aliases == 5_000
    assert peak < 5_000_000, f"peak {peak / 1e6:.1f} MB"


def test_unbalanced_quote_does_not_swallow_the_rest_of_the_file(tmp_path: Path) -> None:
    """A field that opens a quote and never closes it costs one row, not the file."""
    good = "0x8576acc5c05d6ce88f4e49bf65bdf0c62f91353c"
    lines = ["address,currency,label", f"{good},ETH,first", f'{good},ETH,"never closed']
    lines += [f"0x{i:040x},ETH,wallet {i}" for i in range(1, 101)]
    path = tmp_path / "wallets.csv"
    path.write_text("\n".join(lines) + "\n")
    records, rejected = split(read_source("crypto", [path]))
    assert len(records) == 101
    assert [(r.row, r.reason.split(":")[0]) for r in rejected] == [(3, "unbalanced quote")]
    assert records[-1].row == 103 and records[-1].entity.get("name") == ["wallet 100"]


def test_stray_quote_in_a_quoted_file_is_quarantined_with_what_it_swallowed(tmp_path: Path) -> None:
    """In a fully quoted file a stray quote joins the next line into one bad record: both
    lines are quarantined together (the raw text keeps them), the rest goes in."""
    lines = ['1,"PERSON ONE","individual","SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ',
             '2,"BROKEN","individual","SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"never closed']
    lines += [f'{i},"PERSON {i}","individual","SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- '
              for i in range(3, 6)]
    (tmp_path / "sdn.csv").write_text("\r\n".join(lines) + "\r\n")
    records, rejected = split(read_source("ofac", [tmp_path]))
    assert sorted(r.source_id for r in records if r.entity.schema.name == "Person") == ["1", "4", "5"]
    assert len(rejected) == 1 and rejected[0].row == 2
    assert rejected[0].raw is not None and "PERSON 3" in rejected[0].raw


def test_xml_streaming_clears_what_it_has_read(tmp_path: Path) -> None:
    """Elements already handed out are cleared and removed from the tree, so lxml's tree
    holds at most the current element and the parser's read-ahead, whatever the file size."""
    path = tmp_path / "un.xml"
    with open(path, "w", encoding="utf-8") as fh:
        fh.write('<?xml version="1.0" encoding="UTF-8"?>\n<CONSOLIDATED_LIST><INDIVIDUALS>\n')
        for i in range(2000):
            fh.write(f"<INDIVIDUAL><DATAID>{i}</DATAID><FIRST_NAME>PERSON {i}</FIRST_NAME>"
                     f"<COMMENTS1>{'c' * 500}</COMMENTS1></INDIVIDUAL>\n")
        fh.write("</INDIVIDUALS><ENTITIES/></CONSOLIDATED_LIST>\n")
    seen = 0
    for item in iter_elements(path, {"INDIVIDUAL"}):
        assert not isinstance(item, XmlError)
        _, element = item
        previous = element.getprevious()  # the one handed out before: cleared, and nothing before it
        assert previous is None or (len(previous) == 0 and previous.getprevious() is None)
        assert len(element.getparent()) < 200  # only what the parser read ahead (one chunk)
        seen += 1
    assert seen == 2000
