"""Romanisation of Russian Cyrillic under two real schemes, for names with several Latin forms.

A Russian name on a list is usually published in one romanisation (BGN/PCGN:
"Aleksandr Sergeyevich Solovyov") while a passport or a registry uses another
(ICAO 9303 as in Russian passports since 2013: "Aleksandr Sergeevich Solovev").
The generator uses the first as a subject's name and the second (or the
customary English form) as a transliteration variant.
"""

from __future__ import annotations

_COMMON = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "з": "z", "и": "i", "к": "k",
    "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch",
    "ы": "y", "э": "e", "ж": "zh", "ь": "", "і": "i", "ї": "yi", "є": "ye", "ґ": "g",
}
BGN = {**_COMMON, "е": "e", "ё": "yo", "й": "y", "ъ": "", "ю": "yu", "я": "ya"}
ICAO = {**_COMMON, "е": "e", "ё": "e", "й": "i", "ъ": "ie", "ю": "iu", "я": "ia"}
_VOWELS = set("аеёиоуыэюяъь")


def romanise(text: str, scheme: str = "bgn") -> str:
    """Romanise Cyrillic ``text`` with the BGN/PCGN (``bgn``) or ICAO 9303 (``icao``) table.

    BGN writes е as "ye" at the start of a word and after a vowel (Yelena,
    Sergeyevich); ICAO always writes "e" (Elena, Sergeevich). Characters that
    are not Cyrillic pass through unchanged; capitalisation follows the source.
    """
    table = BGN if scheme == "bgn" else ICAO
    out: list[str] = []
    prev = " "
    for ch in text:
        low = ch.lower()
        rep = table.get(low)
        if rep is None:
            out.append(ch)
        else:
            if scheme == "bgn" and low in "её" and (not prev.isalpha() or prev.lower() in _VOWELS):
                rep = "ye" if low == "е" else "yo"
            if ch != low and rep:
                rep = rep[0].upper() + rep[1:]
            out.append(rep)
        prev = ch
    return "".join(out)


def is_cyrillic(text: str) -> bool:
    """True when ``text`` contains at least one Cyrillic letter."""
    return any("\u0400" <= ch <= "\u04ff" for ch in text)


def female_family(name: str) -> str:
    """The feminine form of a Russian family name (Петров → Петрова, Вишневский → Вишневская)."""
    if name.endswith(("ов", "ев", "ёв", "ин", "ын")):
        return name + "а"
    if name.endswith("ский"):
        return name[:-2] + "ая"
    return name  # -енко and similar do not change


def patronymic(father: str, female: bool) -> str:
    """The patronymic formed from a father's given name (Иван → Иванович / Ивановна)."""
    special = {"Илья": ("Ильич", "Ильинична"), "Никита": ("Никитич", "Никитична"),
               "Лев": ("Львович", "Львовна"), "Пётр": ("Петрович", "Петровна"),
               "Павел": ("Павлович", "Павловна"), "Георгий": ("Георгиевич", "Георгиевна")}
    if father in special:
        return special[father][1 if female else 0]
    if father.endswith("ий"):
        # after a consonant cluster the и stays (Дмитрий → Дмитриевич; Юрий → Юрьевич)
        soft = "ь" if len(father) > 3 and father[-4].lower() in _VOWELS else "и"
        return father[:-2] + soft + ("евна" if female else "евич")
    if father.endswith("й"):
        return father[:-1] + ("евна" if female else "евич")
    if father.endswith("ь"):
        return father[:-1] + ("евна" if female else "евич")
    return father + ("овна" if female else "ович")
