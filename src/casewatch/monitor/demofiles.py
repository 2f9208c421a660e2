"""Write the demo's generated record stream as files in the sources' real formats.

Generated records (FtM dicts with a ground-truth row each) are grouped by the
kind of source the generator says they came from:

- sanctions-list people, companies and vessels -> the US OFAC SDN CSV trio
  (``sdn.csv``/``alt.csv``/``add.csv``; birth dates and IMO numbers in the
  remarks, as OFAC writes them), read by the ``ofac`` connector;
- crypto wallets -> a wallet-list CSV (``address,currency,label``), read by
  the ``crypto`` connector;
- everything else (registry, court, property and shipment parties) -> FtM
  JSON lines per source kind, read by the ``ftm`` connector, with a few
  malformed lines to show the quarantine at work.

:class:`TruthMap` remembers which generated record each stored record stands
for, so recall can be measured against the generator's truth after ingest.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

OFAC_TYPES = {"Person": "individual", "Vessel": "vessel", "Company": "-0-"}
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
BAD_LINES = (
    b'{"id": "broken-1", "schema": "Person", "properties": {"name": "not a list"\n',
    b'{"id": "broken-2", "schema": "Spaceship", "properties": {}}\n',
    b'{"id": "broken-3", "schema": "Message", "properties": {"subject": ["hello"]}}\n',
)


@dataclass
class TruthMap:
    """Stored record -> generated record id, per source."""

    ofac: dict[str, str] = field(default_factory=dict)  # "ofac-<ent_num>" -> record id
    crypto: dict[str, str] = field(default_factory=dict)  # lower-case address -> record id

    def generated_id(self, source: str, entity_id: str, props: dict[str, Any]) -> str | None:
        if source == "ftm":
            return entity_id
        if source == "ofac":
            return self.ofac.get(entity_id)
        if source == "crypto":
            keys = props.get("publicKey") or []
            return self.crypto.get(str(keys[0]).lower()) if keys else None
        return None


def _first(props: dict[str, Any], name: str) -> str | None:
    values = props.get(name) or []
    return str(values[0]) if values else None


def _ofac_date(value: str) -> str | None:
    parts = value.split("-")
    if len(parts) == 3 and all(p.isdigit() for p in parts):
        return f"{int(parts[2]):02d} {MONTHS[int(parts[1]) - 1]} {parts[0]}"
    return parts[0] if parts and parts[0].isdigit() else None


def _ofac_remarks(entity: dict[str, Any]) -> str:
    props = entity.get("properties", {})
    notes = []
    born = _first(props, "birthDate")
    if born and (text := _ofac_date(born)):
        notes.append(f"DOB {text}.")
    imo = _first(props, "imoNumber")
    if imo:
        notes.append(f"Vessel Registration Identification IMO {imo.replace('IMO', '').strip()}.")
    return " ".join(notes) or "-0-"


def write_ofac(folder: Path, entities: list[dict[str, Any]], truth: TruthMap,
               first_num: int) -> list[Path]:
    """The OFAC SDN trio for the sanctions-list records; returns the three paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / "sdn.csv", folder / "alt.csv", folder / "add.csv"]
    with open(paths[0], "w", newline="", encoding="utf-8") as sdn, \
            open(paths[1], "w", newline="", encoding="utf-8") as alt:
        sdn_w, alt_w = csv.writer(sdn), csv.writer(alt)
        alt_num = 0
        for number, entity in enumerate(entities, start=first_num):
            names = entity.get("properties", {}).get("name") or ["-0-"]
            sdn_w.writerow([number, names[0], OFAC_TYPES.get(entity["schema"], "-0-"),
                            "DEMO", "-0-", "-0-", "-0-", "-0-", "-0-", "-0-", "-0-",
                            _ofac_remarks(entity)])
            for alias in names[1:]:
                alt_num += 1
                alt_w.writerow([number, alt_num, "aka", alias, "-0-"])
            truth.ofac[f"ofac-{number}"] = entity["id"]
    paths[2].write_text("", encoding="utf-8")
    return paths


def write_wallets(path: Path, entities: list[dict[str, Any]], truth: TruthMap) -> Path:
    """A wallet-list CSV for the crypto-wallet records."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["address", "currency", "label"])
        for entity in entities:
            props = entity.get("properties", {})
            address = _first(props, "publicKey")
            if not address:
                continue
            writer.writerow([address, _first(props, "currency") or "BTC",
                             _first(props, "name") or ""])
            truth.crypto[address.lower()] = entity["id"]
    return path


def write_ftm(path: Path, entities: Iterable[dict[str, Any]], bad: bool = False) -> Path:
    """FtM JSON lines (optionally with a few malformed lines mixed in)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:
        for number, entity in enumerate(entities):
            fh.write(orjson.dumps(entity) + b"\n")
            if bad and number % 2000 == 1000:
                fh.write(BAD_LINES[(number // 2000) % len(BAD_LINES)])
    return path


def write_stream(folder: Path, stream: list[tuple[dict[str, Any], Any]],
                 truth: TruthMap, first_ofac: int) -> list[tuple[str, list[Path]]]:
    """Split the stream by source kind and write each part; returns (source, paths) units."""
    sanctions: list[dict[str, Any]] = []
    wallets: list[dict[str, Any]] = []
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for entity, row in stream:
        if entity["schema"] == "CryptoWallet":
            wallets.append(entity)
        elif row.source == "sanctions_list" and entity["schema"] in OFAC_TYPES:
            sanctions.append(entity)
        else:
            by_kind.setdefault(row.source, []).append(entity)
    units: list[tuple[str, list[Path]]] = []
    for kind in sorted(by_kind):
        units.append(("ftm", [write_ftm(folder / f"{kind}.json", by_kind[kind], bad=True)]))
    if sanctions:
        units.append(("ofac", write_ofac(folder / "ofac", sanctions, truth, first_ofac)))
    if wallets:
        units.append(("crypto", [write_wallets(folder / "wallets.csv", wallets, truth)]))
    return units
