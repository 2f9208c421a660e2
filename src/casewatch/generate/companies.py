"""Company names, legal forms across jurisdictions, registration numbers and addresses."""

from __future__ import annotations

import random
from dataclasses import dataclass

from casewatch.generate import identifiers as ids
from casewatch.generate.sampling import Weighted
from casewatch.generate.translit import romanise

#: Legal forms by family; a ``legal_form`` variant swaps within a family (or spells it out).
LIMITED = ["Ltd", "Limited", "LLC", "OOO", "GmbH", "SARL", "BV", "Srl", "SL", "TOO", "TOV",
           "Pte Ltd", "Private Limited", "Co Ltd", "FZE", "FZCO", "LLP"]
STOCK = ["JSC", "AO", "ZAO", "OAO", "PAO", "AG", "SA", "NV", "SpA", "PLC", "Inc", "Corp",
         "PJSC", "AS", "Corporation"]
SPELLED = {
    "Ltd": "Limited", "Limited": "Ltd", "LLC": "Limited Liability Company",
    "OOO": "Obshchestvo s Ogranichennoy Otvetstvennostyu", "GmbH": "Gesellschaft mit beschraenkter Haftung",
    "JSC": "Joint Stock Company", "PJSC": "Public Joint Stock Company", "AO": "Aktsionernoye Obshchestvo",
    "ZAO": "Closed Joint Stock Company", "OAO": "Open Joint Stock Company", "Inc": "Incorporated",
    "Corp": "Corporation", "Corporation": "Corp", "PLC": "Public Limited Company",
    "SA": "Societe Anonyme", "SARL": "Societe a Responsabilite Limitee", "BV": "Besloten Vennootschap",
    "AG": "Aktiengesellschaft", "Co Ltd": "Company Limited", "Pte Ltd": "Private Limited",
}
#: Forms written before the name (Russian, Ukrainian, Kazakh practice).
PREFIX_FORMS = {"OOO", "ZAO", "OAO", "PAO", "AO", "TOO", "TOV", "JSC", "PJSC"}
CYRILLIC_FORMS = {"OOO": "ООО", "ZAO": "ЗАО", "OAO": "ОАО", "PAO": "ПАО", "AO": "АО",
                  "JSC": "АО", "PJSC": "ПАО", "TOO": "ТОО", "TOV": "ТОВ"}

#: jurisdiction -> (legal forms, cities)
JURISDICTIONS: dict[str, tuple[list[str], list[str]]] = {
    "gb": (["Ltd", "Limited", "Ltd", "PLC", "LLP"], ["London", "Manchester", "Birmingham", "Glasgow", "Leeds"]),
    "us": (["LLC", "Inc", "Corp", "LLC", "Corporation"], ["New York", "Miami", "Houston", "Wilmington", "Los Angeles"]),
    "ru": (["OOO", "OOO", "AO", "ZAO", "PAO", "OAO"], ["Moscow", "Saint Petersburg", "Novorossiysk", "Yekaterinburg", "Kazan"]),
    "de": (["GmbH", "GmbH", "AG"], ["Hamburg", "Berlin", "Frankfurt am Main", "Munich", "Bremen"]),
    "ch": (["AG", "SA", "GmbH", "SARL"], ["Zug", "Geneva", "Zurich", "Lugano", "Basel"]),
    "fr": (["SA", "SARL", "SAS"], ["Paris", "Marseille", "Lyon", "Le Havre"]),
    "nl": (["BV", "BV", "NV"], ["Rotterdam", "Amsterdam", "The Hague"]),
    "cy": (["Ltd", "Limited"], ["Limassol", "Nicosia", "Larnaca"]),
    "ae": (["FZE", "FZCO", "LLC", "DMCC"], ["Dubai", "Sharjah", "Abu Dhabi", "Ras Al Khaimah"]),
    "hk": (["Limited", "Ltd", "Co Ltd"], ["Hong Kong", "Kowloon"]),
    "cn": (["Co Ltd", "Co Ltd"], ["Shanghai", "Shenzhen", "Guangzhou", "Ningbo", "Dalian"]),
    "tr": (["AS", "Ltd Sti"], ["Istanbul", "Mersin", "Izmir", "Ankara"]),
    "es": (["SA", "SL"], ["Madrid", "Barcelona", "Valencia", "Algeciras"]),
    "it": (["SpA", "Srl"], ["Milan", "Genoa", "Rome", "Naples"]),
    "kz": (["TOO", "JSC"], ["Almaty", "Astana", "Aktau"]),
    "ua": (["TOV", "PJSC"], ["Kyiv", "Odesa", "Kharkiv"]),
    "ir": (["PJSC", "Co"], ["Tehran", "Bandar Abbas", "Isfahan"]),
    "vg": (["Ltd", "Inc", "Limited"], ["Road Town", "Tortola"]),
    "pa": (["SA", "Inc", "Corp"], ["Panama City", "Colon"]),
    "sg": (["Pte Ltd", "Pte Ltd"], ["Singapore"]),
    "in": (["Private Limited", "Pvt Ltd", "Limited"], ["Mumbai", "New Delhi", "Chennai", "Kolkata"]),
    "mt": (["Ltd", "Limited"], ["Valletta", "Sliema"]),
    "lv": (["SIA", "AS"], ["Riga", "Ventspils"]),
    "sy": (["LLC", "Co"], ["Damascus", "Latakia", "Aleppo"]),
}
JURISDICTION_WEIGHTS = [12, 12, 14, 5, 4, 3, 3, 5, 7, 5, 6, 3, 2, 2, 3, 2, 4, 3, 3, 3, 2, 1, 1, 2]

