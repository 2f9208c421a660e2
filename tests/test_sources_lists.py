"""UN, EU and UK sanctions list connectors on small fixtures in each list's published format."""

from __future__ import annotations

from casewatch.sources import read_source
from tests.sources_util import FIXTURES, by_id, rejected_rows, split

UN = FIXTURES / "un" / "consolidated.xml"
EU = FIXTURES / "eu" / "fsf.xml"
UK = FIXTURES / "uk" / "UK-Sanctions-List.csv"


def test_un_individuals_and_entities() -> None:
    records, rejected = split(read_source("un", [UN]))
    ids = by_id(records)
    person = ids["un-9100001"].entity
    assert person.schema.name == "Person"
    assert person.get("name") == ["KARIM ABDUL HADDAD"]
    assert set(person.get("birthDate")) == {"1971-04-09", "1969", "1970"}
    assert person.get("passportNumber") == ["K123456"] and person.get("idNumber") == ["9711234567"]
    assert set(person.get("alias")) == {"Karim Haddad", "كريم عبد حداد"}
    assert person.get("weakAlias") == ["Abu Karim"]
    assert person.get("nationality") == ["jo"] and person.get("gender") == ["male"]
    sanction = ids["un-9100001-sanction"].entity
    assert sanction.get("unscId") == ["QDi.901"] and sanction.get("listingDate") == ["2011-03-15"]
    assert sanction.get("entity") == ["un-9100001"]
    org = ids["un-9200001"].entity
    assert org.schema.name == "Company" and org.get("alias") == ["KOTC"] and org.get("country") == ["kp"]
    assert ids["un-9100001"].source_id == "9100001" and ids["un-9100001"].row == 4
    assert ids["un-9100001"].raw is not None and ids["un-9100001"].raw.startswith("<INDIVIDUAL")
    rows = rejected_rows(rejected)
    assert rows[32] == "INDIVIDUAL 9100002 has no FIRST_NAME"
    assert rows[38] == "LISTED_ON: bad date '2016-13-45'"
    assert rows[46] == "INDIVIDUAL without DATAID"
    assert "not well-formed" in rows[68] and "rest of the file was not read" in rows[68]
    assert "un-9200002" in ids  # read before the broken element
    assert len(rejected) == 4


def test_eu_persons_and_enterprises() -> None:
    records, rejected = split(read_source("eu", [EU]))
    ids = by_id(records)
    person = ids["eu-900001"].entity
    assert person.schema.name == "Person"
    assert person.get("name") == ["Oleg Petrovich Sidorov"]
    assert person.get("alias") == ["Олег Петрович Сидоров"] and person.get("weakAlias") == ["O. Sidorov"]
    assert person.get("birthDate") == ["1965-08-14"] and person.get("citizenship") == ["ru"]
    assert person.get("passportNumber") == ["753951456"] and person.get("gender") == ["male"]
    sanction = ids["eu-900001-sanction"].entity
    assert sanction.get("program") == ["UKR"] and sanction.get("listingDate") == ["2022-03-15"]
    company = ids["eu-900002"].entity
    assert company.schema.name == "Company"
    assert company.get("registrationNumber") == ["KP-REG-7788"]
    assert ids["eu-900002-sanction"].entity.get("unscId") == ["KPe.901"]
    rows = rejected_rows(rejected)
    assert rows == {
        23: "birthdate: bad date '1970-02-31'",
        29: "sanctionEntity 900004 has no nameAlias wholeName",
        32: "sanctionEntity without logicalId",
    }


def test_uk_groups_name_rows_by_unique_id() -> None:
    records, rejected = split(read_source("uk", [UK]))
    ids = by_id(records)
    person = ids["uk-RUS9001"].entity
    assert person.schema.name == "Person"
    assert person.get("name") == ["Oleg Petrovich SIDOROV"]
    assert person.get("alias") == ["Oleg SIDOROFF"]
    assert set(person.get("birthDate")) == {"1965-08-14", "1966"}
    assert person.get("passportNumber") == ["753951456"]
    assert ids["uk-RUS9001"].row == 3 and ids["uk-RUS9001"].source_id == "RUS9001"
    assert ids["uk-RUS9002"].entity.schema.name == "Company"
    vessel = ids["uk-RUS9176"].entity
    assert vessel.schema.name == "Vessel" and vessel.get("imoNumber") == ["IMO9187629"]
    assert vessel.get("flag") == ["ga"]
    sanction = ids["uk-RUS9001-sanction"].entity
    assert sanction.get("listingDate") == ["2022-03-15"]
    assert set(sanction.get("provisions")) == {"Asset freeze", "Travel Ban"}
    rows = rejected_rows(rejected)
    assert rows == {
        7: "expected 58 columns, found 5",
        8: "Unique ID is empty",
        9: "Name 1 to Name 6 are all empty",
        10: "Unique ID RUS9004: D.O.B: bad date '31/02/1970'",
    }


def test_broken_xml_file_does_not_stop_the_next_file() -> None:
    """A broken list file ends that file only: the files after it are still read."""
    records_once, _ = split(read_source("un", [UN]))
    records, rejected = split(read_source("un", [UN, EU, UN]))
    assert len(records) == 2 * len(records_once)
    assert sum("rest of the file was not read" in r.reason for r in rejected) == 2
