"""Name normalisation: from any script and spelling to comparable Latin tokens.

One name becomes a :class:`NormName`: a tuple of lower-case ASCII tokens (the
name's identity), the canonical legal forms found in it (``ltd``, ``llc``,
``jsc``... kept apart: a legal form is evidence of kind, not of identity), and
a flag telling whether the original was written in an abjad (Arabic, Hebrew),
where transliteration drops most vowels and consonant skeletons compare better.

Steps, in order: control characters and over-long input are cut; Unicode is
NFKC-normalised and case-folded; legal forms are recognised with rigour's
org-type table (about 1,900 aliases across jurisdictions, both in the original
script and after transliteration) and mapped to one generic form; each
remaining token is transliterated to ASCII (rigour for Cyrillic, Greek,
Armenian, Georgian, Hangul; ICU/normality for Arabic, Persian, Chinese,
Devanagari, Hebrew and the rest), with a per-token cache; titles and
stopwords are dropped. Person-name order is irrelevant downstream (tokens are
aligned as a set), initials survive as one-letter tokens.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from rigour.names.org_types import extract_org_types, remove_org_types
from rigour.text.translit import ascii_text

#: Names longer than this are cut before normalisation (no real name is longer;
#: bounding it bounds the work any input can cause).
MAX_NAME_CHARS = 300
#: At most this many tokens per name are kept.
MAX_TOKENS = 12
#: Tokens are cut to this many characters.
MAX_TOKEN_CHARS = 40

_CONTROL = re.compile(r"[\u0000-\u001f\u007f-\u009f\u200b\u200e\u200f\u2028-\u202e\u2060-\u206f\ufeff]")
_JOINERS = re.compile(r"[\u00ad\u200c\u200d]")  # soft hyphen, ZWNJ, ZWJ: inside a word
_APOSTROPHES = re.compile(r"[\u0027\u2018\u2019\u02bc\u02bb\u0060\u00b4]")


def _mark_ranges() -> str:
    """A regex class body of all combining marks (Devanagari vowel signs, viramas...)."""
    ranges: list[tuple[int, int]] = []
    for cp in range(0x300, 0x10000):
        if unicodedata.category(chr(cp)).startswith("M"):
            if ranges and ranges[-1][1] == cp - 1:
                ranges[-1] = (ranges[-1][0], cp)
            else:
                ranges.append((cp, cp))
    return "".join(f"\\u{a:04x}-\\u{b:04x}" for a, b in ranges)


# word characters are letters, digits and combining marks; everything else splits
_SPLIT = re.compile(f"[^\\w{_mark_ranges()}]+|_+", re.UNICODE)
_ABJAD = re.compile(r"[\u0590-\u05ff\u0600-\u06ff\u0700-\u074f\u0750-\u077f\u08a0-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")

#: Words that carry no identity in a name.
STOPWORDS = frozenset(
    "the and of for und et y e i и та та la le les das der die des du del della von zu a an".split()
)
#: Titles and honorifics dropped from names.
TITLES = frozenset(
    """mr mrs ms miss mister dr doctor prof professor sir dame lord lady sheikh shaikh sayyid
    haji hajji hon rev reverend gen general col colonel capt captain maj major lt mme mlle
    herr frau sr sra jr""".split()
)


#: Words that say what kind of organisation a name belongs to, not which one, and that
#: rigour's org-type table does not cover on their own: compare form → generic form.
EXTRA_LEGAL = {"corp": "corp", "corporation": "corp", "co": "co", "company": "co", "incorporated": "inc"}


#: Spelled-out and national legal forms rigour's table misses (ASCII spellings of
#: French, Spanish, Russian and Kazakh forms, Indian "Private Limited"): pattern →
#: (compare form, generic form). Applied before rigour, on the case-folded text.
EXTRA_PHRASES: tuple[tuple[re.Pattern[str], str, str], ...] = tuple(
    (re.compile(rf"(?<!\w){pattern}(?!\w)"), specific, generic) for pattern, specific, generic in (
        (r"(?:zakrytoye|zakrytoe) aktsionernoye obshchestvo", "zao", "jsc"),
        (r"(?:otkrytoye|otkrytoe) aktsionernoye obshchestvo", "oao", "jsc"),
        (r"(?:publichnoye|publichnoe) aktsionernoye obshchestvo", "pao", "jsc"),
        (r"aktsionernoye obshchestvo|aktsionernoe obshchestvo", "ao", "jsc"),
        (r"soci[eé]t[eé] (?:a|à) responsabilit[eé] limit[eé]e", "sarl", "llc"),
        (r"sociedad de responsabilidad limitada", "srl", "llc"),
        (r"soci[eé]t[eé] anonyme|sociedad an[oó]nima|sociedade an[oó]nima", "sa", "jsc"),
        (r"private limited|pvt\.? ltd\.?|pvt\.? limited", "pvtltd", "llc"),
        (r"too|tov|sl", "too", "llc"),
    )
)
#: Generic forms that say the same for matching: an LLP is a limited company.
GENERIC_ALIASES = {"llp": "llc"}
#: Forms whose generic kind is a corporation of either sort (rigour files "Inc" under llc).
CORP_FORMS = frozenset({"inc", "incorporated", "corp", "corporation"})


@dataclass(frozen=True, slots=True)
class NormName:
    """One alias, normalised: identity tokens, legal forms, and the abjad flag."""

    tokens: tuple[str, ...]
    legal: tuple[str, ...] = ()  # generic legal forms (ltd, limited, ooo -> llc)
    abjad: bool = False
    legal_forms: tuple[str, ...] = ()  # compare forms as written (ltd, ooo, jsc)
    #: Written in a non-Latin script (Cyrillic, Han, Devanagari...) and transliterated here:
    #: its spellings are a machine's guess, so two known names are not told apart by them.
    native: bool = False


def clean_text(text: str) -> str:
    """Cut, strip control characters, NFKC-normalise and case-fold ``text``."""
    text = text[:MAX_NAME_CHARS]
    if text.isascii() and text.isprintable():
        return _APOSTROPHES.sub("", text.lower())
    text = _JOINERS.sub("", _CONTROL.sub(" ", text))
    text = unicodedata.normalize("NFKC", text).casefold()
    return _APOSTROPHES.sub("", text)


#: Arabic letters the generic transliteration renders badly for name matching: ain
#: (dropped as "?", splitting the word) and ta marbuta ("t", where names end in "a")
#: become alef ("a"); hamza carriers become their vowel letters.
_ARABIC_FIXES = str.maketrans({"ع": "ا", "ة": "ا", "ء": "", "ئ": "ي", "ؤ": "و", "أ": "ا", "إ": "ا", "آ": "ا"})
_ARABIC_ARTICLE = "ال"


@lru_cache(maxsize=200_000)
def translit_token(token: str) -> tuple[str, ...]:
    """ASCII tokens for one raw token (a Han or Hangul word may become several).

    An Arabic word with the article ("الحسن") becomes two tokens ("al", "hsn"),
    as Latin spellings write it ("Al-Hassan").
    """
    if token.isascii():
        return (token,) if token.isalnum() else tuple(t for t in _SPLIT.split(token) if t)
    if _ABJAD.search(token):
        token = token.translate(_ARABIC_FIXES)
        if token.startswith(_ARABIC_ARTICLE) and len(token) > 3:
            return ("al", *translit_token(token[2:]))
    latin = ascii_text(token).lower().replace("?", "")
    return tuple(t for t in _SPLIT.split(latin) if t)


def _extra_forms(text: str) -> tuple[str, list[tuple[str, str]]]:
    """Text with the :data:`EXTRA_PHRASES` forms removed, and the pairs found."""
    found: list[tuple[str, str]] = []
    for pattern, specific, generic in EXTRA_PHRASES:
        if pattern.search(text):
            rest = pattern.sub(" ", text)
            if rest.strip():
                text = rest
                found.append((specific, generic))
    return text, found


def _legal_forms(text: str) -> tuple[str, list[tuple[str, str]]]:
    """Text with legal forms removed, and the (compare form, generic form) pairs found."""
    text, extra = _extra_forms(text)
    found = extract_org_types(text, generic=True)
    if not found:
        return text, extra
    rest = remove_org_types(text, replacement=" ")
    if not rest.strip():
        return text, extra  # the whole name is a legal-form word: keep it as the name
    specific = extract_org_types(text, generic=False)
    if len(specific) != len(found):
        specific = found
    return rest, extra + [(s[1], g[1]) for s, g in zip(specific, found, strict=True)]


def _tokens(text: str) -> list[str]:
    out: list[str] = []
    for raw in _SPLIT.split(text):
        if raw:
            out.extend(translit_token(raw))
    return out


def _without_titles(tokens: list[str]) -> list[str]:
    """Titles are dropped where they stand, before the name ("Col. John Smith", not "Col Lins")."""
    lead = 0
    while lead < len(tokens) - 1 and tokens[lead] in TITLES:
        lead += 1
    return tokens[lead:]


def _non_latin(text: str) -> bool:
    """Whether ``text`` has a letter outside the Latin blocks (accented Latin letters are Latin)."""
    return any(ch.isalpha() and ord(ch) > 0x24F and not 0x1E00 <= ord(ch) <= 0x1EFF for ch in text)


def normalize_name(name: str, org: bool = False) -> NormName | None:
    """Normalise one name; ``org`` enables legal-form handling. None if nothing is left."""
    if not isinstance(name, str):
        return None
    text = clean_text(name)
    plain = text.isascii()
    abjad = not plain and _ABJAD.search(text) is not None
    native = not plain and _non_latin(text)
    legal: list[tuple[str, str]] = []
    if org:
        text, legal = _legal_forms(text)
    if "," in text and not org:  # "ABU-MARZUQ, Dr. Musa": a title leads the part after the comma
        tokens = [t for part in text.split(",") for t in _without_titles(_tokens(part))]
    else:
        tokens = _tokens(text)
    if org and tokens and not plain:  # legal forms written in another script, transliterated
        ascii_form = " ".join(tokens)
        rest, more = _legal_forms(ascii_form)
        if more:
            legal.extend(more)
            tokens = rest.split()
    if org and len(tokens) > 1:  # legal-form words rigour's table leaves in ("corp", "co")
        extra = [t for t in tokens if t in EXTRA_LEGAL]
        if extra and len(extra) < len(tokens):
            tokens = [t for t in tokens if t not in EXTRA_LEGAL]
            legal.extend((t, EXTRA_LEGAL[t]) for t in extra)
    # one-letter "stopwords" (a, e, i, y) are initials in a person's name ("É. Thomas")
    words = [t for t in _without_titles(tokens) if t not in STOPWORDS or (not org and len(t) == 1)]
    if not words:
        words = tokens  # a name made only of stopwords is still a name
    if not words:
        return None
    words = [sys.intern(w[:MAX_TOKEN_CHARS]) for w in words[:MAX_TOKENS]]  # one copy per token
    generic = _shared(tuple(sorted({
        "corp" if sp.replace(" ", "") in CORP_FORMS else GENERIC_ALIASES.get(g, g)
        for sp, g in ((sp, g.replace(" ", "")) for sp, g in legal)
    })))
    specific = _shared(tuple(sorted({s.replace(" ", "") for s, _ in legal})))
    return NormName(tuple(words), generic, abjad, specific, native)


@lru_cache(maxsize=4096)
def _shared(forms: tuple[str, ...]) -> tuple[str, ...]:
    """One shared copy of each legal-form tuple (a million subjects repeat a few hundred)."""
    return forms


_INITIALS = re.compile(r"^[^\W\d_]{2,3}$")
_VOWEL_LETTERS = frozenset("aeiouy")


def split_initials(name: str) -> str | None:
    """A person's name with run-together initials spelled apart, or None if it has none.

    "Frolov SA" → "Frolov S A", "Marwan TM" → "Marwan T M": a token of two or
    three letters counts as initials when it is written in capitals in a name
    that is not all capitals, or when it has no vowel ("SM", "KHL").
    """
    parts = name[:MAX_NAME_CHARS].replace(".", " ").split()
    if len(parts) < 2:
        return None
    mixed = any(not p.isupper() for p in parts)
    out: list[str] = []
    changed = False
    for part in parts:
        if _INITIALS.match(part) and part.isupper() and (
            mixed or not _VOWEL_LETTERS.intersection(part.casefold())
        ):
            out.extend(part)
            changed = True
        else:
            out.append(part)
    return " ".join(out) if changed else None


_GLUED_PREFIX = re.compile(r"(?<![^\W\d_])(OOO|OAO|ZAO|PAO|AO|PJSC|JSC|TOO|TOV)(?=[a-z])")
_GLUED_SUFFIX = re.compile(
    r"(?<=[^\W\d_]{3})(limited|ltd|llc|gmbh|plc)(?![^\W\d_])|(?<=[^\W\d_]{4})(inc|corp|corporation)(?![^\W\d_])",
    re.IGNORECASE,
)
_GLUED_SHORT_SUFFIX = re.compile(r"^([A-Z]{4,})(NV|BV|AG|SA|AS|AO|LLC|LTD)$")
_GLUED_TITLE = re.compile(
    r"(?<![^\W\d_])(professor|general|captain|kapitan|colonel|doctor|sheikh|admiral)(?=[^\W\d_]{4,})",
    re.IGNORECASE,
)
#: Long legal-form words that a data-entry slip may split in two ("Lim Ited").
_LONG_FORMS = frozenset({"limited", "corporation", "incorporated", "company", "gesellschaft"})


def unglue(name: str, org: bool) -> str | None:
    """The name with glued or split words mended, or None if there is nothing to mend.

    A legal form run into the name ("OAOmancini", "Estateslimited",
    "AQUACOMNV") is set apart, a split legal form ("Lim Ited") joined, and a
    title run into a vessel's or person's name ("Professorzhukov") set apart.
    The result is an extra alias: the name as written stays.
    """
    text = name[:MAX_NAME_CHARS]
    if org:
        text = _GLUED_PREFIX.sub(r"\1 ", text)
        text = _GLUED_SUFFIX.sub(lambda m: " " + m.group(0), text)
        text = _GLUED_SHORT_SUFFIX.sub(r"\1 \2", text)
        words = text.split()
        for i in range(len(words) - 1):
            if (words[i] + words[i + 1]).casefold() in _LONG_FORMS:
                text = " ".join([*words[:i], words[i] + words[i + 1], *words[i + 2:]])
                break
    else:
        text = _GLUED_TITLE.sub(r"\1 ", text)
    return text if text != name[:MAX_NAME_CHARS] else None


#: Addresses are cut to this many characters (after normalisation).
MAX_ADDRESS_CHARS = 160


def normalize_address(value: str) -> str:
    """An address as lower-case ASCII words in their order ("Rue d'Alésia 12" → "rue dalesia 12")."""
    if not isinstance(value, str):
        return ""
    return " ".join(_tokens(clean_text(value)))[:MAX_ADDRESS_CHARS]


def normalize_identifier(value: str) -> str:
    """Upper-case alphanumerics only: ``"IMO 9.123.456"`` → ``"IMO9123456"``."""
    if not isinstance(value, str):
        return ""
    return "".join(ch for ch in value[:200].upper() if ch.isalnum())


def normalize_crypto(value: str) -> str:
    """Crypto addresses compare exactly, but hex addresses are case-insensitive."""
    if not isinstance(value, str):
        return ""
    value = value.strip()[:200]
    if value.lower().startswith("0x"):
        return value.lower()
    return value


VOWELS = frozenset("aeiouywv")
_DIGRAPHS = (("q", "k"), ("ou", "u"), ("ph", "f"))


@lru_cache(maxsize=200_000)
def skeleton(token: str) -> str:
    """Consonant skeleton: first letter, then the consonants other than "h", without doubles.

    Abjads (Arabic, Hebrew, Persian) write few vowels, so their transliterations
    compare better with Latin spellings once the vowels are gone: ``mohammed`` →
    ``mmd``, and the Arabic محمد transliterates to ``mhmd`` → ``mmd`` too. "h"
    goes as well (Latin spellings add it in "kh", "sh", "dh" and final "-eh"
    where a transliteration may not, and the reverse), and "w"/"v" (the Persian
    و is either). A letter doubled in writing counts once.
    """
    if not token:
        return token
    for a, b in _DIGRAPHS:
        token = token.replace(a, b)
    out = [token[0]]
    prev = token[0]
    for ch in token[1:]:
        if ch not in VOWELS and ch != "h" and ch != prev:
            out.append(ch)
        prev = ch
    return "".join(out)


#: Spelling differences that transliteration and national orthographies make in one name,
#: folded by ``spelling_key`` (longest first): Aleksandr/Alexander, Tawfik/Tawfiq,
#: Aisha/Aicha, Mikhaylov/Mihailov, Nunez/Nunes, Tiwari/Tivari.
_SPELLING_FOLDS = (("kh", "h"), ("zh", "j"), ("dj", "j"), ("gh", "k"), ("ph", "f"), ("ch", "sh"),
                   ("sh", "s"), ("ck", "k"), ("x", "ks"), ("q", "k"), ("c", "k"), ("z", "s"), ("v", "w"),
                   ("ng", "n"))


@lru_cache(maxsize=200_000)
def spelling_key(token: str) -> str:
    """A key equal for two spellings of one name, different for two different names.

    The spelling folds above, then the consonants without vowels, "y", "h" and "w"
    (a leading vowel or "h" dropped too), doubles collapsed: "Yelena" and "Elena",
    "Mikhaylov" and "Mihailov", "Ibrahim" and "Abrahym" agree; "Mark" and "Mary",
    "Hong" and "Kong", "Irina" and "Ilina", "Smirnov" and "Mironov" do not.
    """
    for old, new in _SPELLING_FOLDS:
        token = token.replace(old, new)
    if not token:
        return token
    head = "" if token[0] in "aeiouyh" else token[0]
    out = [head]
    for ch in token[1:]:
        if ch not in "aeiouyhw" and ch != out[-1]:
            out.append(ch)
    return "".join(out)
