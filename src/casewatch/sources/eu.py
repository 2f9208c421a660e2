"""EU financial sanctions consolidated list (FSF XML, namespace
``http://eu.europa.eu/fpi/fsd/export``).

Format: ``export/sanctionEntity`` (attributes ``logicalId``,
``euReferenceNumber``, ``unitedNationId``), with children ``regulation``
(``programme``, ``publicationDate``), ``subjectType`` (``code`` = person |
enterprise), ``nameAlias`` (``wholeName``, ``firstName``, ``lastName``,
``gender``, ``title``, ``function``, ``strong``), ``citizenship``
(``countryIso2Code``), ``birthdate`` (``birthdate`` or ``year``, ``city``,
``countryIso2Code``), ``identification`` (``number``,
``identificationTypeCode``), ``address`` (``street``, ``city``, ``zipCode``,
``countryIso2Code``) and ``remark``.

Mapping: person -> Person, enterprise -> Organization (Company when the name
carries a legal form); the first name alias is the name, the others aliases
(``strong="false"`` ones weak aliases); one Sanction (authority European
Union, program = the regulation programme, listingDate = earliest
publicationDate). An entity without logicalId or names, or with an unreadable
birth date, is quarantined.
"""

from __future__ import annotations

from typing import Any

from followthemoney import EntityProxy

from casewatch.ftm.model import make_entity
from casewatch.sources.base import register
from casewatch.sources.helpers import add_prop, org_schema, partial_date
from casewatch.sources.xmlstream import XmlListConnector, children

URL = (
    "https://webgate.ec.europa.eu/fsd/fsf/public/files/xmlFullSanctionsList_1_1/content"
    "?token=dG9rZW4tMjAxNw"
)
NAMESPACE = "http://eu.europa.eu/fpi/fsd/export"
AUTHORITY = "European Union"


def _attr(el: Any, name: str) -> str | None:
    value = (el.get(name) or "").strip()
    return value or None


def _names(el: Any, entity: EntityProxy) -> str:
    """Set name/aliases from nameAlias children; returns the primary name."""
    primary = ""
    for alias in children(el, "nameAlias"):
        whole = _attr(alias, "wholeName")
        if not whole:
            continue
        if not primary:
            primary = whole
            entity.add("name", whole)
            if entity.schema.name == "Person":
                add_prop(entity, "firstName", _attr(alias, "firstName"))
                add_prop(entity, "lastName", _attr(alias, "lastName"))
                add_prop(entity, "middleName", _attr(alias, "middleName"))
                gender = {"M": "male", "F": "female"}.get(_attr(alias, "gender") or "")
                add_prop(entity, "gender", gender)
                add_prop(entity, "title", _attr(alias, "title"))
            add_prop(entity, "position", _attr(alias, "function"))
        else:
            strong = (_attr(alias, "strong") or "true").lower() != "false"
            add_prop(entity, "alias" if strong else "weakAlias", whole)
    return primary


def _details(el: Any, entity: EntityProxy) -> None:
    is_person = entity.schema.name == "Person"
    for cit in children(el, "citizenship"):
        add_prop(entity, "citizenship" if is_person else "country", _attr(cit, "countryIso2Code"))
    for bd in children(el, "birthdate"):
        value = _attr(bd, "birthdate") or _attr(bd, "year")
        if value:
            try:
                add_prop(entity, "birthDate", partial_date(value))
            except ValueError as exc:
                raise ValueError(f"birthdate: {exc}") from None
        place = ", ".join(p for p in (_attr(bd, "city"), _attr(bd, "countryDescription")) if p)
        add_prop(entity, "birthPlace", place or None)
    for ident in children(el, "identification"):
        kind = (_attr(ident, "identificationTypeCode") or "").lower()
        prop = "passportNumber" if kind == "passport" and is_person else "idNumber"
        if not is_person:
            prop = "registrationNumber"
        add_prop(entity, prop, _attr(ident, "number"))
    for addr in children(el, "address"):
        parts = ("street", "poBox", "zipCode", "city", "region", "countryDescription")
        full = ", ".join(p for p in (_attr(addr, k) for k in parts) if p)
        add_prop(entity, "address", full or None)
        add_prop(entity, "country", _attr(addr, "countryIso2Code"))
    for remark in children(el, "remark"):
        add_prop(entity, "notes", (remark.text or "").strip() or None)


@register
class EuConnector(XmlListConnector):
    """EU financial sanctions consolidated list."""

    name = "eu"
    description = "EU financial sanctions consolidated list (FSF XML 1.1)"
    url = URL
    downloads = {"eu_fsf.xml": URL}

    tags = frozenset({"sanctionEntity"})

    def map_element(self, el: Any) -> list[tuple[str, EntityProxy]]:
        logical_id = _attr(el, "logicalId")
        if not logical_id:
            raise ValueError("sanctionEntity without logicalId")
        subject = children(el, "subjectType")
        code = _attr(subject[0], "code") if subject else None
        if code not in ("person", "enterprise"):
            raise ValueError(f"sanctionEntity {logical_id}: unknown subjectType {code!r}")
        first = next((_attr(a, "wholeName") for a in children(el, "nameAlias") if _attr(a, "wholeName")), None)
        if not first:
            raise ValueError(f"sanctionEntity {logical_id} has no nameAlias wholeName")
        schema = "Person" if code == "person" else org_schema(first)
        entity = make_entity(schema, id=f"eu-{logical_id}", topics="sanction")
        _names(el, entity)
        _details(el, entity)
        regulations = children(el, "regulation")
        programmes = [p for p in (_attr(r, "programme") for r in regulations) if p]
        dates = sorted(d for d in (_attr(r, "publicationDate") for r in regulations) if d)
        add_prop(entity, "program", programmes)
        sanction = make_entity(
            "Sanction",
            id=f"eu-{logical_id}-sanction",
            entity=entity.id,
            authority=AUTHORITY,
            program=programmes,
            unscId=_attr(el, "unitedNationId"),
            authorityId=_attr(el, "euReferenceNumber"),
            listingDate=dates[:1],
        )
        return [(logical_id, entity), (f"{logical_id}/sanction", sanction)]
