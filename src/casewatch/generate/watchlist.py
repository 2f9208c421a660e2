"""Generate a watchlist of FtM entities: people, companies, vessels and crypto wallets.

``generate_watchlist(size, seed)`` yields plain FtM dicts (``id``, ``schema``,
``properties``), about 45% Person, 35% Company, 10% Vessel and 10% CryptoWallet,
deterministic for a given ``(size, seed)``: the first ``n`` entities of a
larger list equal a smaller list of the same seed.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

from casewatch.generate import companies, identifiers, vessels
from casewatch.generate.names import LOCALE_WEIGHTS, LOCALES, Locale, PersonName
from casewatch.generate.sampling import Weighted

Entity = dict[str, Any]
SCHEMA_MIX = {"Person": 45, "Company": 35, "Vessel": 10, "CryptoWallet": 10}
#: Share of native-script persons that also carry their name in the native script.
NATIVE_ALIAS_SHARE = 0.6
PASSPORT_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"


def entity_id(seed: int, index: int) -> str:
    """Stable watchlist subject id."""
    return f"wl-{seed}-{index}"


def _date(rng: random.Random, start: int, end: int, year_only: float = 0.0) -> str:
    year = rng.randrange(start, end)
    if rng.random() < year_only:
        return str(year)
    return f"{year}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"


def _person_aliases(rng: random.Random, loc: Locale, pn: PersonName) -> list[str]:
    aliases: list[str] = []
    native = pn.native()
    if native and rng.random() < NATIVE_ALIAS_SHARE:
        aliases.append(native)
    roll = rng.random()
    if roll < 0.25:
        if loc.native and any(t.alts for t in pn.parts()):
            # another published romanisation of the same name
            alt = " ".join(rng.choice((t.latin, *t.alts)) for t in pn.parts())
            if alt != pn.latin():
                aliases.append(alt)
        else:
            other = loc.family.draw(rng).latin
            aliases.append(f"{pn.form(pn.given)} {other}")
    elif roll < 0.3:
        other = (loc.female if pn.female else loc.male).draw(rng).latin
        aliases.append(f"{other} {pn.form(pn.family)}")
    return [a for a in dict.fromkeys(aliases) if a != pn.latin()]


_LOCALE_DRAW = Weighted([LOCALES[c] for c in LOCALE_WEIGHTS], list(LOCALE_WEIGHTS.values()))
_SCHEMA_DRAW = Weighted(list(SCHEMA_MIX), list(SCHEMA_MIX.values()))
_FLAG_DRAW = Weighted(vessels.FLAGS, vessels.FLAG_WEIGHTS)
_CURRENCY_DRAW = Weighted(vessels.WALLET_CURRENCIES, vessels.WALLET_WEIGHTS)


def make_person(rng: random.Random, eid: str) -> Entity:
    """One listed person: Latin name, parts, aliases (native script for some), birth date."""
    loc = _LOCALE_DRAW.draw(rng)
    pn = loc.person(rng)
    props: dict[str, list[str]] = {
        "name": [pn.latin()],
        "firstName": [pn.form(pn.given)],
        "lastName": [pn.form(pn.family)],
        "gender": ["female" if pn.female else "male"],
    }
    if pn.middle is not None:
        props["middleName"] = [pn.form(pn.middle)]
    aliases = _person_aliases(rng, loc, pn)
    if aliases:
        props["alias"] = aliases
    if rng.random() < 0.9:
        props["birthDate"] = [_date(rng, 1940, 2003, year_only=0.2)]
    if rng.random() < 0.85:
        props["nationality"] = [rng.choice(loc.countries)]
    if rng.random() < 0.25:
        number = "".join(rng.choices(PASSPORT_LETTERS, k=2)) + f"{rng.randrange(10**7):07d}"
        props["passportNumber"] = [number]
    return {"id": eid, "schema": "Person", "properties": props}


_FAMILY_NAMES = [t.latin for code in ("en", "de", "it", "tr") for t in LOCALES[code].family.tokens[:60]]


def make_company(rng: random.Random, eid: str) -> Entity:
    """One listed company: name with a legal form, jurisdiction, identifiers, address."""
    cn = companies.company_name(rng, _FAMILY_NAMES)
    jur = cn.jurisdiction
    props: dict[str, list[str]] = {"name": [cn.text()], "jurisdiction": [jur], "country": [jur]}
    aliases = [cn.native] if cn.native else []
    if rng.random() < 0.15:
        aliases.append(companies.compose([companies.invented_word(rng)], cn.form))
    if aliases:
        props["alias"] = aliases
    if rng.random() < 0.8:
        props["registrationNumber"] = [companies.registration_number(rng, jur)]
        if jur == "ru":
            props["ogrnCode"] = props["registrationNumber"]
            props["innCode"] = [identifiers.inn10(rng)]
    if rng.random() < 0.15:
        props["leiCode"] = [identifiers.lei(rng)]
    if rng.random() < 0.6:
        props["address"] = [companies.address(rng, jur)]
    if rng.random() < 0.7:
        props["incorporationDate"] = [_date(rng, 1992, 2025)]
    return {"id": eid, "schema": "Company", "properties": props}


def make_vessel(rng: random.Random, eid: str, number: int, seed: int) -> Entity:
    """One listed vessel: name, unique valid IMO number, flag, type, build year."""
    name, native = vessels.vessel_name(rng)
    flag = _FLAG_DRAW.draw(rng)
    props: dict[str, list[str]] = {
        "name": [name],
        "imoNumber": [identifiers.imo_number(number, seed)],
        "flag": [flag],
        "type": [rng.choice(vessels.VESSEL_TYPES)],
        "buildDate": [str(rng.randrange(1975, 2024))],
    }
    aliases = [native] if native else []
    if rng.random() < 0.25:
        past, _ = vessels.vessel_name(rng)
        if past != name:
            props["previousName"] = [past]
            aliases.append(past)
    if aliases:
        props["alias"] = aliases
    if rng.random() < 0.6:
        props["mmsi"] = [vessels.mmsi(rng, flag)]
    if rng.random() < 0.5:
        props["pastFlags"] = [rng.choice(vessels.FLAGS)]
    return {"id": eid, "schema": "Vessel", "properties": props}


def make_wallet(rng: random.Random, eid: str) -> Entity:
    """One listed crypto wallet: a well-formed address and its currency."""
    currency = _CURRENCY_DRAW.draw(rng)
    address = identifiers.crypto_address(rng, currency)
    props = {"publicKey": [address], "currency": [currency]}
    return {"id": eid, "schema": "CryptoWallet", "properties": props}


def generate_watchlist(size: int, seed: int = 0) -> Iterator[Entity]:
    """Yield ``size`` watchlist entities as FtM dicts, deterministic for ``seed``."""
    if size < 1:
        raise ValueError("size must be at least 1")
    rng = random.Random(seed)
    vessel_no = 0
    for index in range(size):
        schema = _SCHEMA_DRAW.draw(rng)
        eid = entity_id(seed, index)
        if schema == "Person":
            yield make_person(rng, eid)
        elif schema == "Company":
            yield make_company(rng, eid)
        elif schema == "Vessel":
            yield make_vessel(rng, eid, vessel_no, seed)
            vessel_no += 1
        else:
            yield make_wallet(rng, eid)
