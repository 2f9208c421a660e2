"""The matcher's features. Each is a small function whose docstring is its explanation.

A feature takes a :class:`Pair` (query and candidate, compiled) and returns a
raw value in [0, 1]. ``score.py`` weighs them (``weights.json``) into a score.
"""

from __future__ import annotations

from collections.abc import Callable

from rapidfuzz import fuzz

from casewatch.matching.compiled import Compiled, schemata_compatible
from casewatch.matching.features.names import FULL_EVIDENCE, Known, NameMatch, best_name_match


class Pair:
    """A query and a candidate, with the name alignment computed once and shared."""

    __slots__ = ("q", "c", "_names", "frequency", "known")

    def __init__(self, q: Compiled, c: Compiled, frequency: float = 0.0, known: Known | None = None) -> None:
        self.q = q
        self.c = c
        self._names: NameMatch | None = None
        #: Watched subjects carrying every token of the query's name (0 when unknown, e.g. one pair).
        self.frequency = frequency
        #: Whether a token is a known name word of the watchlist (None when scored alone).
        self.known = known

    @property
    def names(self) -> NameMatch:
        if self._names is None:
            self._names = best_name_match(self.q, self.c, self.known)
        return self._names


def _shares(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    return any(x in b for x in a)


def name_similarity(p: Pair) -> float:
    """The names are similar: best alias pair aligned token by token (typos, word order, initials, transliteration, joined words), rare tokens and family names weighing more, unmatched query tokens costing more."""
    return p.names.score


def identifier_match(p: Pair) -> float:
    """The two entities share an identifier (registration, tax, IMO, LEI, passport or other number)."""
    return 1.0 if p.q.ids and p.c.ids and _shares(p.q.ids, p.c.ids) else 0.0


def crypto_match(p: Pair) -> float:
    """The two entities share a crypto-currency wallet address."""
    return 1.0 if p.q.crypto and p.c.crypto and _shares(p.q.crypto, p.c.crypto) else 0.0


def name_low_information(p: Pair) -> float:
    """The name match rests on little evidence: only initials, short or very common tokens matched (not counted when an identifier or address is shared)."""
    names = p.names
    if names.score <= 0.0 or _other_identity(p):
        return 0.0
    return max(0.0, 1.0 - names.evidence / FULL_EVIDENCE)


#: Conflicting token weight (one rare word on each side) at which ``name_conflict`` is full.
CONFLICT_FULL = 1.0


def name_conflict(p: Pair) -> float:
    """Each name has words the other lacks (another given name, another distinctive company word): the names point at different people or companies (not counted when an identifier or address is shared)."""
    names = p.names
    if names.score <= 0.0 or names.conflict <= 0.0 or _other_identity(p):
        return 0.0
    return min(1.0, names.conflict / CONFLICT_FULL)


def _other_identity(p: Pair) -> bool:
    """Whether something besides the name ties the pair: an identifier, an address or birth date and address."""
    return bool(identifier_match(p) or crypto_match(p) or dob_address_match(p))


def _dates(p: Pair) -> tuple[tuple[str, ...], tuple[str, ...]]:
    return p.q.dates, p.c.dates


def dob_match(p: Pair) -> float:
    """The birth dates agree (the same day, or the same year when one side gives only a year)."""
    qd, cd = _dates(p)
    for a in qd:
        for b in cd:
            if a.startswith(b) or b.startswith(a):
                return 1.0
    return 0.0


def _swapped(a: str, b: str) -> bool:
    return len(a) == len(b) == 10 and a[:4] == b[:4] and a[5:7] == b[8:10] and a[8:10] == b[5:7]


def dob_day_month_swapped(p: Pair) -> float:
    """The birth dates agree once day and month are swapped (a common data-entry slip)."""
    qd, cd = _dates(p)
    if not qd or not cd or dob_match(p):
        return 0.0
    return 1.0 if any(_swapped(a, b) for a in qd for b in cd) else 0.0


#: ``dob_year_disjoint`` when the two give the same full address: a mistyped birth date
#: is likelier than two people of one name at one address (FEBRL corrupts dates so: F1 on
#: FEBRL 4 0.977 -> 0.981, FEBRL 3 0.943 -> 0.949 at the same precision; 0 gave 0.982 / 0.956,
#: but a different birth year stays evidence against; no change on benchmarks/screening at 1M).
YEAR_DISJOINT_SAME_ADDRESS = 0.5


def dob_year_disjoint(p: Pair) -> float:
    """Both entities have birth dates and no birth year is shared (half as much when they give the same address)."""
    qd, cd = _dates(p)
    if not qd or not cd or {a[:4] for a in qd} & {b[:4] for b in cd}:
        return 0.0
    return YEAR_DISJOINT_SAME_ADDRESS if _address_value(p.q.addresses, p.c.addresses) >= 1.0 else 1.0


def dob_day_disjoint(p: Pair) -> float:
    """The birth years agree but the full birth dates differ (and are not a day/month swap)."""
    qd, cd = _dates(p)
    if not qd or not cd or dob_year_disjoint(p) or dob_match(p) or dob_day_month_swapped(p):
        return 0.0
    return 1.0


def country_match(p: Pair) -> float:
    """The entities are linked to a common country (nationality, jurisdiction, flag or address country)."""
    qc, cc = p.q.countries, p.c.countries
    return 1.0 if qc and cc and _shares(qc, cc) else 0.0


def country_mismatch(p: Pair) -> float:
    """Both entities are linked to countries and none of them is shared."""
    qc, cc = p.q.countries, p.c.countries
    return 1.0 if qc and cc and not _shares(qc, cc) else 0.0


#: token-set ratio (0-100) of two addresses at which they count as the same, or as close.
ADDRESS_SAME, ADDRESS_CLOSE = 90.0, 75.0


def _address_value(qa: tuple[str, ...], ca: tuple[str, ...]) -> float:
    if not qa or not ca:
        return 0.0
    best = max(fuzz.token_set_ratio(a, b) for a in qa for b in ca)
    return 1.0 if best >= ADDRESS_SAME else 0.5 if best >= ADDRESS_CLOSE else 0.0


def address_match(p: Pair) -> float:
    """The entities give the same address (1), or a close one (0.5): street, place and postcode written alike, word order and missing parts aside."""
    return _address_value(p.q.addresses, p.c.addresses)


def _full_dates_shared(qd: tuple[str, ...], cd: tuple[str, ...]) -> bool:
    return any(len(a) == 10 and a in cd for a in qd)


def _dob_address_value(qd: tuple[str, ...], cd: tuple[str, ...], address: float) -> float:
    """``dob_address_match`` from the dates and the ``address_match`` value."""
    if not _full_dates_shared(qd, cd):
        return 0.0
    return 1.0 if address >= 1.0 else 0.8 if address > 0.0 else 0.0


def dob_address_match(p: Pair) -> float:
    """The full birth dates agree and so do the addresses (1 the same address, 0.8 a close one): one identity, whatever the names say."""
    if not _full_dates_shared(p.q.dates, p.c.dates):  # cheap test before the address ratio
        return 0.0
    return _dob_address_value(p.q.dates, p.c.dates, _address_value(p.q.addresses, p.c.addresses))


def legal_form_mismatch(p: Pair) -> float:
    """Both organisation names carry a legal form and the forms are incompatible (a limited company vs a joint-stock company; a corporation or "company" fits either)."""
    return 1.0 if _legal_conflict(_legal_set(p.q), _legal_set(p.c)) else 0.0


#: Expected number of watched subjects sharing a name at which the penalty is full.
COMMON_NAME_FULL = 3.0


def name_common_in_watchlist(p: Pair) -> float:
    """The match rests on the name alone, that name is carried by several watched subjects, and the record's own birth date or country is not confirmed by this one (no birth date, country, identifier or address agrees)."""
    if p.frequency <= 1.0 or not (p.q.dates or p.q.countries) or p.names.score <= 0.0:
        return 0.0
    if identifier_match(p) or crypto_match(p) or dob_match(p) or dob_day_month_swapped(p) or country_match(p):
        return 0.0
    return min(1.0, (p.frequency - 1.0) / (COMMON_NAME_FULL - 1.0))


def schema_mismatch(p: Pair) -> float:
    """The entity types cannot describe the same thing (a person never matches a vessel or a company)."""
    return 0.0 if schemata_compatible(p.q.schema, p.c.schema) else 1.0


Feature = Callable[[Pair], float]

#: Main features: the score starts from the best of these (weighted).
MAIN: dict[str, Feature] = {
    "name_similarity": name_similarity,
    "identifier_match": identifier_match,
    "crypto_match": crypto_match,
    "dob_address_match": dob_address_match,
}
#: Adjustments: added to the main score (weights are signed).
ADJUSTMENTS: dict[str, Feature] = {
    "name_low_information": name_low_information,
    "name_conflict": name_conflict,
    "dob_match": dob_match,
    "dob_day_month_swapped": dob_day_month_swapped,
    "dob_year_disjoint": dob_year_disjoint,
    "dob_day_disjoint": dob_day_disjoint,
    "country_match": country_match,
    "country_mismatch": country_mismatch,
    "address_match": address_match,
    "legal_form_mismatch": legal_form_mismatch,
    "schema_mismatch": schema_mismatch,
    "name_common_in_watchlist": name_common_in_watchlist,
}
FEATURES: dict[str, Feature] = {**MAIN, **ADJUSTMENTS}
#: Features whose value rests on the name alignment (the costly part); all others are cheap.
NAME_FEATURES = frozenset({"name_similarity", "name_low_information", "name_conflict",
                           "name_common_in_watchlist"})


def _legal_set(c: Compiled) -> set[str]:
    return {f for a in c.aliases for f in a.legal}


#: Generic legal forms compatible with any other (a corporation, a "company").
NEUTRAL_FORMS = frozenset({"corp", "co"})


def _legal_conflict(ql: set[str], cl: set[str]) -> bool:
    if not ql or not cl or not ql.isdisjoint(cl):
        return False
    return not (ql & NEUTRAL_FORMS or cl & NEUTRAL_FORMS)


def cheap_features(q: Compiled, c: Compiled) -> dict[str, float]:
    """Every feature that does not rest on the name alignment, in one pass.

    The same values as the feature functions above (``tests/test_matching_speed.py``
    checks it), computed without building a :class:`Pair` or calling one function
    per feature: the scorer uses them for its upper bound before aligning names.
    """
    qd, cd = q.dates, c.dates
    dob = swapped = year = day = 0.0
    if qd and cd:
        if any(a.startswith(b) or b.startswith(a) for a in qd for b in cd):
            dob = 1.0
        elif any(_swapped(a, b) for a in qd for b in cd):
            swapped = 1.0
        if {a[:4] for a in qd}.isdisjoint({b[:4] for b in cd}):
            year = 1.0
        elif not (dob or swapped):
            day = 1.0
    address = _address_value(q.addresses, c.addresses)
    if year and address >= 1.0:
        year = YEAR_DISJOINT_SAME_ADDRESS
    qc, cc = q.countries, c.countries
    shared_country = 1.0 if qc and cc and _shares(qc, cc) else 0.0
    legal = 0.0
    ql = _legal_set(q)
    if ql:
        legal = 1.0 if _legal_conflict(ql, _legal_set(c)) else 0.0
    return {
        "identifier_match": 1.0 if q.ids and c.ids and _shares(q.ids, c.ids) else 0.0,
        "crypto_match": 1.0 if q.crypto and c.crypto and _shares(q.crypto, c.crypto) else 0.0,
        "dob_match": dob,
        "dob_day_month_swapped": swapped,
        "dob_year_disjoint": year,
        "dob_day_disjoint": day,
        "country_match": shared_country,
        "country_mismatch": 1.0 if qc and cc and not shared_country else 0.0,
        "legal_form_mismatch": legal,
        "address_match": address,
        "dob_address_match": _dob_address_value(qd, cd, address) if dob else 0.0,
    }


def explanation(name: str) -> str:
    """The explanation text of a feature: its docstring, on one line."""
    doc = FEATURES[name].__doc__ or name
    return " ".join(doc.split())
