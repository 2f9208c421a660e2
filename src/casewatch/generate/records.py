"""Generate a record stream against a watchlist, with the ground truth of every record.

``generate_records(watchlist, size, seed, variant_fraction)`` yields
``(entity, TruthRow)`` pairs. Exactly ``round(size * variant_fraction)``
records are variants of watched subjects (one variant kind each, the kinds in
equal shares where the watchlist allows); the rest are not watched: plain
random entities and hard negatives. Records come from six kinds of source and
carry new ids; only ``identifier`` variants copy a subject's identifier.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from typing import Any

from casewatch.generate import negatives
from casewatch.generate.pool import ORG_SCHEMATA, SubjectPool
from casewatch.generate.variants import VARIANTS, first

Entity = dict[str, Any]
VARIANT_KINDS = [
    "typo", "transliteration", "reorder", "dropped_middle", "initials", "legal_form",
    "joined_split", "alias", "identifier", "exact",
]
SOURCES_BY_SCHEMA = {
    "Person": ["registry", "court", "property", "sanctions_list"],
    "Company": ["registry", "court", "property", "shipment", "sanctions_list"],
    "Vessel": ["shipment", "sanctions_list"],
    "CryptoWallet": ["wallet_transfer", "sanctions_list"],
    "Airplane": ["sanctions_list"],
}
UPPER_CASE_SOURCES = {"registry", "shipment", "sanctions_list"}
IDENTIFIER_PROPS = {
    "Person": ["passportNumber"],
    "Company": ["registrationNumber", "leiCode", "ogrnCode", "innCode"],
    "Vessel": ["imoNumber"],
    "CryptoWallet": ["publicKey"],
    "Airplane": ["registrationNumber"],
}


@dataclass(frozen=True)
class TruthRow:
    """What a record really is: a variant of ``subject_id`` (or of nobody), and how."""

    record_id: str
    subject_id: str | None
    kind: str
    source: str
    note: str = ""

    def to_dict(self) -> dict[str, str | None]:
        return asdict(self)


def record_id(seed: int, index: int) -> str:
    return f"rec-{seed}-{index}"


def _copy_context(subject: Entity, props: dict[str, list[str]], rng: random.Random) -> None:
    """Plausible extra properties taken from the subject (sometimes) or left out."""
    sp = subject["properties"]
    schema = subject["schema"]
    if schema == "Person":
        dob = first(subject, "birthDate")
        roll = rng.random()
        if dob and roll < 0.5:
            props["birthDate"] = [dob]
        elif dob and roll < 0.65:
            props["birthDate"] = [dob[:4]]
        nat = first(subject, "nationality")
        if nat and rng.random() < 0.5:
            props["country"] = [nat]
    elif schema in ORG_SCHEMATA:
        if sp.get("country") and rng.random() < 0.7:
            props["country"] = sp["country"]
        if sp.get("address") and rng.random() < 0.3:
            props["address"] = sp["address"]
    elif schema == "Vessel":
        if rng.random() < 0.6:
            props["flag"] = sp.get("flag", [])
        if rng.random() < 0.5:
            props["type"] = sp.get("type", [])
    elif schema == "CryptoWallet":
        props["currency"] = sp.get("currency", [])
    for key in [k for k, v in props.items() if not v]:
        del props[key]


def _identifier_props(schema: str) -> list[str]:
    return IDENTIFIER_PROPS.get(schema, IDENTIFIER_PROPS["Company"])


def sources_for(schema: str) -> list[str]:
    return SOURCES_BY_SCHEMA.get(schema, SOURCES_BY_SCHEMA["Company"])


def _identifier_variant(subject: Entity, rng: random.Random) -> tuple[dict[str, list[str]], str] | None:
    """Copy one identifier; the name may be the same, slightly off, or entirely different."""
    sp = subject["properties"]
    held = [p for p in _identifier_props(subject["schema"]) if sp.get(p)]
    if not held:
        return None
    prop = rng.choice(held)
    props: dict[str, list[str]] = {prop: [sp[prop][0]]}
    if subject["schema"] == "CryptoWallet":
        return props, prop
    roll = rng.random()
    name = first(subject, "name") or ""
    if roll < 0.4:
        props["name"] = [name]
    elif roll < 0.7:
        typo = VARIANTS["typo"](subject, rng)
        props["name"] = [typo[0] if typo else name]
    else:
        props["name"] = [negatives.fresh_name(subject["schema"], rng)]
        return props, f"{prop} shared, name differs"
    return props, f"{prop} shared"


def make_variant(
    pool: SubjectPool, kind: str, rng: random.Random, rid: str
) -> tuple[Entity, TruthRow] | None:
    """A record that varies a watched subject by ``kind``; None if no subject allows it."""
    candidates = pool.eligible.get(kind)
    if not candidates:
        return None
    for _ in range(20):
        subject = pool.get(candidates[rng.randrange(len(candidates))])
        if kind == "identifier":
            made = _identifier_variant(subject, rng)
            if made is None:
                continue
            props, note = made
        else:
            variant = VARIANTS[kind](subject, rng)
            if variant is None:
                continue
            props, note = {"name": [variant[0]]}, variant[1]
        _copy_context(subject, props, rng)
        source = rng.choice(sources_for(subject["schema"]))
        entity = {"id": rid, "schema": subject["schema"], "properties": props}
        return entity, TruthRow(rid, subject["id"], kind, source, note)
    return None


def generate_records(
    watchlist: Iterable[Entity] | SubjectPool,
    size: int,
    seed: int = 0,
    variant_fraction: float = 0.5,
) -> Iterator[tuple[Entity, TruthRow]]:
    """Yield ``size`` records with their truth, deterministic for the watchlist and ``seed``."""
    if size < 1:
        raise ValueError("size must be at least 1")
    if not 0.0 <= variant_fraction <= 1.0:
        raise ValueError("variant fraction must be between 0 and 1")
    pool = watchlist if isinstance(watchlist, SubjectPool) else SubjectPool.from_entities(watchlist)
    if len(pool) == 0:
        raise ValueError("the watchlist has no screening subjects (persons, companies, vessels...)")
    rng = random.Random(seed)
    kinds = [k for k in VARIANT_KINDS if pool.eligible.get(k)]
    variants_left = round(size * variant_fraction)
    if variants_left and not kinds:
        raise ValueError("no watchlist subject has a name or identifier to make variants of")
    for index in range(size):
        rid = record_id(seed, index)
        made: tuple[Entity, TruthRow] | None = None
        if rng.random() * (size - index) < variants_left:
            variants_left -= 1
            for kind in (rng.choice(kinds), "exact", "identifier"):
                made = make_variant(pool, kind, rng, rid)
                if made is not None:
                    break
        if made is None:
            made = negatives.make_negative(pool, rng, rid)
        yield _house_style(made, rng)


def _house_style(made: tuple[Entity, TruthRow], rng: random.Random) -> tuple[Entity, TruthRow]:
    """Registries, manifests and lists often print names in capitals: a fifth of theirs do."""
    entity, row = made
    names = entity["properties"].get("name")
    if names and row.kind != "exact" and row.source in UPPER_CASE_SOURCES and rng.random() < 0.2:
        entity["properties"]["name"] = [n.upper() for n in names]
    return entity, row
