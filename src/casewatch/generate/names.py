"""Person names across locales: pools with Zipf weights, native scripts, romanisations.

Each locale draws given, middle and family names from its pools; common names
come first in the pools and are drawn far more often (Zipf weights), so the
"John Smith" and "Mohammed Al-Hassan" collisions that make screening hard are
there, while the long tails keep a million subjects from being duplicates.
"""

from __future__ import annotations

import functools
import itertools
import random
from dataclasses import dataclass

from casewatch.generate import pools_latin, pools_native, tails
from casewatch.generate.sampling import Weighted
from casewatch.generate.translit import female_family, patronymic, romanise


@dataclass(frozen=True)
class Token:
    """One name token: its published Latin form, other romanisations, native script form."""

    latin: str
    alts: tuple[str, ...] = ()
    native: str | None = None


#: Zipf exponents: family names are spread wider than given names (as in real populations).
GIVEN_S = 0.9
FAMILY_S = 0.75


class Pool:
    """Tokens with Zipf weights (rank r drawn with weight 1 / (r + 2) ** s)."""

    def __init__(self, tokens: list[Token], s: float = GIVEN_S) -> None:
        self.tokens = tokens
        self._weighted = Weighted(tokens, [1.0 / (rank + 2) ** s for rank in range(len(tokens))])

    def draw(self, rng: random.Random) -> Token:
        return self._weighted.draw(rng)

    def common(self, n: int) -> list[Token]:
        """The ``n`` most common tokens."""
        return self.tokens[:n]


def _latin_pool(text: str, accents: dict[str, str], s: float = GIVEN_S) -> Pool:
    """Latin tokens; where the name has diacritics, ``latin`` has them and ``alts`` the ASCII."""
    tokens = []
    for word in text.split():
        plain = word.replace("_", " ")
        accented = accents.get(plain)
        tokens.append(Token(accented, (plain,)) if accented else Token(plain))
    return Pool(tokens, s)


def _accents(code: str) -> dict[str, str]:
    pairs = (e.partition("=") for e in pools_latin.DIACRITICS.get(code, "").split())
    return {plain: accented for plain, _, accented in pairs if accented != plain}


def _native_tokens(text: str) -> list[Token]:
    tokens = []
    for entry in text.split():
        native, _, latin = entry.partition("=")
        forms = [f.replace("_", " ") for f in latin.split("|")] if latin else []
        tokens.append(Token(forms[0], tuple(forms[1:]), native.replace("_", " ")))
    return tokens


@functools.lru_cache(maxsize=8192)
def _russian_token(word: str, override: str | None = None) -> Token:
    bgn, icao = romanise(word, "bgn"), romanise(word, "icao")
    primary = override or bgn
    alts = tuple(dict.fromkeys(f for f in (bgn, icao) if f != primary))
    return Token(primary, alts, word)


def _russian_pool(text: str) -> list[Token]:
    out = []
    for entry in text.split():
        native, _, english = entry.partition("=")
        out.append(_russian_token(native, english or None))
    return out


@dataclass
class PersonName:
    """The parts of one generated person name, in display order."""

    given: Token
    family: Token
    middle: Token | None = None
    family_first: bool = False
    female: bool = False
    locale: str = ""
    #: publish Latin-locale names without diacritics (Mueller, not Müller)
    plain: bool = False

    def parts(self) -> list[Token]:
        if self.family_first:
            return [self.family, self.given]
        return [t for t in (self.given, self.middle, self.family) if t is not None]

    def form(self, token: Token | None) -> str:
        """How this name publishes ``token``: with diacritics or, if ``plain``, without."""
        if token is None:
            return ""
        if self.plain and token.alts and token.native is None:
            return token.alts[0]
        return token.latin

    def latin(self) -> str:
        return " ".join(self.form(t) for t in self.parts())

    def native(self) -> str | None:
        if any(t.native is None for t in self.parts()):
            return None
        sep = "" if self.locale == "zh" else " "
        return sep.join(t.native or "" for t in self.parts())


