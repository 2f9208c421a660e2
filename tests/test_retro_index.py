"""Retro-screening's record index: name keys, one-edit lookups, re-ranking, and the bulk fill.

The fill (``benchmarks/monitor/fill.py``) must store exactly what ingest
stores: the test re-ingests its records and ingest sees every one as already
stored (same source, source id and content hash), and a renamed copy gets the
same keys, properties and caption.
"""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from benchmarks.monitor import fill, steps
from sqlalchemy import Engine, func, select, text

from casewatch.db.engine import session_factory, transaction
from casewatch.db.models import Alert, Record, RecordKey
from casewatch.ftm.io import parse_entity
from casewatch.generate import SubjectPool, generate_watchlist
from casewatch.matching import compile_entity
from casewatch.monitor import recordindex
from casewatch.monitor.ingest import ingest
from casewatch.monitor.recordindex import (
    candidate_records,
    entity_key_hashes,
    identifier_key_hashes,
    name_keys,
    query_key_hashes,
)
from tests.monitor_support import company, open_case, person, write_ftm


def _finds(subject: object, record: object) -> bool:
    """Does a watch on ``subject`` look up a whole-name key the ``record`` is filed under?"""
    record_names = {recordindex.key_hash(k) for k in name_keys(compile_entity(record))}
    return bool(record_names & query_key_hashes(compile_entity(subject)))


def test_name_keys_are_order_free_and_pair_long_names() -> None:
    keys = name_keys(compile_entity(person("a", "Abdul Rahman Khalil")))
    assert "=abdul khalil rahman" in keys
    assert {"=abdul khalil", "=abdul rahman", "=khalil rahman"} <= keys
    assert name_keys(compile_entity(person("b", "Khalil, Abdul Rahman"))) == keys
    two = name_keys(compile_entity(person("c", "Diana Butler")))
    assert [k for k in two if k.startswith("=")] == ["=butler diana"]


@pytest.mark.parametrize("written", [
    "Dianabutler",         # joined
    "Diana Butlre",        # two letters swapped
    "Diana Buttler",       # a letter added
    "Diana Butlar",        # a letter changed
    "Diana Btler",         # a letter missing
    "D. Butler",           # an initial
    "Butler Diana",        # reordered
])
def test_a_watch_reaches_one_edit_spellings_through_a_whole_name_key(written: str) -> None:
    assert _finds(person("w", "Diana Butler"), person("r", written))


def test_split_and_joined_tokens_and_unrelated_names() -> None:
    assert _finds(company("w", "Gulfcap Shipping SA"), company("r", "Gul Fcap Shipping SA"))
    assert _finds(person("w", "Rahul Sunil Mehta"), person("r", "Rahul Sunilmehta"))
    assert not _finds(person("w", "Diana Butler"), person("r", "Dina Bulter"))  # two edits
    assert not _finds(person("w", "Diana Butler"), person("r", "Diana Smith"))


def test_identifier_sharers_come_first_and_ties_are_reranked_by_name(engine: Engine,
                                                                      tmp_path: Path) -> None:
    """70 "Progress Trading" companies tie on every key with "OOO Progress"; the exact one,
    stored last (highest id), and a differently named one with the subject's number must
    still be among the 60 candidates."""
    crowd = [company(f"c{i}", f"Progress Trading {i}") for i in range(70)]
    exact = company("exact", "OOO Progress")
    numbered = company("num", "Ostex Grain AG", registrationNumber="7725041487")
    assert ingest(engine, "ftm", [write_ftm(tmp_path / "r.json",
                                            [numbered, *crowd, exact])]) is not None
    subject = compile_entity(company("w", "OOO Progress", registrationNumber="7725041487"))
    names = [" ".join(a.tokens) for a in subject.aliases]
    with session_factory(engine)() as session:
        ids = {eid: rid for eid, rid in session.execute(select(Record.entity_id, Record.id))}
        found = candidate_records(session, query_key_hashes(subject),
                                  always=identifier_key_hashes(subject), names=names, limit=10)
    assert found[0] == ids["num"]
    assert ids["exact"] in found[:3]
    assert len(found) == 11


