"""casewatch's out-of-scope rule, proved for EVERY connector path.

By design (design.md, "Out of scope") every connector drops the FtM properties
religion, political and ethnicity and refuses Message, Email, Call, Trip and
Image entities with a clear quarantine reason. Formats that can carry such data
(FtM JSON lines, user mappings) are fed fixtures containing it; for the fixed
published formats the test injects such entities into the connector's own
mapping output, which must still come out filtered, because the filter sits in
``Connector.read`` that every connector goes through.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from casewatch.ftm.model import OUT_OF_SCOPE_PROPERTIES, REFUSED_SCHEMATA, make_entity
from casewatch.sources import Rejected, SourceRecord, content_hash, get_connector, read_source
from casewatch.sources.base import Item, apply_scope, registered_names
from tests.sources_util import FIXTURES, split

SOURCES: dict[str, list[Path]] = {
    "ftm": [FIXTURES / "ftm" / "entities.jsonl", FIXTURES / "ftm" / "delta.jsonl"],
    "ofac": [FIXTURES / "ofac"],
    "un": [FIXTURES / "un" / "consolidated.xml"],
    "eu": [FIXTURES / "eu" / "fsf.xml"],
    "uk": [FIXTURES / "uk" / "UK-Sanctions-List.csv"],
    "companies-house": [FIXTURES / "companies_house" / "BasicCompanyData-part1.csv"],
    "psc": [FIXTURES / "psc" / "psc-snapshot.txt"],
    "courtlistener": [FIXTURES / "courtlistener" / "dockets.json", FIXTURES / "courtlistener" / "parties.jsonl"],
    "crypto": [FIXTURES / "crypto" / "wallets.csv", FIXTURES / "crypto" / "transfers.csv"],
    "patentsview": [FIXTURES / "patentsview" / "g_assignee_disambiguated.tsv"],
    "ams": sorted((FIXTURES / "ams").glob("*.csv")),
    "property": [FIXTURES / "property" / "deeds.csv"],
    f"mapping:{FIXTURES / 'mapping' / 'officers.yml'}": [FIXTURES / "mapping" / "officers.jsonl"],
}
OUT_OF_SCOPE = {"religion": "Example Faith", "political": "Example Party", "ethnicity": "Example Group"}


def test_every_registered_connector_is_covered() -> None:
    """A new connector must add itself to SOURCES (and so to the scope tests)."""
    assert set(registered_names()) == {n for n in SOURCES if not n.startswith("mapping:")}


def _assert_in_scope(items: list[Item]) -> None:
    for item in items:
        if isinstance(item, SourceRecord):
            assert item.entity.schema.name not in REFUSED_SCHEMATA
            assert not (set(item.entity.properties) & OUT_OF_SCOPE_PROPERTIES), item.entity.to_dict()


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_fixture_output_is_in_scope(name: str) -> None:
    items = list(read_source(name, SOURCES[name]))
    records, _ = split(items)
    assert records, "each fixture maps at least one good row"
    _assert_in_scope(items)


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_provenance_and_idempotency(name: str) -> None:
    """Every record carries full provenance; a source id always maps to one content."""
    items = list(read_source(name, SOURCES[name]))
    records, rejected = split(items)
    assert rejected, "each fixture has malformed rows"
    files = {str(p) for p in SOURCES[name]} | {str(f) for p in SOURCES[name] if p.is_dir() for f in p.iterdir()}
    by_source_id: dict[str, str] = {}
    for rec in records:
        assert rec.source == get_connector(name).name
        assert rec.source_id and rec.entity.id and rec.op in ("ADD", "MOD", "DEL")
        assert rec.path in files and rec.row >= 1 and rec.raw
        assert rec.fetched_at.tzinfo is not None
        assert rec.content_hash == content_hash(rec.entity)
        assert by_source_id.setdefault(rec.source_id, rec.content_hash) == rec.content_hash, rec.source_id
    for rej in rejected:
        assert rej.path in files and rej.reason and rej.source == get_connector(name).name
    again = [(r.source_id, r.content_hash) for r in split(read_source(name, SOURCES[name]))[0]]
    assert again == [(r.source_id, r.content_hash) for r in records]


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_filter_applies_on_the_connector_path(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    connector = get_connector(name)
    original = connector.iter_items

    def tainted(paths: Sequence[Path]) -> Iterator[Item]:
        """The connector's real output, with out-of-scope data injected into its mapping."""
        injected = False
        for item in original(paths):
            if isinstance(item, SourceRecord):
                entity = item.entity.clone()
                if entity.schema.name == "Person":
                    for prop, value in OUT_OF_SCOPE.items():
                        entity.add(prop, value)
                yield replace(item, entity=entity)
                if not injected:
                    injected = True
                    person = make_entity("Person", id=f"{name}-injected", name="Injected Person", **OUT_OF_SCOPE)
                    yield connector.record(person, "injected", path=item.path, row=item.row,
                                           raw=item.raw, fetched_at=item.fetched_at)
                    for schema in sorted(REFUSED_SCHEMATA):
                        refused = make_entity(schema, id=f"{name}-{schema}")
                        yield connector.record(refused, schema, path=item.path, row=item.row,
                                               raw=item.raw, fetched_at=item.fetched_at)
            else:
                yield item

    monkeypatch.setattr(connector, "iter_items", tainted)
    items = list(connector.read(SOURCES[name]))
    _assert_in_scope(items)
    records, rejected = split(items)
    injected = [r for r in records if r.source_id == "injected"]
    assert len(injected) == 1 and injected[0].entity.get("name") == ["Injected Person"]
    refusals = [r for r in rejected if "refused by design" in r.reason]
    baseline = [r for r in split(read_source(name, SOURCES[name]))[1] if "refused by design" in r.reason]
    refused = sorted(r.reason.split("'")[1] for r in refusals)
    assert refused == sorted([*REFUSED_SCHEMATA, *(r.reason.split("'")[1] for r in baseline)])
    assert all(r.source == connector.name and r.row is not None for r in refusals)


def test_scope_filter_recomputes_the_content_hash() -> None:
    """A record whose out-of-scope values were dropped hashes like one that never had them."""
    connector = get_connector("ftm")
    now = datetime.now(UTC)
    clean = connector.record(make_entity("Person", id="p", name="A"), "p", path="x", row=1, raw=None, fetched_at=now)
    dirty = connector.record(make_entity("Person", id="p", name="A", religion="X"), "p", path="x", row=1,
                             raw=None, fetched_at=now)
    assert clean.content_hash != dirty.content_hash
    filtered = apply_scope(dirty)
    assert isinstance(filtered, SourceRecord)
    assert filtered.content_hash == clean.content_hash
    assert apply_scope(clean) is clean


def test_rejections_pass_unchanged() -> None:
    rejected = Rejected("ftm", "x", 3, "bad", None)
    assert apply_scope(rejected) is rejected
