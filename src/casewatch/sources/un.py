"""UN Security Council consolidated sanctions list (XML).

Format: ``CONSOLIDATED_LIST/INDIVIDUALS/INDIVIDUAL`` and
``CONSOLIDATED_LIST/ENTITIES/ENTITY``; each has ``DATAID`` (the stable id),
``FIRST_NAME``..``FOURTH_NAME``, ``UN_LIST_TYPE``, ``REFERENCE_NUMBER``,
``LISTED_ON``, ``COMMENTS1``, value lists (``TITLE``, ``DESIGNATION``,
``NATIONALITY``), and repeated ``*_ALIAS``, ``*_ADDRESS``,
``INDIVIDUAL_DATE_OF_BIRTH``, ``INDIVIDUAL_PLACE_OF_BIRTH``,
``INDIVIDUAL_DOCUMENT`` elements.

Mapping: INDIVIDUAL -> Person, ENTITY -> Organization (Company when the
name carries a legal form), plus one Sanction (program = UN_LIST_TYPE,
unscId = REFERENCE_NUMBER, listingDate = LISTED_ON). ``Low`` quality aliases
become ``weakAlias``. An element without DATAID or name, or with a date that
cannot be read, is quarantined.
"""

from __future__ import annotations

from typing import Any

from followthemoney import EntityProxy

from casewatch.ftm.model import make_entity
from casewatch.sources.base import register
from casewatch.sources.helpers import add_prop, org_schema, partial_date
from casewatch.sources.xmlstream import XmlListConnector, children, text, values

URL = "https://scsanctions.un.org/resources/xml/en/consolidated.xml"
AUTHORITY = "United Nations Security Council"


def _join(*parts: str | None) -> str:
    return ", ".join(p for p in parts if p)


def _birth_dates(el: Any) -> list[str]:
    """Birth dates from INDIVIDUAL_DATE_OF_BIRTH (EXACT date, YEAR, or FROM/TO_YEAR range)."""
    out: list[str] = []
    for dob in children(el, "INDIVIDUAL_DATE_OF_BIRTH"):
        date, year = text(dob, "DATE"), text(dob, "YEAR")
        start, end = text(dob, "FROM_YEAR"), text(dob, "TO_YEAR")
        if date:
            out.append(partial_date(date))
        elif year:
            out.append(partial_date(year))
        elif start and end:
            first, last = int(partial_date(start)), int(partial_date(end))
            out.extend(str(y) for y in range(first, min(last, first + 10) + 1))
    return out


def _person_details(el: Any, entity: EntityProxy) -> None:
    names = [text(el, t) for t in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")]
    add_prop(entity, "firstName", names[0])
    add_prop(entity, "secondName", names[1])
    add_prop(entity, "birthDate", _birth_dates(el))
    add_prop(entity, "title", values(el, "TITLE"))
    add_prop(entity, "position", values(el, "DESIGNATION"))
    add_prop(entity, "nationality", values(el, "NATIONALITY"))
    gender = (text(el, "GENDER") or "").lower()
    add_prop(entity, "gender", gender if gender in ("male", "female") else None)
    for pob in children(el, "INDIVIDUAL_PLACE_OF_BIRTH"):
        place = _join(text(pob, "CITY"), text(pob, "STATE_PROVINCE"), text(pob, "COUNTRY"))
        add_prop(entity, "birthPlace", place or None)
    for doc in children(el, "INDIVIDUAL_DOCUMENT"):
        number = text(doc, "NUMBER")
        kind = (text(doc, "TYPE_OF_DOCUMENT") or "").lower()
        add_prop(entity, "passportNumber" if "passport" in kind else "idNumber", number)


@register
class UnConnector(XmlListConnector):
    """UN Security Council consolidated list."""

    name = "un"
    description = "UN Security Council consolidated sanctions list (XML)"
    url = URL
    downloads = {"un_consolidated.xml": URL}

    tags = frozenset({"INDIVIDUAL", "ENTITY"})

    def map_element(self, el: Any) -> list[tuple[str, EntityProxy]]:
        data_id = text(el, "DATAID")
        if not data_id:
            raise ValueError(f"{el.tag} without DATAID")
        parts = [text(el, t) for t in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")]
        name = " ".join(p for p in parts if p)
        if not name:
            raise ValueError(f"{el.tag} {data_id} has no FIRST_NAME")
        is_person = el.tag == "INDIVIDUAL"
        schema = "Person" if is_person else org_schema(name)
        entity = make_entity(schema, id=f"un-{data_id}", name=name, topics="sanction")
        if is_person:
            try:
                _person_details(el, entity)
            except ValueError as exc:
                raise ValueError(f"INDIVIDUAL_DATE_OF_BIRTH: {exc}") from None
        prefix = "INDIVIDUAL" if is_person else "ENTITY"
        for alias in children(el, f"{prefix}_ALIAS"):
            quality = (text(alias, "QUALITY") or "").lower()
            add_prop(entity, "weakAlias" if quality == "low" else "alias", text(alias, "ALIAS_NAME"))
        add_prop(entity, "alias", text(el, "NAME_ORIGINAL_SCRIPT"))
        for addr in children(el, f"{prefix}_ADDRESS"):
            full = _join(*(text(addr, t) for t in ("STREET", "CITY", "STATE_PROVINCE", "ZIP_CODE", "COUNTRY")))
            add_prop(entity, "address", full or None)
            add_prop(entity, "country", text(addr, "COUNTRY"))
        add_prop(entity, "notes", text(el, "COMMENTS1"))
        listed = text(el, "LISTED_ON")
        try:
            listed = partial_date(listed) if listed else None
        except ValueError as exc:
            raise ValueError(f"LISTED_ON: {exc}") from None
        sanction = make_entity(
            "Sanction",
            id=f"un-{data_id}-sanction",
            entity=entity.id,
            authority=AUTHORITY,
            program=text(el, "UN_LIST_TYPE"),
            unscId=text(el, "REFERENCE_NUMBER"),
            listingDate=listed,
        )
        add_prop(entity, "program", text(el, "UN_LIST_TYPE"))
        return [(data_id, entity), (f"{data_id}/sanction", sanction)]
