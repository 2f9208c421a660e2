"""How a record's name varies from a watched subject's: one function per variant kind.

Each function takes the subject (an FtM dict) and a ``random.Random`` and
returns ``(name, note)`` for the record, or None when the kind does not apply
to this subject (the caller then picks another subject). ``note`` says
briefly what was done (shown in the truth file).
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable
from typing import Any

from casewatch.generate import companies
from casewatch.generate.names import lookup_tokens
from casewatch.generate.pool import ORG_SCHEMATA
from casewatch.generate.translit import is_cyrillic, romanise

Entity = dict[str, Any]
Variant = tuple[str, str] | None
KEYBOARD = {
    "a": "qwsz", "b": "vghn", "c": "xdfv", "d": "serfcx", "e": "wsdr", "f": "drtgvc", "g": "ftyhbv",
    "h": "gyujnb", "i": "ujko", "j": "huikmn", "k": "jiolm", "l": "kop", "m": "njk", "n": "bhjm",
    "o": "iklp", "p": "ol", "q": "wa", "r": "edft", "s": "awedxz", "t": "rfgy", "u": "yhji",
    "v": "cfgb", "w": "qase", "x": "zsdc", "y": "tghu", "z": "asx",
}
ALL_FORMS = set(companies.LIMITED) | set(companies.STOCK) | set(companies.SPELLED.values())
_FORMS_LONGEST_FIRST = sorted(ALL_FORMS | {f for forms, _ in companies.JURISDICTIONS.values() for f in forms},
                              key=lambda f: (-len(f), f))


def first(entity: Entity, prop: str) -> str | None:
    values = entity["properties"].get(prop)
    return values[0] if values else None


def split_form(name: str) -> tuple[list[str], str]:
    """Split a company name into its words and its legal form (prefix or suffix)."""
    for form in _FORMS_LONGEST_FIRST:
        if name.endswith(" " + form):
            return name[: -len(form) - 1].split(" "), form
        if name.startswith(form + " ") and form in companies.PREFIX_FORMS:
            return name[len(form) + 1 :].split(" "), form
    return name.split(" "), ""


def _edit(word: str, rng: random.Random) -> str:
    i = rng.randrange(len(word))
    op = rng.random()
    if op < 0.3 and len(word) > 4:
        return word[:i] + word[i + 1 :]  # deletion
    if op < 0.55 and i < len(word) - 1:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]  # transposition
    near = KEYBOARD.get(word[i].lower(), string.ascii_lowercase)
    repl = rng.choice(near)
    if word[i].isupper():
        repl = repl.upper()
    if op < 0.8:
        return word[:i] + repl + word[i + 1 :]  # substitution
    return word[:i] + repl + word[i:]  # insertion


def typo(subject: Entity, rng: random.Random) -> Variant:
    """One or two character edits (keyboard slips, transpositions, drops) in the name."""
    name = first(subject, "name") or ""
    words, form = split_form(name) if subject["schema"] in ORG_SCHEMATA else (name.split(" "), "")
    long_idx = [i for i, w in enumerate(words) if len(w) >= 4 and w.isalpha()]
    if not long_idx:
        return None
    edits = 1 if rng.random() < 0.7 else 2
    for _ in range(edits):
        i = rng.choice(long_idx)
        words[i] = _edit(words[i], rng)
    out = companies.compose(words, form) if form else " ".join(words)
    return (out, f"{edits} edit(s)") if out != name else None


def _person_order(subject: Entity) -> list[str] | None:
    """A person's name parts in display order, or None when the name is not made of them."""
    name = first(subject, "name") or ""
    given, family = first(subject, "firstName"), first(subject, "lastName")
    if not given or not family:
        return None
    middle = first(subject, "middleName")
    if name == f"{family} {given}":
        return [family, given]
    return [p for p in (given, middle, family) if p]


def transliteration(subject: Entity, rng: random.Random) -> Variant:
    """The name written in another script, or in another romanisation of its native script."""
    names = set(subject["properties"].get("name", [])) | set(subject["properties"].get("alias", []))
    if subject["schema"] != "Person":
        return _translit_cyrillic_name(subject, names)
    parts = _person_order(subject)
    found = lookup_tokens(parts, first(subject, "nationality")) if parts else None
    if found is None:
        return None
    code, tokens = found
    native_sep = "" if code == "zh" else " "
    native = native_sep.join(t.native or "" for t in tokens)
    if all(t.native for t in tokens) and native not in names:
        return native, f"Latn->{code}-script"
    alts = [rng.choice(t.alts) if t.alts and rng.random() < 0.8 else t.latin for t in tokens]
    out = " ".join(alts)
    if out in names:
        out = " ".join(t.alts[0] if t.alts else t.latin for t in tokens)
    return (out, "Latn->Latn romanisation") if out not in names else None


def _translit_cyrillic_name(subject: Entity, names: set[str]) -> Variant:
    cyr = next((a for a in subject["properties"].get("alias", []) if is_cyrillic(a)), None)
    if cyr is None:
        return None
    name = first(subject, "name") or ""
    _, form = split_form(name) if subject["schema"] in ORG_SCHEMATA else ([], "")
    words = cyr.split('"')[1] if '"' in cyr else cyr
    out = companies.compose([romanise(words, "icao")], form)
    return (out, "Cyrl->Latn (ICAO)") if out not in names else None


