"""US CBP Automated Manifest System (AMS) bulk tables -> Shipment with parties and vessel.

The bulk release is a set of tables keyed by ``identifier`` (one per bill of
lading), each a CSV (comma or pipe delimited, header row) whose file name
says which table it is (``ams__header_2024__...csv``, ``..._billgen_...``,
``..._shipper_...``, ``..._consignee_...``, ``..._notifyparty_...``,
``..._cargodesc_...``, ``..._tariff_...``):

- header: identifier, carrier_code, vessel_country_code, vessel_name,
  port_of_unlading, estimated_arrival_date, foreign_port_of_lading, manifest_quantity,
  manifest_unit, weight, weight_unit, place_of_receipt, conveyance_id_qualifier,
  conveyance_id, mode_of_transportation, actual_arrival_date, ...
- billgen: identifier, master_bol_number, house_bol_number, ...
- shipper / consignee / notifyparty: identifier, <party>_name, <party>_address_1..4,
  city, state_province, zip_code, country_code, ...
- cargodesc: identifier, container_number, description_sequence_number, piece_count,
  description_text
- tariff: identifier, container_number, description_sequence_number, harmonized_number,
  harmonized_value, harmonized_weight, harmonized_weight_unit

Join: the header table is streamed; every other table is first loaded into a
temporary SQLite side table keyed by identifier, so no sort order is assumed
and memory stays bounded (disk use is about the size of those tables).

Mapping: Shipment ``ams-<identifier>`` (billOfLading = house or master BOL,
shipper, consignee, notifyParty, vessel, hsCode, cargoDescription, quantity,
weight in kg, ports, date = actual or estimated arrival); parties become
Company entities whose id is derived from name and country, so the same
shipper on many bills is one entity; the vessel a Vessel (IMO from a
conveyance id that is a valid IMO number).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from followthemoney import EntityProxy

from casewatch.errors import CasewatchError
from casewatch.ftm.model import make_entity
from casewatch.sources.base import Connector, Item, register
from casewatch.sources.fetch import fetched_at
from casewatch.sources.helpers import add_prop, iso_date
from casewatch.sources.tabular import BATCH, SideTable, clean, dict_rows, open_text

TABLES = ("header", "billgen", "shipper", "consignee", "notifyparty", "cargodesc", "tariff")
POUNDS_TO_KG = 0.45359237


def table_of(path: Path) -> str:
    """Which AMS table a file holds, from its name."""
    name = path.name.lower()
    for table in TABLES:
        if table in name:
            return table
    raise CasewatchError(f"{path}: not an AMS table file name; expected one containing {', '.join(TABLES)}")


def _delimiter(path: Path) -> str:
    with open_text(path, ".csv") as fh:
        first = fh.readline()
    return "|" if first.count("|") > first.count(",") else ","


def _party(table: str, row: dict[str, str]) -> EntityProxy | None:
    """A party Company from a shipper/consignee/notifyparty row (None without a name)."""
    name_col = next((k for k in row if k.endswith("_name") and not k.startswith("contact")), None)
    name = clean(row.get(name_col)) if name_col else None
    if not name:
        return None
    country = clean(row.get("country_code"))
    digest = hashlib.sha1(f"{name.casefold()}|{(country or '').lower()}".encode()).hexdigest()[:20]
    party = make_entity("Company", id=f"ams-party-{digest}", name=name)
    parts = [row[k] for k in sorted(row) if "address" in k and clean(row[k])]
    parts += [v for v in (clean(row.get(c)) for c in ("city", "state_province", "zip_code")) if v]
    add_prop(party, "address", ", ".join(p.strip() for p in parts) or None)
    add_prop(party, "country", country)
    return party


def _weight_kg(value: str | None, unit: str | None) -> str | None:
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        raise ValueError(f"weight {value!r} is not a number") from None
    if (unit or "").lower().startswith(("pound", "lb")):
        number *= POUNDS_TO_KG
    elif unit and not unit.lower().startswith(("kilo", "kg")):
        return None
    return f"{number:.1f}"


def _date(row: dict[str, str], column: str) -> str | None:
    value = clean(row.get(column))
    if not value:
        return None
    try:
        return iso_date(value[:10], ("%Y-%m-%d", "%m/%d/%Y", "%Y%m%d"))
    except ValueError as exc:
        raise ValueError(f"{column}: {exc}") from None


def map_bill(header: dict[str, str], side: SideTable) -> list[tuple[str, EntityProxy]]:
    """The Shipment of one header row, with parties and vessel joined from the side tables."""
    ident = clean(header.get("identifier"))
    if not ident:
        raise ValueError("identifier is empty")
    arrival = _date(header, "actual_arrival_date") or _date(header, "estimated_arrival_date")
    ship = make_entity(
        "Shipment",
        id=f"ams-{ident}",
        date=arrival,
        portOfLoading=clean(header.get("foreign_port_of_lading")),
        portOfDischarge=clean(header.get("port_of_unlading")),
        placeOfReceipt=clean(header.get("place_of_receipt")),
        quantity=clean(header.get("manifest_quantity")),
        quantityUnit=clean(header.get("manifest_unit")),
        weight=_weight_kg(clean(header.get("weight")), clean(header.get("weight_unit"))),
    )
    for bill in side.get("billgen", ident):
        add_prop(ship, "billOfLading", clean(bill.get("house_bol_number")) or clean(bill.get("master_bol_number")))
    out: list[tuple[str, EntityProxy]] = []
    for table, prop in (("shipper", "shipper"), ("consignee", "consignee"), ("notifyparty", "notifyParty")):
        for row in side.get(table, ident):
            party = _party(table, row)
            if party is not None:
                ship.add(prop, party.id)
                out.append((f"party/{party.id}", party))
    for row in side.get("cargodesc", ident):
        add_prop(ship, "cargoDescription", clean(row.get("description_text")))
    for row in side.get("tariff", ident):
        add_prop(ship, "hsCode", clean(row.get("harmonized_number")))
    vessel_name = clean(header.get("vessel_name"))
    if vessel_name:
        conveyance = clean(header.get("conveyance_id")) or ""
        key = conveyance or vessel_name.casefold()
        vessel = make_entity("Vessel", id=f"ams-vessel-{hashlib.sha1(key.encode()).hexdigest()[:20]}",
                             name=vessel_name, flag=clean(header.get("vessel_country_code")))
        if conveyance.isdigit() and len(conveyance) == 7:
            add_prop(vessel, "imoNumber", f"IMO{conveyance}")
        ship.add("vessel", vessel.id)
        out.append((f"vessel/{vessel.id}", vessel))
    return [(f"bill/{ident}", ship), *out]


@register
class AmsConnector(Connector):
    """US CBP AMS bills of lading."""

    name = "ams"
    description = "US CBP Automated Manifest System bulk tables (header + party/cargo tables)"
    url = None

    def iter_items(self, paths: Sequence[Path]) -> Iterator[Item]:
        by_table: dict[str, list[Path]] = {}
        for path in paths:
            by_table.setdefault(table_of(path), []).append(path)
        if "header" not in by_table:
            raise CasewatchError("AMS: no header table among the given files")
        with SideTable() as side:
            for table, files in by_table.items():
                if table != "header":
                    for path in files:
                        yield from self._load(side, table, path)
            for path in by_table["header"]:
                yield from self._read_header(side, path)

    def _load(self, side: SideTable, table: str, path: Path) -> Iterator[Item]:
        batch: list[tuple[str, Any]] = []
        with open_text(path, ".csv") as fh:
            for line, row, raw in dict_rows(fh, _delimiter(path)):
                if isinstance(row, str):
                    yield self.reject(path, line, row, raw)
                    continue
                row = {k.strip().lower(): v for k, v in row.items()}
                ident = clean(row.get("identifier"))
                if not ident:
                    yield self.reject(path, line, "identifier is empty", raw)
                    continue
                batch.append((ident, row))
                if len(batch) >= BATCH:
                    side.add_many(table, batch)
                    batch.clear()
        side.add_many(table, batch)

    def _read_header(self, side: SideTable, path: Path) -> Iterator[Item]:
        stamp = fetched_at(path)
        with open_text(path, ".csv") as fh:
            for line, row, raw in dict_rows(fh, _delimiter(path)):
                if isinstance(row, str):
                    yield self.reject(path, line, row, raw)
                    continue
                try:
                    mapped = map_bill({k.strip().lower(): v for k, v in row.items()}, side)
                except ValueError as exc:
                    yield self.reject(path, line, str(exc), raw)
                    continue
                for source_id, entity in mapped:
                    yield self.record(entity, source_id, path=path, row=line, raw=raw, fetched_at=stamp)