GENERIC = """Trading Holdings Group Logistics Shipping Energy Industries International Investments
    Capital Global Services Resources Maritime Petroleum Oil Gas Metals Steel Mining Construction
    Engineering Technologies Systems Commodities Import Export Finance Development Consulting
    Agro Chemicals Pharma Textiles Electronics Marine Transport Freight Navigation Tankers Minerals
    Supply Partners Ventures Enterprises Solutions Industrial Commercial Management Estates
    Aviation Defence Telecom Foods Grain Fertilizers Timber Cement Shipbuilding Bunkering""".split()
ADJECTIVES = """Golden Silver Royal United Pacific Atlantic Baltic Caspian Northern Southern Eastern
    Western Central Global Grand Premier Prime First Star Blue Red Green White Black Crystal
    Diamond Phoenix Eagle Falcon Lion Orient Euro Asia Sino Trans Inter Nord Sud Ost Arctic
    Polar Alpha Delta Omega Sigma Apex Summit Horizon Meridian Zenith Titan Atlas Nova Stellar""".split()
PREFIXES = """Nova Trans Petro Inter Agro Tech Neft Gaz Stroy Metal Ural Volga Sib Prom Avia Energo
    Rus Gulf Ocean Sea Euro Med Zen Vita Terra Aqua Sol Lumen Vertex Nexa Cor Ferro Axi Qua
    Kron Zar Vel Dor Bel Kar Mar Tor Sar Lar Ven Ost Nor Alt Ar Tav Zel Riv Kas Bal Ark""".split()
SUFFIXES = """tek tex com lex con ron sys net ix ax ol on an ex ia ium ora ino ara ist oil gaz
    trans invest prom stroy leasing flot nord mar line tec vest port grad bank link cap""".split()
#: Russian name words written in Cyrillic; romanised for the Latin name.
RU_WORDS = """Восток Запад Север Юг Сибирь Урал Волга Нева Байкал Альфа Вектор Гарант Прогресс
    Стройинвест Нефтегаз Промсервис Транзит Энергия Ресурс Капитал Альянс Импульс Меридиан
    Фаворит Авангард Триумф Русь Держава Лидер Сфера Эталон Монолит Континент Магистраль
    Ромашка Берёзка Морфлот Спецтранс Техноком Металлург Агропром Флагман Звезда Рассвет""".split()
_JURISDICTION_DRAW = Weighted(list(JURISDICTIONS), JURISDICTION_WEIGHTS)
STREETS = """Main Station Harbour Market Church Park High King Queen Victoria Mill Bridge Central
    Lenina Pushkina Sadovaya Tverskaya Nevsky Gagarina Mira Sheikh_Zayed Al_Wasl Nanjing
    Rue_de_Rivoli Hauptstrasse Bahnhofstrasse Via_Roma Gran_Via Ataturk Istiklal""".split()


