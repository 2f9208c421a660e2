"""Companies House basic company data and the PSC snapshot, incl. zipped files and fetching
the current file from the download page (served by a local HTTP server)."""

from __future__ import annotations

import zipfile
from pathlib import Path

from casewatch.sources import get_connector, read_source
from casewatch.sources.fetch import FetchPolicy
from tests.sources_util import FIXTURES, by_id, rejected_rows, split
from tests.test_sources_fetch import State, server  # noqa: F401 - pytest fixture

CH = FIXTURES / "companies_house" / "BasicCompanyData-part1.csv"
PSC = FIXTURES / "psc" / "psc-snapshot.txt"


def test_companies_house_rows() -> None:
    records, rejected = split(read_source("companies-house", [CH]))
    ids = by_id(records)
    company = ids["gb-coh-09876543"].entity
    assert company.schema.name == "Company"
    assert company.get("name") == ["NORDWIND TRADING LIMITED"]
    assert company.get("registrationNumber") == ["09876543"] and company.get("jurisdiction") == ["gb"]
    assert company.get("incorporationDate") == ["2016-02-14"]
    assert company.get("previousName") == ["NORDWIND IMPORTS LIMITED"]
    assert company.get("addressEntity") == ["gb-coh-09876543-address"]
    address = ids["gb-coh-09876543-address"].entity
    assert address.schema.name == "Address" and address.get("postalCode") == ["EC1A 1AA"]
    assert ids["gb-coh-OC412345"].entity.get("dissolutionDate") == ["2022-05-03"]
    assert ids["gb-coh-09876543"].source_id == "09876543" and ids["gb-coh-09876543"].row == 2
    assert rejected_rows(rejected) == {
        4: "expected 55 columns, found 2",
        5: "IncorporationDate: bad date '31/02/2019'",
        6: "company 12345679: CompanyName is empty",
    }


def test_companies_house_zip(tmp_path: Path) -> None:
    archive = tmp_path / "BasicCompanyDataAsOneFile-2026-11-01.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(CH, "BasicCompanyDataAsOneFile-2026-11-01.csv")
    records, rejected = split(read_source("companies-house", [archive]))
    assert len(records) == 4 and len(rejected) == 3


def test_psc_people_owners_and_control() -> None:
    records, rejected = split(read_source("psc", [PSC]))
    ids = by_id(records)
    person = ids["gb-coh-psc-AbCdEfGhIjKlMnOpQrStUvWxYz0"].entity
    assert person.schema.name == "Person"
    assert person.get("lastName") == ["Whitfield"] and person.get("birthDate") == ["1972-03"]
    own = ids["gb-coh-psc-AbCdEfGhIjKlMnOpQrStUvWxYz0-ownership-of-shares-75-to-100-percent"].entity
    assert own.schema.name == "Ownership"
    assert own.get("owner") == [person.id] and own.get("asset") == ["gb-coh-09876543"]
    control = [r.entity for r in records if r.entity.schema.name == "Directorship"]
    assert {c.first("role") for c in control} == {
        "significant control: voting-rights-75-to-100-percent",
        "significant control: right-to-appoint-and-remove-directors",
        "significant control: significant-influence-or-control",
    }
    corporate = ids["gb-coh-psc-ZyXwVuTsRqPoNmLkJiHgFeDcBa1"].entity
    assert corporate.schema.name == "Company" and corporate.get("jurisdiction") == ["ch"]
    rows = rejected_rows(rejected)
    assert rows[4] == "individual-person-with-significant-control of company OC412345 has no name"
    assert rows[5].startswith("date_of_birth: bad date")
    assert rows[6].startswith("invalid JSON")
    assert rows[7] == "company_number is missing"
    assert len(rejected) == 4  # the statement (line 3) and the totals line are skipped, not errors


def test_fetch_finds_current_file_on_download_page(server, tmp_path: Path) -> None:  # noqa: F811
    base, state = server
    assert isinstance(state, State)
    payload = (tmp_path / "src.zip")
    with zipfile.ZipFile(payload, "w") as zf:
        zf.write(CH, "BasicCompanyDataAsOneFile-2026-11-01.csv")
    state.files["/en_output.html"] = (
        b'<a href="BasicCompanyDataAsOneFile-2026-10-01.zip">old</a>'
        b'<a href="BasicCompanyDataAsOneFile-2026-11-01.zip">new</a>'
    )
    state.files["/BasicCompanyDataAsOneFile-2026-11-01.zip"] = payload.read_bytes()
    state.failures_left["/en_output.html"] = 1
    connector = type(get_connector("companies-house"))(downloads={"x": base + "/en_output.html"})
    dest = tmp_path / "out"
    paths = connector.fetch(dest, policy=FetchPolicy(3, 0.01, 2))
    assert [p.name for p in paths] == ["BasicCompanyDataAsOneFile-2026-11-01.zip"]
    records, _ = split(read_source("companies-house", paths))
    assert "gb-coh-09876543" in by_id(records)
