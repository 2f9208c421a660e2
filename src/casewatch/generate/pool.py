"""The watched subjects a record stream is drawn from, indexed by what can be done with them.

Subjects are kept as compact JSON bytes (a million take a few hundred MB, not
gigabytes of dicts) and decoded on demand. Per variant kind the pool lists the
subjects the kind can apply to, and it keeps 64-bit keys of every watched name
so that "unwatched" records never reuse a watched name by accident.
"""

from __future__ import annotations

import hashlib
import unicodedata
from array import array
from collections.abc import Iterable
from typing import Any

import orjson

from casewatch.generate import companies
from casewatch.generate.names import COUNTRY_LOCALE, LOCALES

Entity = dict[str, Any]
NATIVE_COUNTRIES = {c for c, code in COUNTRY_LOCALE.items() if LOCALES[code].native}
#: Organisations get company variants (legal forms, registration numbers).
ORG_SCHEMATA = frozenset({"Company", "Organization", "LegalEntity", "PublicBody"})
#: What a watchlist subject can be; other entities in a watchlist file (addresses,
#: sanctions, ownerships...) are read and skipped.
SUBJECT_SCHEMATA = ORG_SCHEMATA | {"Person", "Vessel", "CryptoWallet", "Airplane"}


def fold(text: str) -> str:
    """Case, diacritics and German umlaut spellings folded away (Müller = MUELLER = Muller)."""
    text = text.casefold().replace("ı", "i")
    if not text.isascii():
        text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return text.replace("ue", "u").replace("oe", "o").replace("ae", "a").replace("-", " ")


def _canonical_tokens() -> dict[str, str]:
    """Every pooled spelling of a name token (romanisations, native script) -> one form."""
    table: dict[str, str] = {}
    for loc in LOCALES.values():
        for pool in (loc.male, loc.female, loc.family):
            for tok in pool.tokens:
                canon = fold(tok.latin)
                for form in (tok.latin, *tok.alts, tok.native or ""):
                    if form and " " not in form:
                        table.setdefault(fold(form), canon)
    return table


CANONICAL = _canonical_tokens()


def _legal_words() -> frozenset[str]:
    """Every word of a legal form the generator writes ("ltd", "obshchestvo", "co", "dmcc"...)."""
    local = [form for forms, _ in companies.JURISDICTIONS.values() for form in forms]
    forms = [*companies.LIMITED, *companies.STOCK, *companies.SPELLED.values(), *local]
    return frozenset(w for form in forms for w in fold(form).split())


LEGAL_WORDS = _legal_words()


_FEMININE = (("skaya", "skiy"), ("tskaya", "tskiy"), ("ova", "ov"), ("eva", "ev"), ("yova", "yov"),
             ("ina", "in"))


def _masculine(token: str) -> str:
    """A Slavic family name in its masculine form (Ivanova → Ivanov): one name in two genders."""
    if len(token) > 5:
        for female, male in _FEMININE:
            if token.endswith(female):
                return token[: -len(female)] + male
    return token


def _canonical(name: str) -> list[str]:
    tokens = ["".join(ch for ch in t if ch.isalnum()) for t in fold(name).replace(",", " ").split()]
    tokens = [_masculine(CANONICAL.get(t, t)) for t in tokens if t]
    bare = [t for t in tokens if t not in LEGAL_WORDS]
    return bare or tokens


