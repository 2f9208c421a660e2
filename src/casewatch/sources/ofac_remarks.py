"""Parse the Remarks column of OFAC's SDN CSV into FtM properties and crypto wallets.

OFAC packs structured facts into one free-text column, ``;``-separated, e.g.
``DOB 01 Jan 1960; POB Tehran, Iran; nationality Iran; Passport A123 (Iran);
Digital Currency Address - XBT 1A2b...; a.k.a. 'X'.``. Each recognised item
becomes a property; anything else is kept verbatim in ``notes`` so nothing
published is lost.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)}

WALLET_RE = re.compile(r"^(?:alt\.\s+)?Digital Currency Address\s*-\s*([A-Z0-9]+)\s+(\S+)$")
DOB_RE = re.compile(r"^(?:alt\.\s+)?DOB\s+(.+)$", re.I)
IMO_RE = re.compile(r"\bIMO\s+(\d{7})\b")
AKA_RE = re.compile(r"^(a\.k\.a\.|f\.k\.a\.|n\.k\.a\.)\s+['\"]?(.+?)['\"]?$")

#: Item prefix -> property. Person-only and Thing-wide properties are checked by the caller.
PREFIXES: list[tuple[str, str]] = [
    ("POB ", "birthPlace"),
    ("nationality ", "nationality"),
    ("citizen ", "citizenship"),
    ("Passport ", "passportNumber"),
    ("National ID No. ", "idNumber"),
    ("Cedula No. ", "idNumber"),
    ("C.U.R.P. ", "idNumber"),
    ("Identification Number ", "idNumber"),
    ("Tax ID No. ", "taxNumber"),
    ("RFC ", "taxNumber"),
    ("R.F.C. ", "taxNumber"),
    ("NIT # ", "taxNumber"),
    ("RUC # ", "taxNumber"),
    ("V.A.T. Number ", "vatCode"),
    ("D-U-N-S Number ", "dunsCode"),
    ("Registration Number ", "registrationNumber"),
    ("Business Registration Number ", "registrationNumber"),
    ("Business Registration Document # ", "registrationNumber"),
    ("Commercial Registry Number ", "registrationNumber"),
    ("Company Number ", "registrationNumber"),
    ("Registration ID ", "registrationNumber"),
    ("C.R. No. ", "registrationNumber"),
    ("Folio Mercantil No. ", "registrationNumber"),
    ("Matricula Mercantil No ", "registrationNumber"),
    ("Trade License No. ", "licenseNumber"),
    ("Aircraft Tail Number ", "registrationNumber"),
    ("Email Address ", "email"),
    ("Website ", "website"),
    ("Former Vessel Flag ", "pastFlags"),
    ("Organization Established Date ", "incorporationDate"),
    ("Aircraft Model ", "model"),
    ("Aircraft Manufacturer's Serial Number (MSN) ", "serialNumber"),
    ("Aircraft Manufacture Date ", "buildDate"),
    ("Title ", "position"),
]
#: Identifier properties: the remark (with its issuing country and dates) is also kept as a note.
ID_PROPS = frozenset({"passportNumber", "idNumber", "taxNumber", "registrationNumber", "licenseNumber",
                      "vatCode", "dunsCode"})


@dataclass
class Remarks:
    """What the remarks of one SDN entry say."""

    props: dict[str, list[str]] = field(default_factory=dict)
    #: (currency code, address) pairs.
    wallets: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, prop: str, value: str) -> None:
        value = value.strip().rstrip(".").strip()
        if value:
            self.props.setdefault(prop, []).append(value)


#: A full stop followed by one of these starts a new item even without a ``;``
#: (OFAC separates items with ``;``; files written by other tools may use ``. ``).
ITEM_START = re.compile(
    r"(?<=\.)(?<!\balt\.)(?<!\.[A-Z]\.)\s+(?=(?:alt\.\s+)?(?:DOB|POB|nationality|citizen|Gender|Passport|"
    r"National ID No\.|Digital Currency Address|Vessel Registration Identification|Linked To:)\s)"
)


def split_items(text: str) -> list[str]:
    """The items of a remarks cell: ``;``-separated; the cell's final full stop removed."""
    text = text.strip()
    if text.endswith("."):
        text = text[:-1]
    items = []
    for part in text.split(";"):
        pieces = ITEM_START.split(part)
        for index, piece in enumerate(pieces):
            piece = piece.strip()
            if index < len(pieces) - 1:
                piece = piece[:-1].strip()  # the full stop that ended this item
            if piece:
                items.append(piece)
    return items


