"""Compile an FtM entity once into the compact form the matcher works on.

The hot path never touches FollowTheMoney objects: a :class:`Compiled` holds
the schema, the normalised aliases, identifiers, crypto addresses, birth dates
and countries as tuples of short strings. ``compile_entity`` accepts an
``EntityProxy`` or the plain FtM JSON dict (``{"id", "schema", "properties"}``),
which is much cheaper to read in bulk.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from followthemoney import EntityProxy

from casewatch.errors import CasewatchError
from casewatch.ftm.model import model
from casewatch.matching.normalize import (
    NormName,
    normalize_address,
    normalize_crypto,
    normalize_identifier,
    normalize_name,
    split_initials,
    unglue,
)

#: At most this many distinct aliases are kept per entity.
MAX_ALIASES = 24
#: At most this many addresses are kept per entity.
MAX_ADDRESSES = 4
#: Identifiers shorter than this (after normalisation) are ignored: too easily shared.
MIN_IDENTIFIER_CHARS = 4

NAME_PROPS = ("name", "alias", "previousName", "weakAlias")
PARTS_PROPS = ("firstName", "secondName", "middleName", "fatherName", "lastName")
COUNTRY_PROPS = ("country", "nationality", "citizenship", "jurisdiction", "flag", "mainCountry")
CRYPTO_PROPS = ("publicKey", "cryptoAddress")
EMPTY: tuple[str, ...] = ()


class Compiled:
    """One entity in matching form. Cheap to score, cheap to pickle.

    Small tuples rather than sets throughout: a million of these must fit in
    memory, and an empty frozenset alone costs 216 bytes.
    """

    __slots__ = ("schema", "org", "aliases", "ids", "crypto", "dates", "countries", "family", "caption",
                 "addresses")

    def __init__(
        self,
        schema: str,
        aliases: tuple[NormName, ...],
        ids: tuple[str, ...] = EMPTY,
        crypto: tuple[str, ...] = EMPTY,
        dates: tuple[str, ...] = (),
        countries: tuple[str, ...] = EMPTY,
        family: tuple[str, ...] = EMPTY,
        caption: str = "",
        addresses: tuple[str, ...] = EMPTY,
    ) -> None:
        self.schema = schema
        self.org = is_org_schema(schema)
        self.aliases = aliases
        self.ids = ids
        self.crypto = crypto
        self.dates = dates
        self.countries = countries
        self.family = family
        self.caption = caption
        self.addresses = addresses

    def __getstate__(self) -> tuple[Any, ...]:
        return (self.schema, self.aliases, self.ids, self.crypto, self.dates,
                self.countries, self.family, self.caption, self.addresses)

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        (self.schema, self.aliases, self.ids, self.crypto, self.dates,
         self.countries, self.family, self.caption, self.addresses) = state
        self.org = is_org_schema(self.schema)

    def __repr__(self) -> str:
        return f"<Compiled {self.schema} {self.caption!r} aliases={len(self.aliases)}>"


@lru_cache(maxsize=256)
def _schema(name: str) -> Any:
    schema = model.get(name)
    if schema is None:
        raise CasewatchError(f"unknown schema {name!r}")
    return schema


@lru_cache(maxsize=256)
def is_org_schema(name: str) -> bool:
    """True for schemata whose names can carry a legal form (companies, organisations)."""
    schema = _schema(name)
    return bool(schema.is_a("Organization") or schema.name == "LegalEntity")


@lru_cache(maxsize=256)
def is_person_schema(name: str) -> bool:
    """True for people (their names can carry run-together initials)."""
    return bool(_schema(name).is_a("Person"))


@lru_cache(maxsize=1024)
def schemata_compatible(a: str, b: str) -> bool:
    """Whether entities of schemata ``a`` and ``b`` can describe the same thing."""
    return bool(_schema(a).can_match(_schema(b)))


@lru_cache(maxsize=256)
def _identifier_props(name: str) -> frozenset[str]:
    schema = _schema(name)
    return frozenset(
        p.name for p in schema.properties.values()
        if p.type.name == "identifier" and p.name not in CRYPTO_PROPS and p.name != "programId"
    )


def _getter(entity: EntityProxy | Mapping[str, Any]) -> tuple[str, str, Any]:
    if isinstance(entity, EntityProxy):
        props = {k: list(v) for k, v in entity.properties.items()}
        return entity.schema.name, entity.id or "", props
    if not isinstance(entity, Mapping):
        raise CasewatchError("expected an FtM entity or a dict with 'schema' and 'properties'")
    schema = entity.get("schema")
    if not isinstance(schema, str):
        raise CasewatchError("entity has no 'schema'")
    props = entity.get("properties") or {}
    if not isinstance(props, Mapping):
        raise CasewatchError("entity 'properties' must be an object of lists")
    return schema, str(entity.get("id") or ""), props


def _values(props: Any, name: str) -> list[str]:
    values = props.get(name)
    if values is None:
        return []
    if isinstance(values, str):
        return [values]
    return [v for v in values if isinstance(v, str)]


def _aliases(props: Any, org: bool, person: bool = False) -> tuple[list[NormName], str]:
    raw = [v for p in NAME_PROPS if p in props for v in _values(props, p)]
    if any(p in props for p in PARTS_PROPS):
        full = " ".join(" ".join(_values(props, p)) for p in PARTS_PROPS)
        if full.strip():
            raw.append(full)
    caption = raw[0].strip()[:200] if raw else ""
    if person:  # "Frolov SA" is also "Frolov S A"
        raw.extend(split for split in map(split_initials, raw) if split)
    raw.extend(mended for mended in (unglue(v, org) for v in raw) if mended)
    out: list[NormName] = []
    seen: set[tuple[str, ...]] = set()
    for value in raw:
        norm = normalize_name(value, org=org)
        if norm is None:
            continue
        key = tuple(sorted(norm.tokens))
        if key in seen:
            continue
        seen.add(key)
        out.append(norm)
        if len(out) >= MAX_ALIASES:
            break
    return out, caption


def _addresses(props: Any) -> tuple[str, ...]:
    """Up to ``MAX_ADDRESSES`` addresses, as normalised ASCII words in their order."""
    out: list[str] = []
    for value in _values(props, "address")[:MAX_ADDRESSES]:
        text = normalize_address(value)
        if text and text not in out:
            out.append(text)
    return tuple(out) or EMPTY


def compile_entity(entity: EntityProxy | Mapping[str, Any]) -> Compiled:
    """The matching form of one entity; raises CasewatchError for an unknown schema."""
    schema, _, props = _getter(entity)
    org = is_org_schema(schema)
    aliases, caption = _aliases(props, org, is_person_schema(schema))
    id_props = _identifier_props(schema)
    ids = {normalize_identifier(v) for p in props if p in id_props for v in _values(props, p)}
    crypto = {normalize_crypto(v) for p in CRYPTO_PROPS if p in props for v in _values(props, p)}
    dates = sorted({v.strip()[:10] for v in _values(props, "birthDate") if v.strip()[:4].isdigit()})
    countries = {
        v.strip().lower()[:10] for p in COUNTRY_PROPS if p in props for v in _values(props, p) if v.strip()
    }
    family: set[str] = set()
    for value in _values(props, "lastName"):
        norm = normalize_name(value)
        if norm is not None:
            family.update(norm.tokens)
    return Compiled(
        schema,
        tuple(aliases),
        tuple(sorted(i for i in ids if len(i) >= MIN_IDENTIFIER_CHARS)) or EMPTY,
        tuple(sorted(c for c in crypto if len(c) >= 8)) or EMPTY,
        tuple(dates),
        tuple(sorted(sys.intern(c) for c in countries)) or EMPTY,
        tuple(sorted(family)) or EMPTY,
        caption,
        _addresses(props),
    )
