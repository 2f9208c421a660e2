"""What may be watched: turning an FtM entity into a watch subject, or saying why not.

A watch subject is a named thing a case may lawfully watch: a person named in
public records, a company or organisation, a vessel, an aircraft or a crypto
wallet. Schemata that carry communications or movements of people are refused
(design.md, "Out of scope"), and the properties ``religion``, ``political`` and
``ethnicity`` are dropped before anything is stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from followthemoney import EntityProxy, registry

from casewatch.ftm.model import OUT_OF_SCOPE_PROPERTIES, REFUSED_SCHEMATA, make_entity, model

#: Schemata a watch may have (their descendants too, e.g. Company is a LegalEntity).
WATCHABLE_SCHEMATA = ("LegalEntity", "Vessel", "Airplane", "CryptoWallet")

#: The property ``watch add --identifier`` fills, by schema (else ``registrationNumber``).
IDENTIFIER_PROPERTY = {
    "Person": "idNumber",
    "Vessel": "imoNumber",
    "CryptoWallet": "publicKey",
    "Airplane": "registrationNumber",
}

MAX_SUBJECT_ID = 500


@dataclass(frozen=True)
class Subject:
    """A validated watch subject: the entity to store and what was dropped from it."""

    subject_id: str
    schema: str
    caption: str
    entity: dict[str, Any]
    dropped: tuple[str, ...] = ()


def check_schema(name: str) -> None:
    """Raise ValueError unless ``name`` is a schema casewatch may watch."""
    if name in REFUSED_SCHEMATA:
        raise ValueError(
            f"schema {name!r} is refused: casewatch does not watch communications "
            "or movements of people"
        )
    schema = model.get(name)
    if schema is None:
        raise ValueError(f"unknown schema {name!r}")
    if not any(schema.is_a(base) for base in WATCHABLE_SCHEMATA):
        raise ValueError(
            f"schema {name!r} cannot be watched: use one of Person, Company, Organization, "
            "LegalEntity, PublicBody, Vessel, Airplane or CryptoWallet"
        )


def subject_from_entity(entity: EntityProxy) -> Subject:
    """Validate ``entity`` as a watch subject; raise ValueError with the reason if it is not one."""
    check_schema(entity.schema.name)
    if not entity.id:
        raise ValueError("missing 'id'")
    if len(entity.id) > MAX_SUBJECT_ID:
        raise ValueError(f"'id' is longer than {MAX_SUBJECT_ID} characters")
    data = entity.to_dict()
    props: dict[str, list[Any]] = data.get("properties", {})
    dropped = tuple(sorted(p for p in props if p in OUT_OF_SCOPE_PROPERTIES))
    for prop in dropped:
        del props[prop]
    names = [v for k, vs in props.items() for v in vs if _is_type(entity, k, registry.name)]
    idents = [
        v for k, vs in props.items() for v in vs if _is_type(entity, k, registry.identifier)
    ]
    if not any(str(n).strip() for n in names) and not any(str(i).strip() for i in idents):
        raise ValueError("the subject has no name and no identifier to match on")
    caption = entity.caption if names else str(idents[0])
    return Subject(entity.id, entity.schema.name, caption, data, dropped)


def _is_type(entity: EntityProxy, prop: str, type_: Any) -> bool:
    found = entity.schema.get(prop)
    return found is not None and found.type == type_


def build_subject(
    schema: str,
    name: str,
    *,
    subject_id: str | None = None,
    birth_date: str | None = None,
    country: str | None = None,
    identifier: str | None = None,
) -> Subject:
    """Build one subject from command-line fields (``watch add``); ValueError says what is wrong."""
    check_schema(schema)
    if not name.strip():
        raise ValueError("--name must not be empty")
    entity = make_entity(schema, id=subject_id)
    entity.add("name", name)
    if birth_date:
        if not entity.schema.get("birthDate"):
            raise ValueError(f"--birth-date applies to people, not to {schema}")
        if not registry.date.validate(birth_date):
            raise ValueError(
                f"--birth-date {birth_date!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)"
            )
        entity.add("birthDate", birth_date, cleaned=False)
    if country:
        code = registry.country.clean(country)
        if code is None:
            raise ValueError(f"--country {country!r} is not a known country code or name")
        entity.add("country", code)
    if identifier:
        prop = IDENTIFIER_PROPERTY.get(schema, "registrationNumber")
        if not entity.schema.get(prop):
            prop = "registrationNumber"
        entity.add(prop, identifier, cleaned=False)
    if not entity.id:
        entity.id = entity.make_id(schema, name, birth_date, country, identifier)
    return subject_from_entity(entity)