def parse_date(text: str) -> list[str]:
    """ISO date(s) from OFAC's date forms: ``01 Jan 1960``, ``Jan 1960``, ``1960``,
    ``circa 1960``, ``1960 to 1962``, ``01 Jan 1961 to 31 Dec 1962`` (a range gives each year).
    Returns [] when the form is not recognised.
    """
    text = text.strip().rstrip(".")
    text = re.sub(r"^circa\s+", "", text, flags=re.I)
    span = re.fullmatch(r"(.*?\d{4})\s+to\s+(.*?\d{4})", text)
    if span:
        first, last = parse_date(span.group(1)), parse_date(span.group(2))
        if not first or not last:
            return []
        start, end = int(first[0][:4]), int(last[-1][:4])
        if start == end:
            return sorted({first[0], last[-1]})
        if 0 <= end - start <= 10:
            return [str(y) for y in range(start, end + 1)]
        return []
    parts = text.split()
    try:
        if len(parts) == 3:
            day, month, year = int(parts[0]), MONTHS[parts[1][:3].lower()], int(parts[2])
            return [datetime(year, month, day).date().isoformat()]
        if len(parts) == 2:
            month, year = MONTHS[parts[0][:3].lower()], int(parts[1])
            return [f"{year:04d}-{month:02d}"]
        if len(parts) == 1 and re.fullmatch(r"\d{4}", parts[0]):
            return [parts[0]]
    except (KeyError, ValueError):
        return []
    return []


def _strip_country(value: str) -> str:
    """``A123 (Iran)`` -> ``A123``: the issuing country stays in notes."""
    return re.sub(r"\s*\([^)]*\)\s*$", "", value).strip()


def _parse_item(item: str, out: Remarks) -> None:
    wallet = WALLET_RE.match(item)
    if wallet:
        out.wallets.append((wallet.group(1), wallet.group(2)))
        return
    dob = DOB_RE.match(item)
    if dob:
        dates = parse_date(dob.group(1))
        for value in dates:
            out.add("birthDate", value)
        if not dates:
            out.notes.append(item)
        return
    aka = AKA_RE.match(item)
    if aka:
        prop = "previousName" if aka.group(1) == "f.k.a." else "alias"
        out.add(prop, aka.group(2))
        return
    if item.startswith("Gender "):
        gender = item[len("Gender "):].strip().lower()
        if gender in ("male", "female"):
            out.add("gender", gender)
            return
    imo = IMO_RE.search(item)
    if imo and ("Vessel Registration" in item or "IMO" in item.split()[:4]):
        out.add("imoNumber", imo.group(1))
        return
    bare = item[len("alt. "):] if item.startswith("alt. ") else item
    for prefix, prop in PREFIXES:
        if bare.startswith(prefix):
            value = bare[len(prefix):]
            if prop in ID_PROPS:
                out.notes.append(item)
                value = _strip_country(re.sub(r"(^|\s+)(issued|expires)\b.*$", "", value))
            if prop in ("incorporationDate", "buildDate"):
                dates = parse_date(value)
                if not dates:
                    out.notes.append(item)
                for date in dates:
                    out.add(prop, date)
                return
            out.add(prop, value)
            return
    out.notes.append(item)


def parse_remarks(text: str | None) -> Remarks:
    """Parse one Remarks cell (``None`` or ``-0-`` means empty)."""
    out = Remarks()
    if not text:
        return out
    for item in split_items(text):
        _parse_item(item, out)
    return out