@dataclass
class Locale:
    """A naming tradition: its pools, the countries it is published with, its habits."""

    code: str
    male: Pool
    female: Pool
    family: Pool
    countries: list[str]
    middle_share: float = 0.0
    native: bool = False

    def person(self, rng: random.Random) -> PersonName:
        """Draw one person name."""
        female = rng.random() < 0.4
        given = (self.female if female else self.male).draw(rng)
        family = self.family.draw(rng)
        middle: Token | None = None
        if self.code == "ru":
            family = _russian_female(family) if female else family
            if rng.random() < self.middle_share:
                middle = _russian_token(patronymic(self.male.draw(rng).native or "", female))
        elif self.code == "ar" and rng.random() < self.middle_share:
            middle = self.male.draw(rng)  # the father's name (nasab)
        elif self.code == "hi" and rng.random() < self.middle_share:
            roll = rng.random()
            if roll < 0.35:  # Kumar / Kumari, or the father's name (western and southern India)
                middle = Token("Kumari", (), "कुमारी") if female else Token("Kumar", (), "कुमार")
            else:
                middle = self.male.draw(rng)
        elif self.code == "fa":
            # compound given names (Mohammad Ali, Mohammad Reza) are for men
            if not female and rng.random() < self.middle_share:
                middle = self.male.draw(rng)
                middle = None if middle.latin == given.latin else middle
        elif rng.random() < self.middle_share:
            middle = (self.female if female else self.male).draw(rng)
            if middle.latin == given.latin:
                middle = None
        if self.code in ("es", "pt") and rng.random() < 0.6:
            second = self.family.draw(rng)
            if second.latin != family.latin:
                ascii_pair = f"{(family.alts or (family.latin,))[0]} {(second.alts or (second.latin,))[0]}"
                latin = f"{family.latin} {second.latin}"
                family = Token(latin, (ascii_pair,) if ascii_pair != latin else ())
        plain = not self.native and rng.random() < 0.5
        if self.code == "zh":
            return PersonName(given, family, None, True, female, self.code, plain)
        return PersonName(given, family, middle, False, female, self.code, plain)


def _russian_female(token: Token) -> Token:
    native = token.native or ""
    fem = female_family(native)
    return token if fem == native else _russian_token(fem)


def _chinese_given() -> list[Token]:
    chars = _native_tokens(pools_native.CHINESE_GIVEN)
    out = list(chars)
    for a, b in itertools.product(chars, chars):
        if a.native == b.native:
            continue
        latin = a.latin + b.latin.lower()
        alts = [f"{x}-{y.lower()}" for x, y in zip((a.latin, *a.alts), (b.latin, *b.alts), strict=False)]
        alts.append(f"{a.latin} {b.latin}")
        out.append(Token(latin, tuple(dict.fromkeys(alts)), (a.native or "") + (b.native or "")))
    # two-character names are the norm: put them first, single characters after
    return out[len(chars):] + chars


def _persian_compounds(male: list[Token]) -> list[Token]:
    """Persian family names formed from given names: Hosseinzadeh, Alipour, Ahmadinejad, Rezaifar."""
    out = []
    bases = [t for t in male[:50] if " " not in t.latin and "-" not in t.latin and t.native]
    for tok in bases:
        base = tok.latin
        out.append(Token(f"{base}zadeh", (f"{base}zade", f"{base}-Zadeh"), f"{tok.native}\u200cزاده"))
        out.append(Token(f"{base}pour", (f"{base}pur", f"{base}-Pour"), f"{tok.native}\u200cپور"))
    for latin, alts, native in tails.persian_tail([(t.latin, t.native or "") for t in bases]):
        out.append(Token(latin, alts, native))
    return out


def _latin_tail(code: str) -> list[Token]:
    out = []
    for name in tails.latin_tail(code):
        plain = tails.ascii_fold(name, german=code == "de")
        out.append(Token(name, (plain,)) if plain != name else Token(name))
    return out


def _with_tail(pooled: list[Token], tail: list[Token]) -> Pool:
    """A family-name pool: the hand-written names first, then the rarer composed ones."""
    tokens = list(pooled)
    seen = {t.latin for t in pooled}
    for tok in tail:
        if tok.latin not in seen:
            seen.add(tok.latin)
            tokens.append(tok)
    return Pool(tokens, FAMILY_S)