def _fill(engine: Engine, size: int, probes: int = 4) -> tuple[list[dict], list[dict]]:
    subjects = [s for s in generate_watchlist(200, seed=5)
                if s["schema"] in ("Person", "Company")]
    planted = fill.plant_variants(subjects[:probes], seed=7)
    fill.fill_records(engine, size, SubjectPool.from_entities(subjects[probes:]), planted,
                      workers=1)
    return subjects[:probes], planted


def _keys_by_entity(engine: Engine) -> dict[str, set[int]]:
    with session_factory(engine)() as session:
        rows = session.execute(select(Record.entity_id, RecordKey.key)
                               .join(RecordKey, RecordKey.record_id == Record.id)).all()
    out: dict[str, set[int]] = {}
    for entity_id, key in rows:
        out.setdefault(entity_id, set()).add(key)
    return out


def test_fill_stores_what_ingest_stores(engine: Engine, tmp_path: Path) -> None:
    _, planted = _fill(engine, 300)
    with session_factory(engine)() as session:
        rows = session.execute(select(Record.raw, Record.caption, Record.properties,
                                      Record.schema).order_by(Record.id)).all()
        assert session.scalar(select(func.count()).select_from(Record)) == 300
    assert {p["id"] for p in planted} <= {orjson.loads(r.raw)["id"] for r in rows}
    # the same lines again: ingest finds every record already stored
    lines = tmp_path / "again.json"
    lines.write_text("".join(r.raw + "\n" for r in rows), encoding="utf-8")
    again = ingest(engine, "ftm", [lines])
    assert again is not None and (again.new, again.unchanged) == (0, 300)
    # renamed copies: new records (ids after the filled ones) with the same keys and values
    copies = [dict(orjson.loads(r.raw), id="copy-" + orjson.loads(r.raw)["id"]) for r in rows]
    assert ingest(engine, "ftm", [write_ftm(tmp_path / "copy.json", copies)]) is not None
    keys = _keys_by_entity(engine)
    for data in copies[:50]:
        assert keys.get(data["id"]) == keys.get(data["id"][5:]), data
        assert keys[data["id"]] == entity_key_hashes(compile_entity(parse_entity(data)))
    with session_factory(engine)() as session:
        stored = {eid: (cap, props, schema, raw_props) for eid, cap, props, schema, raw_props in
                  session.execute(select(Record.entity_id, Record.caption, Record.properties,
                                         Record.schema,
                                         text("CAST(records.properties AS TEXT)"))).all()}
    for data in copies:
        copy, original = stored[data["id"]], stored[data["id"][5:]]
        assert copy == original


def test_fill_keeps_the_migrations_indexes(engine: Engine) -> None:
    _fill(engine, 50, probes=1)
    fill.check_indexes(engine)
    with transaction(engine) as session:
        session.execute(text("DROP INDEX ix_records_entity"))
    with pytest.raises(RuntimeError, match="ix_records_entity"):
        fill.check_indexes(engine)


def test_retro_screening_finds_planted_variants_in_a_fill(engine: Engine) -> None:
    """The benchmark's own path at toy scale: fill, 4 new watches, planted variants alerted."""
    figures = steps.Figures()
    probes, planted, reachable = steps.retro_fill_step(engine, 1500, 300, figures)
    steps.retro_step(engine, open_case(engine), probes, figures, samples=4, planted=planted,
                     reachable=reachable)
    values = figures.values
    assert values["retro_records"] == 1500 and values["retro_all_marked"] is True
    alerted, scoring, total = (int(v.replace(",", "")) for v in
                               values["retro_planted"].split("/"))
    assert total == sum(len(planted[p["id"]]) for p in probes[:4]) and scoring <= total
    assert alerted >= scoring - 1 and scoring >= total // 2
    with session_factory(engine)() as session:
        assert session.scalar(select(func.count()).select_from(Alert)) == values["retro_hits"]
