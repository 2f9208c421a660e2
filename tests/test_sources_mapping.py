"""Bring-your-own-data mappings: validated before any row is read, then mapped row by row."""

from __future__ import annotations

from pathlib import Path

import pytest

from casewatch.errors import CasewatchError
from casewatch.sources import get_connector, read_source
from tests.sources_util import FIXTURES, by_id, rejected_rows, split

MAPPING = FIXTURES / "mapping" / "officers.yml"
DATA = FIXTURES / "mapping" / "officers.jsonl"

GOOD_CSV_MAPPING = """
name: people
entities:
  person:
    schema: Person
    id_column: pid
    properties:
      name: {column: full_name}
      birthDate: {column: dob, format: "%d/%m/%Y"}
"""


def test_json_lines_mapping() -> None:
    records, rejected = split(read_source(f"mapping:{MAPPING}", [DATA]))
    assert {r.source for r in records} == {"mapping:officers"}
    entities = [r.entity for r in records]
    assert [e.schema.name for e in entities] == ["Company", "Person", "Directorship"]
    company, officer, role = entities
    assert company.get("name") == ["Nordwind Handels GmbH"] and company.get("jurisdiction") == ["de"]
    assert officer.get("birthDate") == ["1980-02-03"] and officer.get("nationality") == ["de"]
    assert set(officer.get("alias")) == {"A. Schmidt", "Anna Schmitt"}
    assert not officer.has("religion", quiet=True)
    assert role.get("director") == [officer.id] and role.get("organization") == [company.id]
    assert officer.id is not None and officer.id.startswith("officers-")
    assert records[1].source_id == officer.id and records[1].row == 1
    # ids come from the keys: the same input maps to the same ids on every run
    again, _ = split(read_source(f"mapping:{MAPPING}", [DATA]))
    assert [r.entity.id for r in again] == [e.id for e in entities]
    assert rejected_rows(rejected) == {
        3: "entities.officer.properties.birthDate: '1980-02-30' is not a valid date",
        4: "entities.officer.properties.name: required value is empty",
        5: "entities.company: key column(s) company.number are empty",
        6: "expected a JSON object",
        7: rejected_rows(rejected)[7],
    }
    assert rejected_rows(rejected)[7].startswith("invalid JSON")


def test_csv_mapping_with_id_column_and_date_format(tmp_path: Path) -> None:
    spec = tmp_path / "people.yml"
    spec.write_text(GOOD_CSV_MAPPING)
    data = tmp_path / "people.csv"
    data.write_text("pid,full_name,dob\np1,Ada Lovelace,10/12/1815\np2,Bad Date,31/02/1900\n")
    records, rejected = split(read_source(f"mapping:{spec}", [data]))
    assert by_id(records)["people-p1"].entity.get("birthDate") == ["1815-12-10"]
    assert rejected_rows(rejected) == {3: "entities.person.properties.birthDate: '31/02/1900' is not a valid date"}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("entities:\n  x:\n    schema: Person\n    keys: [a]\n", "name: Field required"),
        ("name: n\nentities:\n  x:\n    schema: Spaceship\n    keys: [a]\n",
         "entities.x.schema: unknown schema 'Spaceship'"),
        ("name: n\nentities:\n  x:\n    schema: Email\n    keys: [a]\n",
         "entities.x.schema: schema 'Email' is refused by design"),
        ("name: n\nentities:\n  x:\n    schema: Trip\n    keys: [a]\n",
         "entities.x.schema: schema 'Trip' is refused by design"),
        ("name: n\nentities:\n  x:\n    schema: Person\n    keys: [a]\n    properties:\n      religion: {column: r}\n",
         "entities.x.properties.religion: property 'religion' is out of scope by design"),
        ("name: n\nentities:\n  x:\n    schema: Person\n    keys: [a]\n    properties:\n      ethnicity: {column: r}\n",
         "entities.x.properties.ethnicity: property 'ethnicity' is out of scope by design"),
        ("name: n\nentities:\n  x:\n    schema: Person\n    keys: [a]\n    properties:\n      shoeSize: {column: s}\n",
         "entities.x.properties.shoeSize: schema Person has no property 'shoeSize'"),
        ("name: n\nentities:\n  x:\n    schema: Person\n    keys: [a]\n    properties:\n      name: {colum: s}\n",
         "entities.x.properties.name.colum: Extra inputs are not permitted"),
        ("name: n\nentities:\n  x:\n    schema: Person\n    properties:\n      name: {column: s}\n",
         "entities.x: give either keys (a list of columns) or id_column"),
        ("name: n\nentities:\n  x:\n    schema: Ownership\n    keys: [a]\n    properties:\n      owner: {entity: y}\n",
         "entities.x.properties.owner.entity: no entity 'y' in this mapping"),
        ("name: n\nentities:\n  x:\n    schema: Ownership\n    keys: [a]\n    properties:\n      owner: {column: o}\n",
         "entities.x.properties.owner: property 'owner' links to another entity"),
        ("name: n\nentities: {}\n", "entities: Dictionary should have at least 1 item"),
        ("name: Bad Name!\nentities:\n  x:\n    schema: Person\n    keys: [a]\n", "name: String should match pattern"),
        ("- just\n- a list\n", "must be a YAML object"),
        ("name: [unclosed\n", "not a readable YAML file"),
    ],
)
def test_invalid_mappings_fail_before_any_row(tmp_path: Path, body: str, message: str) -> None:
    spec = tmp_path / "bad.yml"
    spec.write_text(body)
    with pytest.raises(CasewatchError) as err:
        get_connector(f"mapping:{spec}")
    assert message in str(err.value)
    assert str(spec) in str(err.value)


def test_range_mismatch_is_reported_by_ftm(tmp_path: Path) -> None:
    spec = tmp_path / "range.yml"
    spec.write_text(
        "name: n\nentities:\n  v:\n    schema: Vessel\n    keys: [a]\n"
        "  o:\n    schema: Directorship\n    keys: [a]\n    properties:\n      director: {entity: v}\n"
    )
    with pytest.raises(CasewatchError, match=r"entities.o.properties.director.entity: 'v' is a Vessel, but director must be a LegalEntity"):
        get_connector(f"mapping:{spec}")


def test_missing_mapping_file() -> None:
    with pytest.raises(CasewatchError, match="mapping file not found"):
        get_connector("mapping:/nonexistent/mapping.yml")
