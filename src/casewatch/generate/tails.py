"""Long tails of family names, built from real naming patterns (Ashworth, Rosenberg, Karahan).

Hand-written pools hold the common names; real populations have a long tail of
rarer surnames. These are composed from roots and suffixes that the naming
traditions really use, appended after the pooled names (so they are drawn
rarely each, but often together), which keeps a million subjects from being
mostly duplicates while "Smith" and "Ivanov" stay the commonest names.
"""

from __future__ import annotations

import random
import unicodedata

EN_ROOTS = """Ash Black White Green Brook Hol Hart Stan Whit Ather Brad Craw Hal Kings Lang Mar
    Nor Ox Ro Sher Wal Wes Win Thorn Fair Har Red Wood Elm Oak Bar Birch Cal Dun Fen Glad
    Hamp Mid Cran Ed""".split()
EN_SUFFIXES = "ley ton field worth wood ford by well more ham dale stone brook wick cliffe ridge hurst".split()
DE_ROOTS = """Rosen Stein Lichten Blumen Eichen Linden Falken Adler Wald Berg Feld Hoch Kirch
    Sonnen Rot Schwarz Brand Hollen Hirsch Wolfs Eisen Gold Silber Kalten Stern Winter Ober
    Unter Neu Alten Lieben Hagen Frei""".split()
DE_SUFFIXES = "berg stein feld bach thal mann hofer bauer meier brunner hausen dorf burg".split()
TR_ROOTS = "Kara Ak Demir Ay Er Can Tun Bay Kaya Alp Yurt Ulu Sel Bal Tek Kal Gök Öz Yıl".split()
TR_SUFFIXES = "han su can oğlu er soy dağ el ay taş kan ci türk".split()
#: Rarer Russian surnames (masculine form), written out.
RU_TAIL = """Белоусов Бородин Воронцов Головин Горбачёв Дубов Жаворонков Зубков Кабанов Калашников
    Карасёв Кошелев Лапшин Лукашов Мартынов Некрасов Окунев Рыжов Самойлов Сверчков Стрельцов
    Тараканов Толстов Третьяков Филонов Хомяков Чайкин Шапошников Щеглов Ярцев Черняев Серов
    Зеленин Бураков Гладков Дроздов Коршунов Пахомов Рудаков Сазонов Тюрин Устинов Хрусталёв
    Цыганов Шевелёв Юрков Яшин Булгаков Вихров Громыко Абрамцев Бессонов Ветров Голубков
    Дьяченко Ерохин Жданов Зимин Игнатьев Капустин Лихачёв Мишин Новосёлов Огурцов Пестов
    Рябов Суханов Трошин Ульянов Фадеев Хохлов Цветаев Чистяков Шилов Щукин Якушев Агапов
    Бобров Воронков Гурьев Дорофеев Еремеев Зуев Исаков Корнилов Ларионов Муравьёв Носков""".split()
FA_SUFFIXES = [("nejad", "nezhad", "نژاد"), ("far", "far", "فر"), ("nia", "niya", "نیا"), ("i", "ee", "ی")]


def ascii_fold(text: str, german: bool = False) -> str:
    """Latin text without diacritics (Turkish ı as i; German umlauts as ae/oe/ue if ``german``)."""
    if german:
        for src, dst in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
            text = text.replace(src, dst)
    text = text.replace("ı", "i").replace("İ", "I")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _compose(roots: list[str], suffixes: list[str], seed: int) -> list[str]:
    names = sorted({(root + suffix).capitalize() for root in roots for suffix in suffixes})
    random.Random(seed).shuffle(names)  # rank order must not follow the alphabet
    return names


def latin_tail(code: str) -> list[str]:
    """Composed family names for a Latin-script tradition (may carry diacritics)."""
    if code == "en":
        return _compose(EN_ROOTS, EN_SUFFIXES, 1)
    if code == "de":
        return _compose(DE_ROOTS, DE_SUFFIXES, 2)
    if code == "tr":
        turkish = _compose(TR_ROOTS, TR_SUFFIXES, 3)
        return [n.replace("İ", "İ") for n in turkish]
    return []


def russian_tail() -> list[str]:
    """Rarer Russian family names (Cyrillic, masculine form), in a fixed shuffled order."""
    out = list(RU_TAIL)
    random.Random(4).shuffle(out)
    return out


def persian_tail(given: list[tuple[str, str]]) -> list[tuple[str, tuple[str, ...], str]]:
    """Persian family names from given names: Ahmadinejad, Rezaifar, Karimnia, Hassani."""
    out: list[tuple[str, tuple[str, ...], str]] = []
    for latin, native in given:
        for suffix, alt, script in FA_SUFFIXES:
            out.append((latin + suffix, (latin + alt, f"{latin}-{suffix.capitalize()}"), native + script))
    random.Random(5).shuffle(out)
    return out

