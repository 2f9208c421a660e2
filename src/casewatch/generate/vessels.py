"""Vessel names, types and flags, and crypto wallet currencies."""

from __future__ import annotations

import random

from casewatch.generate.translit import romanise

VESSEL_ADJ = """Ocean Sea Pacific Atlantic Baltic Arctic Golden Silver Royal Grand Blue Star Lucky
    Eastern Western Northern Southern Great Happy Bright Noble Brave Swift Silent Iron Crystal
    Coral Emerald Sapphire Jade Pearl Orient Global Nordic Aegean Caspian Gulf Red Black""".split()
VESSEL_NOUN = """Star Glory Pioneer Spirit Dream Wind Wave Horizon Venture Explorer Voyager Trader
    Carrier Navigator Fortune Harmony Unity Liberty Pride Queen Princess King Eagle Falcon Dolphin
    Phoenix Dragon Tiger Lion Hope Grace Light Breeze Tide Crown Jewel Legend Energy Progress""".split()
VESSEL_GIVEN = """Maria Elena Anna Sofia Olga Irina Helena Christina Alexandra Victoria Natalia
    Marina Eva Katerina Daria Aurora Bianca Clara Diana Flora Gloria Isabella Julia Laura""".split()
RU_TITLES = ["Академик", "Капитан", "Генерал", "Адмирал", "Профессор", "Маршал"]
RU_SURNAMES = """Фёдоров Иванов Макаров Нахимов Ушаков Королёв Курчатов Вавилов Менделеев Жуков
    Шокальский Крылов Лазарев Беринг Сорокин Смирнов Кузнецов Лебедев Громов Орлов""".split()
VESSEL_TYPES = ["Crude Oil Tanker", "Oil Products Tanker", "Chemical/Oil Products Tanker",
                "Bulk Carrier", "General Cargo", "Container Ship", "LPG Tanker", "LNG Tanker",
                "Refrigerated Cargo", "Ro-Ro Cargo", "Tug", "Fishing Vessel"]
FLAGS = ["pa", "lr", "mh", "mt", "bs", "cy", "gr", "sg", "hk", "cn", "ru", "ir", "km", "tg",
         "cm", "ga", "pw", "tz", "vn", "kp", "sl", "st", "bz", "mn"]
FLAG_WEIGHTS = [14, 12, 10, 6, 4, 3, 3, 4, 4, 4, 6, 4, 4, 3, 3, 3, 2, 2, 2, 1, 1, 1, 1, 1]
#: Maritime identification digits (first three MMSI digits) per flag.
MID = {"pa": 351, "lr": 636, "mh": 538, "mt": 215, "bs": 311, "cy": 209, "gr": 237, "sg": 563,
       "hk": 477, "cn": 412, "ru": 273, "ir": 422, "km": 616, "tg": 671, "cm": 613, "ga": 626,
       "pw": 511, "tz": 674, "vn": 574, "kp": 445, "sl": 667, "st": 668, "bz": 312, "mn": 457}
WALLET_CURRENCIES = ["BTC", "ETH", "USDT", "TRX", "BTC", "ETH"]
WALLET_WEIGHTS = [30, 25, 25, 10, 5, 5]


def vessel_name(rng: random.Random) -> tuple[str, str | None]:
    """A vessel name and, for Russian-named ships, its Cyrillic form."""
    pattern = rng.random()
    if pattern < 0.45:
        return f"{rng.choice(VESSEL_ADJ)} {rng.choice(VESSEL_NOUN)}", None
    if pattern < 0.6:
        return f"{rng.choice(VESSEL_ADJ)} {rng.choice(VESSEL_NOUN)} {rng.randrange(1, 30)}", None
    if pattern < 0.75:
        return rng.choice(VESSEL_GIVEN), None
    if pattern < 0.87:
        cyr = f"{rng.choice(RU_TITLES)} {rng.choice(RU_SURNAMES)}"
        return romanise(cyr, "bgn"), cyr
    return f"{rng.choice(VESSEL_NOUN)} {rng.choice(VESSEL_NOUN)}", None


def mmsi(rng: random.Random, flag: str) -> str:
    """A nine-digit MMSI starting with the flag's maritime identification digits."""
    return f"{MID.get(flag, 999)}{rng.randrange(10**6):06d}"