def _build() -> dict[str, Locale]:
    locales: dict[str, Locale] = {}
    middle = {"en": 0.45, "es": 0.3, "de": 0.35, "fr": 0.3, "tr": 0.35, "it": 0.25, "pt": 0.35}
    for code, (pools, countries) in pools_latin.LATIN_LOCALES.items():
        acc = _accents(code)
        locales[code] = Locale(
            code, _latin_pool(pools["male"], acc), _latin_pool(pools["female"], acc),
            _with_tail(_latin_pool(pools["family"], acc, FAMILY_S).tokens, _latin_tail(code)),
            countries, middle[code],
        )
    ru = pools_native.RUSSIAN
    locales["ru"] = Locale(
        "ru", Pool(_russian_pool(ru["male"])), Pool(_russian_pool(ru["female"])),
        _with_tail(_russian_pool(ru["family"]), [_russian_token(n) for n in tails.russian_tail()]),
        ["ru", "ru", "ru", "by", "kz", "ua"], 0.8, True,
    )
    for code, pools, countries, mid in (
        ("ar", pools_native.ARABIC, ["sy", "iq", "sa", "ae", "eg", "ly", "ye", "lb", "jo", "sd"], 0.6),
        ("fa", pools_native.PERSIAN, ["ir", "ir", "ir", "af"], 0.3),
        ("hi", pools_native.HINDI, ["in", "in", "in", "np"], 0.4),
    ):
        male = _native_tokens(pools["male"])
        family = _native_tokens(pools["family"])
        tail: list[Token] = []
        if code == "fa":
            tail = _persian_compounds(male)
        elif code == "ar":
            tail = [t for t in male if " " not in t.latin]  # a grandfather's name as family name
        locales[code] = Locale(
            code, Pool(male), Pool(_native_tokens(pools["female"])),
            _with_tail(family, tail), countries, mid, True,
        )
    given = Pool(_chinese_given(), s=0.6)
    locales["zh"] = Locale(
        "zh", given, given, Pool(_native_tokens(pools_native.CHINESE_FAMILY), FAMILY_S),
        ["cn", "cn", "cn", "hk", "tw", "sg"], 0.0, True,
    )
    return locales


LOCALES: dict[str, Locale] = _build()
#: How often each locale is drawn for a watchlist person (sanctions lists skew this way).
LOCALE_WEIGHTS: dict[str, float] = {
    "en": 14, "ru": 16, "ar": 16, "fa": 8, "zh": 10, "es": 9, "hi": 6, "tr": 6,
    "de": 5, "fr": 5, "it": 3, "pt": 2,
}


def _reverse() -> dict[str, dict[str, Token]]:
    """Per native locale: folded Latin form (any romanisation) -> token."""
    out: dict[str, dict[str, Token]] = {}
    for code, loc in LOCALES.items():
        if not loc.native:
            continue
        table: dict[str, Token] = {}
        for pool in (loc.male, loc.female, loc.family):
            for tok in pool.tokens:
                for form in (tok.latin, *tok.alts):
                    table.setdefault(form.casefold(), tok)
        out[code] = table
    return out


REVERSE: dict[str, dict[str, Token]] = _reverse()
COUNTRY_LOCALE: dict[str, str] = {}
for _code, _loc in LOCALES.items():
    for _country in _loc.countries:
        COUNTRY_LOCALE.setdefault(_country, _code)


def lookup_tokens(parts: list[str], country: str | None) -> tuple[str, list[Token]] | None:
    """Find the native locale whose pools hold every Latin name part, with the tokens.

    ``parts`` are a subject's published Latin name parts (given, middle, family).
    The subject's published nationality is tried first. Returns None for names
    from Latin-script locales.
    """
    order = list(REVERSE)
    preferred = COUNTRY_LOCALE.get(country or "")
    if preferred in REVERSE:
        order.remove(preferred)
        order.insert(0, preferred)
    for code in order:
        table = REVERSE[code]
        tokens = []
        for part in parts:
            tok = table.get(part.casefold())
            if tok is None and code == "ru":
                tok = _russian_lookup(part)
            if tok is None:
                break
            tokens.append(tok)
        else:
            return code, tokens
    return None


def _russian_lookup(part: str) -> Token | None:
    """Patronymics and feminine family names are derived, not pooled: look them up here."""
    return _russian_derived().get(part.casefold())


@functools.lru_cache(maxsize=1)
def _russian_derived() -> dict[str, Token]:
    loc = LOCALES["ru"]
    table: dict[str, Token] = {}
    for tok in loc.male.tokens:
        for female in (False, True):
            cand = _russian_token(patronymic(tok.native or "", female))
            for form in (cand.latin, *cand.alts):
                table.setdefault(form.casefold(), cand)
    for tok in loc.family.tokens:
        cand = _russian_female(tok)
        for form in (cand.latin, *cand.alts):
            table.setdefault(form.casefold(), cand)
    return table
