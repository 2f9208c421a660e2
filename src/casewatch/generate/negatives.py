"""Records of people and things that are NOT watched: random ones and hard negatives.

Hard negatives are what make screening hard: the same very common given name
with another family name (``hard_negative_given``), the same family name with
another given name (``hard_negative_family``), a company name that differs
from a watched one only in its distinctive word (``hard_negative_company``),
the very common full names many people share (``common_name``, always with a
birth year no watched namesake has, where one is free), and "address
poisoning" lookalikes of watched wallets (``hard_negative_wallet``). None of
their names equals a watched name, except ``common_name`` by design.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any

from casewatch.generate import companies, identifiers, watchlist
from casewatch.generate.names import COUNTRY_LOCALE, LOCALE_WEIGHTS, LOCALES, Locale
from casewatch.generate.pool import COMMON_NAMES, name_keys
from casewatch.generate.variants import first, split_form

if TYPE_CHECKING:
    from casewatch.generate.pool import SubjectPool
    from casewatch.generate.records import TruthRow

Entity = dict[str, Any]
NEGATIVE_KINDS = {
    "random": 0.5, "hard_negative_given": 0.12, "hard_negative_family": 0.12,
    "hard_negative_company": 0.12, "common_name": 0.1, "hard_negative_wallet": 0.04,
}
RANDOM_SOURCES = {
    "registry": (["Company", "Person"], [60, 40]),
    "court": (["Person", "Company"], [60, 40]),
    "property": (["Person", "Company"], [50, 50]),
    "shipment": (["Company", "Vessel"], [70, 30]),
    "wallet_transfer": (["CryptoWallet"], [1]),
    "sanctions_list": (["Person", "Company", "Vessel", "CryptoWallet"], [45, 35, 10, 10]),
}


def fresh_name(schema: str, rng: random.Random) -> str:
    """A newly drawn name for ``schema`` (for renamed companies and vessels)."""
    entity = _random_entity(schema, rng, "tmp")
    return str(first(entity, "name") or first(entity, "publicKey"))


def _random_entity(schema: str, rng: random.Random, rid: str) -> Entity:
    if schema == "Person":
        return watchlist.make_person(rng, rid)
    if schema == "Company":
        return watchlist.make_company(rng, rid)
    if schema == "Vessel":
        # a vessel number far outside any watchlist's range keeps IMO numbers apart
        return watchlist.make_vessel(rng, rid, 600_000 + rng.randrange(300_000), rng.randrange(10**6))
    return watchlist.make_wallet(rng, rid)


def _slim(entity: Entity, rid: str, pool: SubjectPool) -> Entity:
    """A record keeps the name and a few context properties of a drawn entity.

    An identifier that happens to equal a watched subject's is left out: an
    unwatched record must not share an identifier with a watched one.
    """
    keep = {"name", "birthDate", "country", "jurisdiction", "imoNumber", "flag", "type",
            "publicKey", "currency", "registrationNumber", "address"}
    props = {
        k: v for k, v in entity["properties"].items()
        if k in keep and not (v and v[0] in pool.identifiers)
    }
    if "nationality" in entity["properties"] and "country" not in props:
        props["country"] = entity["properties"]["nationality"]
    return {"id": rid, "schema": entity["schema"], "properties": props}


def _unwatched(pool: SubjectPool, name: str) -> bool:
    return pool.name_keys.isdisjoint(name_keys(name))


def _random(pool: SubjectPool, rng: random.Random, rid: str) -> tuple[Entity, str, str]:
    source = rng.choice(list(RANDOM_SOURCES))
    schemata, weights = RANDOM_SOURCES[source]
    schema = rng.choices(schemata, weights=weights)[0]
    for _ in range(50):
        entity = _slim(_random_entity(schema, rng, rid), rid, pool)
        name = first(entity, "name")
        if name is None or _unwatched(pool, name):
            return entity, source, ""
    return entity, source, "name collided with a watched name after 50 draws"


def _token_locales() -> dict[str, str]:
    """Given and family names -> the tradition they come from (the most common one first)."""
    table: dict[str, str] = {}
    for code in sorted(LOCALE_WEIGHTS, key=lambda c: -LOCALE_WEIGHTS[c]):
        loc = LOCALES[code]
        for pool in (loc.male, loc.female, loc.family):
            for tok in pool.tokens:
                for form in (tok.latin, *tok.alts):
                    table.setdefault(form.casefold(), code)
    return table


_TOKEN_LOCALE = _token_locales()


def _locale_of(person: Entity) -> Locale:
    """The naming tradition of a watched person: by nationality, else by the given name."""
    code = COUNTRY_LOCALE.get(first(person, "nationality") or "")
    if code is None:
        code = _TOKEN_LOCALE.get((first(person, "firstName") or "").casefold(), "en")
    return LOCALES[code]


def _other_dob(rng: random.Random, subject: Entity) -> str:
    dob = first(subject, "birthDate")
    year = rng.randrange(1940, 2003)
    if dob and int(dob[:4]) == year:
        year = year + 7 if year < 1990 else year - 7
    return f"{year}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"


def _person_negative(pool: SubjectPool, rng: random.Random, rid: str, keep: str) -> Entity | None:
    """A watched person's given (``keep="given"``) or family name with another name part.

    In a big watchlist most pairs of a very common given name ("Mohammad") with a
    family name of its tradition are watched already: then another person is tried.
    """
    people = pool.schema_index.get("Person")
    if not people:
        return None
    for _ in range(5):
        subject = pool.get(people[rng.randrange(len(people))])
        given, family = first(subject, "firstName"), first(subject, "lastName")
        if not given or not family:
            continue
        loc = _locale_of(subject)
        female = first(subject, "gender") == "female"
        other = loc.family if keep == "given" else (loc.female if female else loc.male)
        for attempt in range(12):
            # common names first, then uniformly from the whole pool (the rarer names)
            token = other.draw(rng) if attempt < 4 else rng.choice(other.tokens)
            name = f"{given} {token.latin}" if keep == "given" else f"{token.latin} {family}"
            if _unwatched(pool, name):
                props = {"name": [name], "birthDate": [_other_dob(rng, subject)]}
                return {"id": rid, "schema": "Person", "properties": props}
    return None


def _company_negative(pool: SubjectPool, rng: random.Random, rid: str) -> Entity | None:
    firms = pool.schema_index.get("Company")
    if not firms:
        return None
    subject = pool.get(firms[rng.randrange(len(firms))])
    words, form = split_form(first(subject, "name") or "")
    generic = set(companies.GENERIC) | set(companies.ADJECTIVES)
    distinctive = [i for i, w in enumerate(words) if w not in generic] or list(range(len(words)))
    for _ in range(20):
        out = list(words)
        i = rng.choice(distinctive)
        out[i] = companies.invented_word(rng) if rng.random() < 0.7 else rng.choice(companies.ADJECTIVES)
        name = companies.compose(out, form)
        if out != words and _unwatched(pool, name):
            props = {"name": [name], "country": subject["properties"].get("country", [])}
            return {"id": rid, "schema": "Company", "properties": {k: v for k, v in props.items() if v}}
    return None


def _common_name(pool: SubjectPool, rng: random.Random, rid: str) -> Entity:
    name = rng.choice(COMMON_NAMES)
    taken = pool.common_years.get(name.casefold(), set())
    free = [y for y in range(1940, 2003) if y not in taken] or list(range(2003, 2007))
    dob = f"{rng.choice(free)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"
    return {"id": rid, "schema": "Person", "properties": {"name": [name], "birthDate": [dob]}}


def _wallet_negative(pool: SubjectPool, rng: random.Random, rid: str) -> Entity | None:
    wallets = pool.schema_index.get("CryptoWallet")
    if not wallets:
        return None
    subject = pool.get(wallets[rng.randrange(len(wallets))])
    address = first(subject, "publicKey") or ""
    props = {"publicKey": [identifiers.lookalike_address(address, rng)],
             "currency": subject["properties"].get("currency", [])}
    return {"id": rid, "schema": "CryptoWallet", "properties": props}


def make_negative(pool: SubjectPool, rng: random.Random, rid: str) -> tuple[Entity, TruthRow]:
    """One unwatched record: random (half) or a hard negative (the other half)."""
    from casewatch.generate.records import TruthRow, sources_for

    kind = rng.choices(list(NEGATIVE_KINDS), weights=list(NEGATIVE_KINDS.values()))[0]
    entity: Entity | None = None
    if kind in ("hard_negative_given", "hard_negative_family"):
        entity = _person_negative(pool, rng, rid, "given" if kind.endswith("given") else "family")
    elif kind == "hard_negative_company":
        entity = _company_negative(pool, rng, rid)
    elif kind == "common_name":
        entity = _common_name(pool, rng, rid)
    elif kind == "hard_negative_wallet":
        entity = _wallet_negative(pool, rng, rid)
    if entity is not None:
        source = rng.choice(sources_for(entity["schema"]))
        return entity, TruthRow(rid, None, kind, source)
    entity, source, note = _random(pool, rng, rid)
    return entity, TruthRow(rid, None, "random", source, note)

