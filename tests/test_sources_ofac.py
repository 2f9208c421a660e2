"""The OFAC SDN connector on a tiny fixture in OFAC's CSV format, and on the real list."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from casewatch.errors import CasewatchError
from casewatch.sources import read_source
from casewatch.sources.ofac_remarks import parse_date, parse_remarks
from tests.sources_util import FIXTURES, by_id, split

OFAC = FIXTURES / "ofac"
REAL = Path(__file__).resolve().parents[2] / "shared" / "data" / "ofac"


def test_fixture_mapping() -> None:
    records, rejected = split(read_source("ofac", [OFAC / "sdn.csv", OFAC / "alt.csv", OFAC / "add.csv"]))
    ids = by_id(records)
    person = ids["ofac-100"].entity
    assert person.schema.name == "Person"
    assert person.get("name") == ["PETROV, Ivan Sergeyevich"]
    assert set(person.get("alias")) == {"PETROV, Ivan", "PETROFF, Ivan"}
    assert set(person.get("birthDate")) == {"1960-01-01", "1961"}
    assert person.get("birthPlace") == ["Moscow, Russia"]
    assert person.get("nationality") == ["ru"]
    assert person.get("gender") == ["male"]
    assert person.get("passportNumber") == ["7201234"]
    assert person.get("address") == ["Tverskaya ul. 1, Moscow 125009, Russia"]
    assert set(person.get("program")) == {"UKRAINE-EO13661", "RUSSIA-EO14024"}
    wallets = {r.entity.get("publicKey")[0]: r.entity for r in records if r.entity.schema.name == "CryptoWallet"}
    assert set(wallets) == {"1BoatSLRHtKNngkdXEeobR76b53LETtpyT", "0x8576acc5c05d6ce88f4e49bf65bdf0c62f91353c"}
    assert all(w.get("holder") == ["ofac-100"] for w in wallets.values())
    sanctions = [r.entity for r in records if r.entity.schema.name == "Sanction"]
    assert {s.get("program")[0] for s in sanctions if s.get("entity") == ["ofac-100"]} == {
        "UKRAINE-EO13661", "RUSSIA-EO14024"}
    company = ids["ofac-101"].entity
    assert company.schema.name == "Company"
    assert company.get("previousName") == ["OCEAN STAR TRADING CO."]
    assert company.get("alias") == ["OSS"]
    assert set(company.get("country")) == {"ir", "ae"}
    vessel = ids["ofac-102"].entity
    assert vessel.schema.name == "Vessel"
    assert vessel.get("imoNumber") == ["IMO9187629"]
    assert company.get("imoNumber") == ["IMO9312341"]
    assert vessel.get("flag") == ["mt"] and vessel.get("callSign") == ["9HA1234"]
    plane = ids["ofac-103"].entity
    assert plane.schema.name == "Airplane" and plane.get("serialNumber") == ["1013409297"]
    assert ids["ofac-104"].entity.schema.name == "Organization"
    assert ids["ofac-108"].entity.get("birthDate") == ["1975"]
    rows = {(Path(r.path).name, r.row): r.reason for r in rejected}
    assert rows[("sdn.csv", 6)] == "expected 12 columns, found 3"
    assert rows[("sdn.csv", 7)] == "SDN_Name is empty"
    assert "not a number" in rows[("sdn.csv", 8)]
    assert "unknown SDN_Type 'spaceship'" in rows[("sdn.csv", 9)]
    assert rows[("alt.csv", 3)] == "expected 5 columns, found 3"
    assert len(rejected) == 5


def test_directory_and_provenance() -> None:
    records, _ = split(read_source("ofac", [OFAC]))
    rec = by_id(records)["ofac-102"]
    assert rec.source == "ofac" and rec.source_id == "102" and rec.row == 3
    assert rec.raw is not None and rec.raw.startswith('102,"SEA BREEZE"')
    assert rec.path.endswith("sdn.csv")


def test_missing_primary_file_is_one_clear_error() -> None:
    with pytest.raises(CasewatchError, match="no sdn.csv"):
        list(read_source("ofac", [OFAC / "alt.csv"]))
    with pytest.raises(CasewatchError, match="not an OFAC file name"):
        list(read_source("ofac", [FIXTURES / "ftm" / "entities.jsonl"]))


def test_remarks_parser() -> None:
    parsed = parse_remarks("DOB 05 Feb 1970; DOB 1960 to 1962; a.k.a. 'X'; Linked To: Y.")
    assert parsed.props["birthDate"] == ["1970-02-05", "1960", "1961", "1962"]
    assert parsed.props["alias"] == ["X"]
    assert parsed.notes == ["Linked To: Y"]
    assert parse_date("31 Feb 1970") == []
    assert parse_date("01 Jan 1961 to 31 Dec 1962") == ["1961", "1962"]
    # items run together with ". " (as other tools write them) are still told apart,
    # but abbreviations (U.S.A., alt.) do not split an item
    dotted = parse_remarks("DOB 01 Jan 1960. Vessel Registration Identification IMO 9187629. POB Riga, Latvia.")
    assert dotted.props == {"birthDate": ["1960-01-01"], "imoNumber": ["9187629"], "birthPlace": ["Riga, Latvia"]}
    abbrev = parse_remarks("alt. Passport M0887925 (Iraq); U.S.A. Passport issued 21 Jun 1992 in Amman, Jordan.")
    assert abbrev.props["passportNumber"] == ["M0887925"]
    assert "U.S.A. Passport issued 21 Jun 1992 in Amman, Jordan" in abbrev.notes
    assert parse_date("Mar 1970") == ["1970-03"]


@pytest.mark.skipif(not (REAL / "sdn.csv").exists(), reason="real OFAC list not present")
def test_real_sdn_list() -> None:
    counts: Counter[str] = Counter()
    rejected = 0
    for item in read_source("ofac", [REAL]):
        if hasattr(item, "entity"):
            counts[item.entity.schema.name] += 1
        else:
            rejected += 1
    assert sum(counts.values()) > 10_000
    assert counts["Person"] > 4_000 and counts["Vessel"] > 300
    assert counts["CryptoWallet"] == 81  # digital currency addresses in the remarks
    assert rejected == 0
