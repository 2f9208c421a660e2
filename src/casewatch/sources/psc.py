"""Companies House persons-with-significant-control (PSC) snapshot, JSON lines.

Format: one JSON object per line, ``{"company_number": "...", "data": {...}}``
where ``data`` is the API's PSC resource: ``kind``
(``individual-person-with-significant-control``,
``corporate-entity-person-with-significant-control``,
``legal-person-person-with-significant-control``, ``super-secure-...``, or a
``...-statement``), ``name``, ``name_elements``, ``date_of_birth``
(``month``, ``year``), ``nationality``, ``country_of_residence``,
``natures_of_control``, ``notified_on``, ``ceased_on``, ``address``,
``identification`` (corporate PSCs) and ``links.self`` (whose last segment is
the PSC's id). The snapshot's last line is a ``totals#...`` summary.

Mapping: individual -> Person, corporate entity -> Company, legal person ->
Organization, each ``gb-coh-psc-<psc id>``; the company is referenced as
``gb-coh-<company number>`` (see the companies-house connector). Natures
``ownership-of-shares-*`` give an Ownership (percentage band in ``role``);
every other nature (voting rights, right to appoint directors, significant
influence or control) gives a Directorship-style control link (a Directorship
whose role is ``significant control: <nature>``). Statements, super-secure
PSCs (no name published) and the totals line carry no one to map and are
skipped. Lines with bad JSON, no company number, no name or a bad date are
quarantined.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from followthemoney import EntityProxy

from casewatch.ftm.model import make_entity
from casewatch.sources.base import Item, register
from casewatch.sources.companies_house import LinkedDownloadConnector, company_id
from casewatch.sources.fetch import fetched_at
from casewatch.sources.helpers import add_prop, partial_date
from casewatch.sources.tabular import JSON_SUFFIXES, json_lines, open_text

INDEX_URL = "https://download.companieshouse.gov.uk/en_pscdata.html"
PATTERN = r"persons-with-significant-control-snapshot-\d{4}-\d{2}-\d{2}\.zip"
SCHEMAS = {
    "individual-person-with-significant-control": "Person",
    "corporate-entity-person-with-significant-control": "Company",
    "legal-person-person-with-significant-control": "Organization",
}


def _psc_id(company: str, data: dict[str, Any]) -> str:
    link = ((data.get("links") or {}).get("self") or "").rstrip("/")
    if link:
        return link.rsplit("/", 1)[-1]
    digest = hashlib.sha1(f"{company}|{data.get('kind')}|{data.get('name')}".encode()).hexdigest()
    return digest[:20]


def _dob(data: dict[str, Any]) -> str | None:
    dob = data.get("date_of_birth")
    if not dob:
        return None
    try:
        year, month = int(dob["year"]), int(dob.get("month") or 0)
        return partial_date(f"{year:04d}-{month:02d}" if month else f"{year:04d}")
    except (KeyError, TypeError, ValueError):
        raise ValueError(f"date_of_birth: bad date {dob!r}") from None


def _address(data: dict[str, Any]) -> str | None:
    addr = data.get("address") or {}
    keys = ("premises", "address_line_1", "address_line_2", "locality", "region", "postal_code", "country")
    full = ", ".join(str(addr[k]).strip() for k in keys if addr.get(k))
    return full or None


def _party(schema: str, psc_id: str, data: dict[str, Any]) -> EntityProxy:
    party = make_entity(schema, id=f"gb-coh-psc-{psc_id}", name=data["name"], address=_address(data))
    if schema == "Person":
        names = data.get("name_elements") or {}
        add_prop(party, "firstName", names.get("forename"))
        add_prop(party, "middleName", names.get("middle_name"))
        add_prop(party, "lastName", names.get("surname"))
        add_prop(party, "title", names.get("title"))
        add_prop(party, "birthDate", _dob(data))
        add_prop(party, "nationality", data.get("nationality"))
        add_prop(party, "country", data.get("country_of_residence"))
    ident = data.get("identification") or {}
    add_prop(party, "registrationNumber", ident.get("registration_number"))
    add_prop(party, "legalForm", ident.get("legal_form"))
    add_prop(party, "jurisdiction", ident.get("country_registered") or ident.get("place_registered"))
    return party


def map_psc(record: Any) -> list[tuple[str, EntityProxy]]:
    """The party and its control links for one snapshot line ([] for statements)."""
    if not isinstance(record, dict) or not isinstance(record.get("data"), dict):
        raise ValueError("expected an object with 'company_number' and 'data'")
    data = record["data"]
    schema = SCHEMAS.get(str(data.get("kind")))
    if schema is None:
        return []  # statements, super-secure PSCs, totals: no one to map
    number = str(record.get("company_number") or "").strip()
    if not number:
        raise ValueError("company_number is missing")
    if not str(data.get("name") or "").strip():
        raise ValueError(f"{data.get('kind')} of company {number} has no name")
    psc_id = _psc_id(number, data)
    party = _party(schema, psc_id, data)
    dates = {}
    for key in ("notified_on", "ceased_on"):
        if data.get(key):
            try:
                dates[key] = partial_date(str(data[key]))
            except ValueError as exc:
                raise ValueError(f"{key}: {exc}") from None
    out = [(f"psc/{psc_id}", party)]
    for nature in data.get("natures_of_control") or []:
        link_id = f"gb-coh-psc-{psc_id}-{nature}"
        if nature.startswith("ownership-of-shares"):
            link = make_entity("Ownership", id=link_id, owner=party.id, asset=company_id(number),
                               role=nature, ownershipType="shares")
        else:
            link = make_entity("Directorship", id=link_id, director=party.id,
                               organization=company_id(number), role=f"significant control: {nature}")
        add_prop(link, "startDate", dates.get("notified_on"))
        add_prop(link, "endDate", dates.get("ceased_on"))
        out.append((f"psc/{psc_id}/{nature}", link))
    return out


@register
class PscConnector(LinkedDownloadConnector):
    """Companies House PSC snapshot."""

    name = "psc"
    description = "UK Companies House persons-with-significant-control snapshot (JSON lines)"
    url = INDEX_URL
    downloads = {"psc-snapshot.zip": INDEX_URL}
    link_pattern = PATTERN

    def iter_items(self, paths: Sequence[Path]) -> Iterator[Item]:
        for path in paths:
            stamp = fetched_at(path)
            with open_text(path, (".txt", *JSON_SUFFIXES)) as fh:
                for line, data, error, raw in json_lines(fh):
                    if error is not None:
                        yield self.reject(path, line, error, raw)
                        continue
                    try:
                        mapped = map_psc(data)
                    except ValueError as exc:
                        yield self.reject(path, line, str(exc), raw)
                        continue
                    for source_id, entity in mapped:
                        yield self.record(entity, source_id, path=path, row=line, raw=raw, fetched_at=stamp)
