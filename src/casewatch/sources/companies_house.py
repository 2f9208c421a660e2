"""UK Companies House "Free Company Data Product" (BasicCompanyData CSV).

Format: one CSV with a header row (Companies House pads some names with a
space, e.g. `` CompanyNumber``; casewatch strips them): ``CompanyName,
CompanyNumber, RegAddress.CareOf, RegAddress.POBox, RegAddress.AddressLine1,
RegAddress.AddressLine2, RegAddress.PostTown, RegAddress.County,
RegAddress.Country, RegAddress.PostCode, CompanyCategory, CompanyStatus,
CountryOfOrigin, DissolutionDate, IncorporationDate, ..., SICCode.SicText_1..4,
..., URI, PreviousName_1.CONDATE, PreviousName_1.CompanyName, ...``. Dates are
``dd/mm/yyyy``. Published monthly as ``BasicCompanyDataAsOneFile-YYYY-MM-DD.zip``
(read directly from the zip, streaming) and as several part files.

Mapping: Company ``gb-coh-<number>`` (the same id the PSC connector links
to) with registrationNumber, jurisdiction gb, legalForm, status, dates, SIC
sectors, previous names; and its registered office as an Address entity
``gb-coh-<number>-address`` linked by ``addressEntity``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import ClassVar

import httpx
from followthemoney import EntityProxy

from casewatch.ftm.model import make_entity
from casewatch.sources.base import Connector, Item, register
from casewatch.sources.fetch import FetchPolicy, download_linked, fetched_at
from casewatch.sources.helpers import add_prop, iso_date
from casewatch.sources.tabular import clean, dict_rows, open_text

INDEX_URL = "https://download.companieshouse.gov.uk/en_output.html"
PATTERN = r"BasicCompanyDataAsOneFile-\d{4}-\d{2}-\d{2}\.zip"
ADDRESS_COLS = [
    "RegAddress.CareOf", "RegAddress.POBox", "RegAddress.AddressLine1",
    "RegAddress.AddressLine2", "RegAddress.PostTown", "RegAddress.County",
    "RegAddress.PostCode", "RegAddress.Country",
]


def company_id(number: str) -> str:
    """The entity id of a UK company, shared by the Companies House and PSC connectors."""
    return f"gb-coh-{number.strip().upper()}"


def _date(row: dict[str, str], column: str) -> str | None:
    value = clean(row.get(column))
    if value is None:
        return None
    try:
        return iso_date(value, ("%d/%m/%Y", "%Y-%m-%d"))
    except ValueError as exc:
        raise ValueError(f"{column}: {exc}") from None


def map_company(row: dict[str, str]) -> list[tuple[str, EntityProxy]]:
    """The Company (and its registered-office Address) of one BasicCompanyData row."""
    number, name = clean(row.get("CompanyNumber")), clean(row.get("CompanyName"))
    if not number:
        raise ValueError("CompanyNumber is empty")
    if not name:
        raise ValueError(f"company {number}: CompanyName is empty")
    company = make_entity(
        "Company",
        id=company_id(number),
        name=name,
        registrationNumber=number,
        jurisdiction="gb",
        legalForm=clean(row.get("CompanyCategory")),
        status=clean(row.get("CompanyStatus")),
        incorporationDate=_date(row, "IncorporationDate"),
        dissolutionDate=_date(row, "DissolutionDate"),
        sourceUrl=clean(row.get("URI")),
    )
    add_prop(company, "sector", [v for k, v in row.items() if k.startswith("SICCode.") and clean(v)])
    for i in range(1, 11):
        add_prop(company, "previousName", clean(row.get(f"PreviousName_{i}.CompanyName")))
    out = [(number, company)]
    full = ", ".join(v for v in (clean(row.get(c)) for c in ADDRESS_COLS) if v)
    if full:
        address = make_entity(
            "Address",
            id=f"{company.id}-address",
            full=full,
            street=clean(row.get("RegAddress.AddressLine1")),
            street2=clean(row.get("RegAddress.AddressLine2")),
            city=clean(row.get("RegAddress.PostTown")),
            region=clean(row.get("RegAddress.County")),
            postalCode=clean(row.get("RegAddress.PostCode")),
        )
        add_prop(address, "country", clean(row.get("RegAddress.Country")))
        company.add("addressEntity", address.id)
        company.add("address", full)
        out.append((f"{number}/address", address))
    return out


class LinkedDownloadConnector(Connector):
    """A Companies House product whose current file is linked from a download page.

    The file name carries the snapshot date, so :meth:`fetch` reads the page and
    downloads the link matching :attr:`link_pattern`.
    """

    link_pattern: ClassVar[str] = ""

    def fetch(
        self,
        dest_dir: Path,
        *,
        client: httpx.Client | None = None,
        policy: FetchPolicy | None = None,
    ) -> list[Path]:
        """Find the current snapshot linked from the download page and fetch it."""
        index = next(iter(self._downloads.values()))
        return [download_linked(index, self.link_pattern, dest_dir, client=client, policy=policy)]


@register
class CompaniesHouseConnector(LinkedDownloadConnector):
    """UK Companies House basic company data."""

    name = "companies-house"
    description = "UK Companies House BasicCompanyData CSV (plain or zipped)"
    url = INDEX_URL
    downloads = {"BasicCompanyData.zip": INDEX_URL}
    link_pattern = PATTERN

    def iter_items(self, paths: Sequence[Path]) -> Iterator[Item]:
        for path in paths:
            stamp = fetched_at(path)
            with open_text(path, ".csv") as fh:
                for line, row, raw in dict_rows(fh):
                    if isinstance(row, str):
                        yield self.reject(path, line, row, raw)
                        continue
                    try:
                        mapped = map_company({k.strip(): v for k, v in row.items()})
                    except ValueError as exc:
                        yield self.reject(path, line, str(exc), raw)
                        continue
                    for source_id, entity in mapped:
                        yield self.record(entity, source_id, path=path, row=line, raw=raw, fetched_at=stamp)
