"""UK Sanctions List (FCDO), CSV format.

casewatch reads the UK Sanctions List CSV published by the FCDO, which replaced
OFSI's Consolidated List (``ConList.csv``) as the single UK list. The file
starts with a ``Report Date: ...`` line, then a header of 58 columns
(``Last Updated, Unique ID, OFSI Group ID, UN Reference Number, Name 6,
Name 1..5, Name type, Alias strength, Title, ..., Regime Name, Designation
Type, ..., Other Information, ..., Address Line 1..6, Address Postal Code,
Address Country, ..., Date Designated, D.O.B, Nationality(/ies), National
Identifier number, ..., Passport number, ..., Position, Gender, Town of birth,
Country of birth, Type of entity, ..., Business registration number (s), IMO
number, ..., Current believed flag of ship, ..., Type of ship, ...``). Each row
is ONE name of a designation: rows sharing a ``Unique ID`` are one subject.
Multi-valued cells separate values with ``|``.

Mapping: Individual -> Person, Entity -> Organization / Company, Ship ->
Vessel, plus one Sanction (program = Regime Name, listingDate = Date
Designated). Rows are grouped by Unique ID through a disk-backed side table
(no order assumed, bounded memory). Rows with the wrong column count, no
Unique ID or no name are quarantined by line; a subject whose D.O.B or
designation date cannot be read is quarantined as a whole.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from followthemoney import EntityProxy

from casewatch.ftm.model import make_entity
from casewatch.sources.base import Connector, Item, register
from casewatch.sources.fetch import fetched_at
from casewatch.sources.helpers import add_prop, iso_date, org_schema
from casewatch.sources.tabular import BATCH, SideTable, clean, csv_rows, open_text

URL = "https://sanctionslist.fcdo.gov.uk/docs/UK-Sanctions-List.csv"
AUTHORITY = "UK Foreign, Commonwealth and Development Office (FCDO)"
SCHEMAS = {"individual": "Person", "ship": "Vessel", "entity": None}
NAME_COLS = ["Name 1", "Name 2", "Name 3", "Name 4", "Name 5", "Name 6"]


def multi(row: dict[str, str], column: str) -> list[str]:
    """The ``|``-separated values of a cell."""
    return [v.strip() for v in (row.get(column) or "").split("|") if v.strip()]


def uk_date(value: str) -> str:
    """``dd/mm/yyyy`` -> ISO; ``00`` day or month (unknown) gives a partial date."""
    parts = value.strip().split("/")
    if len(parts) == 3 and parts[2].isdigit() and len(parts[2]) == 4:
        day, month, year = parts
        if month in ("00", "0", "") and day in ("00", "0", ""):
            return year
        if day in ("00", "0", ""):
            return iso_date(f"01/{month}/{year}", ("%d/%m/%Y",))[:7]
    return iso_date(value, ("%d/%m/%Y",))


def full_name(row: dict[str, str]) -> str:
    """Given names (Name 1..5) then the family or entity name (Name 6)."""
    return " ".join(v for v in (clean(row.get(c)) for c in NAME_COLS) if v)


def _details(entity: EntityProxy, row: dict[str, str]) -> None:
    person = entity.schema.name == "Person"
    for raw in multi(row, "D.O.B"):
        try:
            add_prop(entity, "birthDate", uk_date(raw))
        except ValueError as exc:
            raise ValueError(f"D.O.B: {exc}") from None
    add_prop(entity, "nationality" if person else "country", multi(row, "Nationality(/ies)"))
    add_prop(entity, "passportNumber", multi(row, "Passport number"))
    add_prop(entity, "idNumber", multi(row, "National Identifier number"))
    add_prop(entity, "position", multi(row, "Position"))
    add_prop(entity, "title", multi(row, "Title"))
    gender = (clean(row.get("Gender")) or "").lower()
    add_prop(entity, "gender", gender if gender in ("male", "female") else None)
    place = ", ".join(multi(row, "Town of birth") + multi(row, "Country of birth"))
    add_prop(entity, "birthPlace", place or None)
    add_prop(entity, "registrationNumber", multi(row, "Business registration number (s)"))
    add_prop(entity, "imoNumber", multi(row, "IMO number"))
    add_prop(entity, "flag", multi(row, "Current believed flag of ship"))
    add_prop(entity, "type", multi(row, "Type of ship"))
    add_prop(entity, "website", multi(row, "Website"))
    add_prop(entity, "email", multi(row, "Email address"))
    addr_cols = [f"Address Line {i}" for i in range(1, 7)] + ["Address Postal Code", "Address Country"]
    address = ", ".join(v for v in (clean(row.get(c)) for c in addr_cols) if v)
    add_prop(entity, "address", address or None)
    add_prop(entity, "country", clean(row.get("Address Country")))
    add_prop(entity, "notes", clean(row.get("Other Information")))


@register
class UkConnector(Connector):
    """UK Sanctions List (FCDO CSV)."""

    name = "uk"
    description = "UK Sanctions List (FCDO), CSV"
    url = URL
    downloads = {"UK-Sanctions-List.csv": URL}

    def iter_items(self, paths: Sequence[Path]) -> Iterator[Item]:
        for path in paths:
            stamp = fetched_at(path)
            with SideTable() as side:
                yield from self._load(side, path)
                for uid in side.keys("uk"):
                    rows = side.get("uk", uid)
                    line, raw = rows[0][0], rows[0][1]
                    try:
                        mapped = self._map(uid, [r[2] for r in rows])
                    except ValueError as exc:
                        yield self.reject(path, line, f"Unique ID {uid}: {exc}", raw)
                        continue
                    for source_id, entity in mapped:
                        yield self.record(entity, source_id, path=path, row=line, raw=raw, fetched_at=stamp)

    def _load(self, side: SideTable, path: Path) -> Iterator[Item]:
        """Group the name rows by Unique ID in the side table; quarantine bad rows."""
        header: list[str] | None = None
        batch: list[tuple[str, Any]] = []
        with open_text(path) as fh:
            for line, fields, raw, error in csv_rows(fh):
                if fields is None:
                    yield self.reject(path, line, error or "unreadable CSV record", raw)
                    continue
                if header is None:
                    if "Unique ID" in [f.strip() for f in fields]:
                        header = [f.strip().lstrip("\ufeff") for f in fields]
                    continue
                if len(fields) != len(header):
                    yield self.reject(path, line, f"expected {len(header)} columns, found {len(fields)}", raw)
                    continue
                row = dict(zip(header, fields, strict=True))
                uid = clean(row.get("Unique ID"))
                if not uid:
                    yield self.reject(path, line, "Unique ID is empty", raw)
                elif not full_name(row):
                    yield self.reject(path, line, "Name 1 to Name 6 are all empty", raw)
                else:
                    batch.append((uid, [line, raw, row]))
                if len(batch) >= BATCH:
                    side.add_many("uk", batch)
                    batch.clear()
        if header is None:
            yield self.reject(path, None, "no header row with a 'Unique ID' column: not a UK Sanctions List CSV")
        side.add_many("uk", batch)

    def _map(self, uid: str, rows: list[dict[str, str]]) -> list[tuple[str, EntityProxy]]:
        primary = next((r for r in rows if (r.get("Name type") or "").lower() == "primary name"), rows[0])
        name = full_name(primary)
        kind = (clean(primary.get("Designation Type")) or "").lower()
        if kind not in SCHEMAS:
            raise ValueError(f"unknown Designation Type {kind!r}")
        schema = SCHEMAS[kind] or org_schema(name)
        entity = make_entity(schema, id=f"uk-{uid}", name=name, topics="sanction")
        if schema == "Person":
            add_prop(entity, "firstName", clean(primary.get("Name 1")))
            add_prop(entity, "lastName", clean(primary.get("Name 6")))
        for row in rows:
            other = full_name(row)
            if other != name:
                weak = "low" in (row.get("Alias strength") or "").lower()
                add_prop(entity, "weakAlias" if weak else "alias", other)
            _details(entity, row)
        designated = clean(primary.get("Date Designated"))
        try:
            listed = uk_date(designated) if designated else None
        except ValueError as exc:
            raise ValueError(f"Date Designated: {exc}") from None
        regime = clean(primary.get("Regime Name"))
        add_prop(entity, "program", regime)
        sanction = make_entity(
            "Sanction",
            id=f"uk-{uid}-sanction",
            entity=entity.id,
            authority=AUTHORITY,
            program=regime,
            authorityId=uid,
            unscId=clean(primary.get("UN Reference Number")),
            listingDate=listed,
            provisions=multi(primary, "Sanctions Imposed"),
        )
        return [(uid, entity), (f"{uid}/sanction", sanction)]