@dataclass
class CompanyName:
    """A company name: its words, legal form and where the form goes."""

    words: list[str]
    form: str
    jurisdiction: str
    native: str | None = None

    def text(self) -> str:
        return compose(self.words, self.form)


def compose(words: list[str], form: str) -> str:
    """Join name words and a legal form the way the form's jurisdiction writes it."""
    name = " ".join(words)
    if not form:
        return name
    return f"{form} {name}" if form in PREFIX_FORMS else f"{name} {form}"


def invented_word(rng: random.Random) -> str:
    """A brand-like word (Novatek, Petrocom, Zarlex...)."""
    word = rng.choice(PREFIXES) + rng.choice(SUFFIXES)
    return word[0].upper() + word[1:].lower()


def company_name(rng: random.Random, family_names: list[str]) -> CompanyName:
    """Draw a company name for a random jurisdiction."""
    jur = _JURISDICTION_DRAW.draw(rng)
    forms, _ = JURISDICTIONS[jur]
    form = rng.choice(forms)
    if jur in ("ru", "kz", "ua") and rng.random() < 0.7:
        words_ru = [rng.choice(RU_WORDS)]
        if rng.random() < 0.3:
            words_ru.append(rng.choice(RU_WORDS))
        cyr = "-".join(words_ru)
        latin = romanise(cyr, "bgn")
        native = f'{CYRILLIC_FORMS.get(form, form)} "{cyr}"'
        return CompanyName([latin], form, jur, native)
    pattern = rng.random()
    if pattern < 0.3:
        words = [invented_word(rng), rng.choice(GENERIC)]
    elif pattern < 0.5:
        words = [rng.choice(ADJECTIVES), invented_word(rng), rng.choice(GENERIC)]
    elif pattern < 0.65:
        words = [rng.choice(ADJECTIVES), rng.choice(GENERIC), rng.choice(GENERIC)]
    elif pattern < 0.8:
        words = [rng.choice(family_names), rng.choice(["Group", "Holdings", "Trading", "& Sons", "Brothers"])]
    elif pattern < 0.9:
        words = [invented_word(rng)]
    else:
        _, cities = JURISDICTIONS[jur]
        words = [rng.choice(cities), rng.choice(GENERIC), rng.choice(GENERIC)]
    words = list(dict.fromkeys(words))  # no repeated word ("Global Global")
    return CompanyName(words, form, jur)


def registration_number(rng: random.Random, jur: str) -> str:
    """A registration number in the jurisdiction's usual shape."""
    digits = rng.randrange
    if jur == "gb":
        return f"{digits(10**7):08d}" if rng.random() < 0.9 else f"SC{digits(10**6):06d}"
    if jur == "ru":
        return ids.ogrn(rng)
    if jur == "de":
        return f"HRB {digits(1000, 250000)}"
    if jur == "ch":
        return f"CHE-{digits(100, 999)}.{digits(1000):03d}.{digits(1000):03d}"
    if jur == "fr":
        return ids.luhn_digits(rng, 9)
    if jur == "cy":
        return f"HE{digits(10**6):06d}"
    if jur == "cn":
        return "91" + "".join(rng.choices("0123456789ABCDEFGHJKLMNPQRTUWXY", k=16))
    if jur == "sg":
        return f"{digits(1990, 2024)}{digits(10**5):05d}{rng.choice('ABCDEGHKMNRWZ')}"
    if jur == "us":
        return f"{digits(10, 99)}-{digits(10**7):07d}"
    return f"{digits(10**5, 10**8)}"


def address(rng: random.Random, jur: str) -> str:
    """A plausible street address in one of the jurisdiction's cities."""
    _, cities = JURISDICTIONS.get(jur, ([], ["Capital City"]))
    street = rng.choice(STREETS).replace("_", " ")
    return f"{rng.randrange(1, 250)} {street} Street, {rng.choice(cities)}, {jur.upper()}"