def _key(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")


#: Words that say what a company does in general terms, not which company it is: two
#: names that differ only by these ("Techlink Trading Co Ltd" / "Techlink Co Ltd") are
#: one name to a screener, so never a hard negative of each other.
ORG_FILLER = frozenset(fold(w) for w in """Trading Holdings Group Logistics Shipping International
    Investments Capital Global Services Resources Solutions Enterprises Ventures Partners Management
    Industries Commercial Industrial Development Consulting Systems Technologies Navigation
    Maritime Marine Transport Import Export Finance Engineering Supply Co Company Sons""".split())


def name_keys(name: str) -> tuple[int, int, int]:
    """Three stable 64-bit keys of a name; names sharing any are the same name to the generator.

    Both fold case and accents, spell each token canonically and drop legal forms
    ("Mohammed Al-Hassan" = "MUHAMMAD AL HASAN", "White Trading Inc" = "White
    Trading LLC"). The first sorts the tokens (word order does not make another
    name), the second joins them in order without spaces ("Yug Metallurg" =
    "YugMetallurg"), the third drops generic business words (:data:`ORG_FILLER`).
    Unwatched records never carry a name that differs from a watched one only in
    ways a matcher must see through (the generator's own variant kinds: spelling,
    order, legal form, joined or split words, aliases) or only by generic words.
    """
    tokens = _canonical(name)
    core = [t for t in tokens if t not in ORG_FILLER] or tokens
    return _key(" ".join(sorted(tokens))), _key("".join(tokens)), _key("core " + " ".join(sorted(core)))


def common_names() -> set[str]:
    """The very common full names: the top given names × top family names of each locale."""
    out = set()
    for loc in LOCALES.values():
        for given in loc.male.common(4) + loc.female.common(2):
            for family in loc.family.common(4):
                parts = (family, given) if loc.code == "zh" else (given, family)
                out.add(f"{parts[0].latin} {parts[1].latin}")
    return out


COMMON_NAMES = sorted(common_names())
IDENTIFIER_PROPS = ("passportNumber", "registrationNumber", "leiCode", "ogrnCode", "innCode",
                    "imoNumber", "mmsi", "publicKey")


def _is_latin(text: str) -> bool:
    return all(ch < "\u0250" for ch in text)


def _shortened(names: list[str]) -> list[str]:
    """A person's names without their middle names, or without one of their given names."""
    out: list[str] = []
    for parts in (n.split() for n in names):
        if len(parts) >= 3:
            out.append(f"{parts[0]} {parts[-1]}")
            out.extend(" ".join(parts[:i] + parts[i + 1:]) for i in range(len(parts) - 1))
    return out


class SubjectPool:
    """Watched subjects, addressable by position, with per-kind eligibility lists."""

    def __init__(self) -> None:
        self._raw: list[bytes] = []
        #: entities that are not screening subjects (see SUBJECT_SCHEMATA), not kept
        self.skipped = 0
        self.eligible: dict[str, array[int]] = {}
        self.schema_index: dict[str, array[int]] = {}
        self.name_keys: set[int] = set()
        #: every identifier value of a watched subject (IMO, registration number, address...)
        self.identifiers: set[str] = set()
        #: common name (casefolded) -> birth years of watched people with that name
        self.common_years: dict[str, set[int]] = {}
        self._common = {n.casefold() for n in COMMON_NAMES}

    def __len__(self) -> int:
        return len(self._raw)

    def get(self, index: int) -> Entity:
        data: Entity = orjson.loads(self._raw[index])
        return data

    def add(self, entity: Entity, raw: bytes | None = None) -> None:
        """Add one subject (an FtM dict; ``raw`` is its JSON if already at hand)."""
        schema: str = entity["schema"]
        if schema not in SUBJECT_SCHEMATA:
            self.skipped += 1
            return
        index = len(self._raw)
        self._raw.append(raw if raw is not None else orjson.dumps(entity))
        props: dict[str, list[str]] = entity.get("properties", {})
        self.schema_index.setdefault(schema, array("I")).append(index)
        names = props.get("name", []) + props.get("alias", [])
        if schema == "Person":  # "Sergey Ivanovich Ivanov" is also watched as "Sergey Ivanov",
            names = names + _shortened(names)  # "David James Campbell" as "James Campbell"
        for name in names:
            self.name_keys.update(name_keys(name))
        eligible = self.eligible
        for prop in IDENTIFIER_PROPS:
            for value in props.get(prop, ()):
                self.identifiers.add(value)
        for kind in self._kinds(schema, props):
            lst = eligible.get(kind)
            if lst is None:
                lst = eligible[kind] = array("I")
            lst.append(index)
        if schema == "Person":  # every name and alias, with and without middle names
            for name in {n.casefold() for n in names} & self._common:
                years = self.common_years.setdefault(name, set())
                for date in props.get("birthDate", []):
                    years.add(int(date[:4]))

    @staticmethod
    def _kinds(schema: str, props: dict[str, list[str]]) -> list[str]:
        if schema == "CryptoWallet":
            return ["identifier"] if props.get("publicKey") else []
        aliases = props.get("alias", [])
        name = (props.get("name") or [""])[0]
        if not name:
            return ["identifier"] if schema == "Vessel" and props.get("imoNumber") else []
        kinds = ["exact", "typo", "joined_split"]
        if aliases:
            kinds.append("alias")
        if " " in name:
            kinds.append("reorder")
        if schema == "Person":
            kinds.append("initials")
            if props.get("middleName"):
                kinds.append("dropped_middle")
            if props.get("passportNumber"):
                kinds.append("identifier")
            nat = (props.get("nationality") or [""])[0]
            if nat in NATIVE_COUNTRIES or any(not _is_latin(a) for a in aliases):
                kinds.append("transliteration")
        elif schema in ORG_SCHEMATA:
            kinds.append("legal_form")
            if props.get("registrationNumber") or props.get("leiCode"):
                kinds.append("identifier")
            if any(not _is_latin(a) for a in aliases):
                kinds.append("transliteration")
        elif schema == "Vessel" and props.get("imoNumber"):
            kinds.append("identifier")
        if schema == "Vessel" and any(not _is_latin(a) for a in aliases):
            kinds.append("transliteration")
        return kinds

    @classmethod
    def from_entities(cls, entities: Iterable[Entity]) -> SubjectPool:
        pool = cls()
        for entity in entities:
            pool.add(entity)
        return pool