def reorder(subject: Entity, rng: random.Random) -> Variant:
    """The same name tokens in another order (family name first, words swapped)."""
    name = first(subject, "name") or ""
    if subject["schema"] == "Person":
        parts = _person_order(subject)
        if not parts or len(parts) < 2:
            return None
        out_parts = [parts[-1], *parts[:-1]] if rng.random() < 0.7 else [*parts[1:], parts[0]]
        out = " ".join(out_parts)
        if rng.random() < 0.3:
            out = f"{out_parts[0]}, {' '.join(out_parts[1:])}"
        return (out, "family first" if out_parts[0] == parts[-1] else "rotated") if out != name else None
    words, form = split_form(name)
    if len(words) < 2:
        if form in companies.PREFIX_FORMS:
            return f"{' '.join(words)} {form}", "legal form moved"
        return None
    if len(set(words)) < 2:
        return None
    shuffled = words[:]
    while shuffled == words:  # terminates: at least two distinct words
        rng.shuffle(shuffled)
    out = f"{' '.join(shuffled)} {form}".strip()
    return (out, "words shuffled") if out != name else None


def dropped_middle(subject: Entity, rng: random.Random) -> Variant:
    """The middle name (or patronymic, or father's name) left out."""
    middle = first(subject, "middleName")
    parts = _person_order(subject)
    if not middle or not parts or middle not in parts:
        return None
    return " ".join(p for p in parts if p != middle), "middle name dropped"


def initials(subject: Entity, rng: random.Random) -> Variant:
    """Given (and middle) names reduced to initials: "J. R. Smith", "Smith J"."""
    parts = _person_order(subject)
    family = first(subject, "lastName")
    if not parts or len(parts) < 2 or parts[0] == family:
        return None
    given = parts[:-1]
    style = rng.random()
    if style < 0.4:
        out = " ".join(f"{p[0]}." for p in given) + f" {family}"
    elif style < 0.6 and len(given) > 1:
        out = f"{given[0]} {' '.join(p[0] + '.' for p in given[1:])} {family}"
    elif style < 0.8:
        out = f"{family} {''.join(p[0] for p in given)}"
    else:
        out = " ".join(p[0] for p in given) + f" {family}"
    return out, "initials"


def legal_form(subject: Entity, rng: random.Random) -> Variant:
    """The legal form swapped for an equivalent, spelled out, or dropped (Ltd ↔ Limited ↔ OOO)."""
    name = first(subject, "name") or ""
    words, form = split_form(name)
    if not form:
        return companies.compose(words, rng.choice(["Ltd", "LLC", "Limited"])), "legal form added"
    roll = rng.random()
    if roll < 0.15:
        return " ".join(words), f"{form} dropped"
    if roll < 0.45 and form in companies.SPELLED:
        new = companies.SPELLED[form]
        return (f"{' '.join(words)} {new}", f"{form} spelled out as {new}")
    family = companies.LIMITED if form in companies.LIMITED else companies.STOCK
    new = rng.choice([f for f in family if f != form] or ["Ltd"])
    return companies.compose(words, new), f"{form} -> {new}"


def joined_split(subject: Entity, rng: random.Random) -> Variant:
    """Tokens joined or split: "JSC ARGUMENT" -> "JSCARGUMENT", "Abdul Rahman" -> "Abdulrahman"."""
    name = first(subject, "name") or ""
    tokens = name.split(" ")
    hyphen = [i for i, t in enumerate(tokens) if "-" in t]
    if hyphen:
        i = rng.choice(hyphen)
        head, _, tail = tokens[i].partition("-")
        tokens[i] = head + tail.lower() if rng.random() < 0.5 else f"{head} {tail}"
        return " ".join(tokens), "hyphenated token joined or split"
    long = [i for i, t in enumerate(tokens) if len(t) >= 7 and t.isalpha()]
    if long and rng.random() < 0.5:
        i = rng.choice(long)
        cut = len(tokens[i]) // 2
        tokens[i] = f"{tokens[i][:cut]} {tokens[i][cut:].capitalize()}"
        return " ".join(tokens), "token split"
    if len(tokens) < 2:
        return None
    i = rng.randrange(len(tokens) - 1)
    joined = tokens[i] + tokens[i + 1].lower()
    if name.isupper() or rng.random() < 0.3:
        joined = (tokens[i] + tokens[i + 1]).upper()
    return " ".join([*tokens[:i], joined, *tokens[i + 2 :]]), "tokens joined"


def alias(subject: Entity, rng: random.Random) -> Variant:
    """One of the subject's published aliases used as the record's name."""
    aliases = subject["properties"].get("alias", [])
    if not aliases:
        return None
    return rng.choice(aliases), "alias"


def exact(subject: Entity, rng: random.Random) -> Variant:
    """The subject's name exactly."""
    name = first(subject, "name")
    return (name, "exact") if name else None


VARIANTS: dict[str, Callable[[Entity, random.Random], Variant]] = {
    "typo": typo,
    "transliteration": transliteration,
    "reorder": reorder,
    "dropped_middle": dropped_middle,
    "initials": initials,
    "legal_form": legal_form,
    "joined_split": joined_split,
    "alias": alias,
    "exact": exact,
}
