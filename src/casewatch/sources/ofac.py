"""US OFAC Specially Designated Nationals list: the CSV trio ``sdn.csv``, ``alt.csv``, ``add.csv``.

Format (OFAC's published spec for the legacy CSV files; no header row, ``-0-``
means empty):

- ``sdn.csv``: ent_num, SDN_Name, SDN_Type, Program, Title, Call_Sign,
  Vess_type, Tonnage, GRT, Vess_flag, Vess_owner, Remarks
- ``alt.csv``: ent_num, alt_num, alt_type, alt_name, alt_remarks
- ``add.csv``: ent_num, add_num, address, city/state/zip, country, add_remarks

The consolidated (non-SDN) list uses the same columns in ``cons_prim.csv``,
``cons_alt.csv`` and ``cons_add.csv``; those names are accepted too.

Mapping: ``individual`` -> Person, ``vessel`` -> Vessel, ``aircraft`` ->
Airplane, other entries -> Company when the name carries a legal form, else
Organization. Aliases from ``alt.csv``; addresses (full text) and countries
from ``add.csv``; remarks parsed by :mod:`casewatch.sources.ofac_remarks`
(birth dates, nationality, ids, IMO, digital currency addresses -> one
CryptoWallet each, held by the listed entity). One Sanction entity per program.
Aliases and addresses are joined through a disk-backed side table, so no
file order is assumed and memory stays bounded.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from followthemoney import EntityProxy

from casewatch.errors import CasewatchError
from casewatch.ftm.model import make_entity
from casewatch.sources.base import Connector, Item, register
from casewatch.sources.fetch import fetched_at
from casewatch.sources.helpers import add_prop, org_schema
from casewatch.sources.ofac_remarks import parse_remarks
from casewatch.sources.tabular import BATCH, SideTable, csv_rows, open_text

BASE_URL = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/"
FILES = {"sdn.csv": "SDN.CSV", "alt.csv": "ALT.CSV", "add.csv": "ADD.CSV"}
AUTHORITY = "US Office of Foreign Assets Control (OFAC)"
EMPTY = "-0-"

SCHEMA_BY_TYPE = {"individual": "Person", "vessel": "Vessel", "aircraft": "Airplane"}


def cell(value: str) -> str | None:
    """A cell's value, with OFAC's ``-0-`` placeholder as None."""
    value = value.strip()
    return None if not value or value == EMPTY else value


def _role(path: Path) -> str:
    name = path.name.lower()
    if name.startswith("sdn") or "prim" in name:
        return "primary"
    if "alt" in name:
        return "alt"
    if "add" in name:
        return "add"
    raise CasewatchError(
        f"{path}: not an OFAC file name; expected sdn.csv, alt.csv or add.csv "
        "(or cons_prim.csv, cons_alt.csv, cons_add.csv)"
    )


def _expand(paths: Sequence[Path]) -> list[Path]:
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.glob("*.csv") if p.name.lower() in FILES)
            if not found:
                raise CasewatchError(f"{path}: no sdn.csv, alt.csv or add.csv in this directory")
            out.extend(found)
        else:
            out.append(path)
    return out


@register
class OfacConnector(Connector):
    """US OFAC SDN list (legacy CSV trio)."""

    name = "ofac"
    description = "US OFAC Specially Designated Nationals list (sdn.csv, alt.csv, add.csv)"
    url = BASE_URL + "SDN.CSV"
    downloads = {local: BASE_URL + remote for local, remote in FILES.items()}

    def iter_items(self, paths: Sequence[Path]) -> Iterator[Item]:
        files = _expand(paths)
        primaries = [p for p in files if _role(p) == "primary"]
        if not primaries:
            raise CasewatchError("OFAC: no sdn.csv (primary names file) among the given files")
        with SideTable() as side:
            for path in files:
                role = _role(path)
                if role != "primary":
                    yield from self._load_side(side, path, role)
            for path in primaries:
                yield from self._read_primary(side, path)

    def _load_side(self, side: SideTable, path: Path, role: str) -> Iterator[Item]:
        """Store alt/add rows keyed by ent_num; yield rejections for malformed rows."""
        width = 5 if role == "alt" else 6
        good: list[tuple[str, list[str | None]]] = []
        with open_text(path) as fh:
            for line, fields, raw, error in csv_rows(fh):
                if fields is None:
                    yield self.reject(path, line, error or "unreadable CSV record", raw)
                    continue
                if len(fields) != width:
                    yield self.reject(path, line, f"expected {width} columns, found {len(fields)}", raw)
                    continue
                key = fields[0].strip()
                if not key.isdigit():
                    yield self.reject(path, line, f"ent_num {key!r} is not a number", raw)
                    continue
                good.append((key, [cell(f) for f in fields]))
                if len(good) >= BATCH:
                    side.add_many(role, good)
                    good.clear()
        side.add_many(role, good)

    def _read_primary(self, side: SideTable, path: Path) -> Iterator[Item]:
        stamp = fetched_at(path)
        with open_text(path) as fh:
            for line, fields, raw, error in csv_rows(fh):
                if fields is None:
                    yield self.reject(path, line, error or "unreadable CSV record", raw)
                    continue
                if len(fields) != 12:
                    yield self.reject(path, line, f"expected 12 columns, found {len(fields)}", raw)
                    continue
                try:
                    entities = self._map_entry(side, fields)
                except ValueError as exc:
                    yield self.reject(path, line, str(exc), raw)
                    continue
                for source_id, entity in entities:
                    yield self.record(entity, source_id, path=path, row=line, raw=raw, fetched_at=stamp)

    def _map_entry(self, side: SideTable, fields: list[str]) -> list[tuple[str, EntityProxy]]:
        """The entities of one sdn.csv row: the listed thing, its wallets and sanctions."""
        ent_num, name, sdn_type, program, title = (cell(f) for f in fields[:5])
        call_sign, vess_type, tonnage, grt, flag, owner, remarks = (cell(f) for f in fields[5:])
        if ent_num is None or not ent_num.isdigit():
            raise ValueError(f"ent_num {ent_num!r} is not a number")
        if name is None:
            raise ValueError("SDN_Name is empty")
        schema = SCHEMA_BY_TYPE.get((sdn_type or "").lower())
        if sdn_type is not None and schema is None:
            raise ValueError(f"unknown SDN_Type {sdn_type!r}")
        if schema is None:
            schema = org_schema(name)
        entity = make_entity(schema, id=f"ofac-{ent_num}", name=name, topics="sanction")
        programs = [p.strip() for p in (program or "").strip("[] ").split("] [") if p.strip()]
        add_prop(entity, "program", programs)
        add_prop(entity, "title" if schema == "Person" else "notes", title)
        if schema == "Vessel":
            add_prop(entity, "callSign", call_sign)
            add_prop(entity, "type", vess_type)
            add_prop(entity, "tonnage", tonnage)
            add_prop(entity, "grossRegisteredTonnage", grt)
            add_prop(entity, "flag", flag)
            add_prop(entity, "notes", f"Owner: {owner}" if owner else None)
        self._join(side, ent_num, entity)
        parsed = parse_remarks(remarks)
        for prop, values in parsed.props.items():
            add_prop(entity, prop, values)
        add_prop(entity, "notes", parsed.notes)
        out = [(ent_num, entity)]
        for currency, address in parsed.wallets:
            wallet = make_entity(
                "CryptoWallet",
                id=f"ofac-wallet-{currency.lower()}-{address}",
                publicKey=address,
                currency=currency,
                holder=entity.id,
                topics="sanction",
            )
            out.append((f"{ent_num}/wallet/{currency}/{address}", wallet))
        for prog in programs:
            sanction = make_entity(
                "Sanction",
                id=f"ofac-{ent_num}-sanction-{prog}",
                entity=entity.id,
                authority=AUTHORITY,
                program=prog,
                country="us",
            )
            out.append((f"{ent_num}/sanction/{prog}", sanction))
        return out

    @staticmethod
    def _join(side: SideTable, ent_num: str, entity: EntityProxy) -> None:
        for _, _, alt_type, alt_name, _ in side.get("alt", ent_num):
            if alt_name:
                prop = "previousName" if (alt_type or "").lower() == "fka" else "alias"
                entity.add(prop, alt_name)
        for _, _, address, city, country, _ in side.get("add", ent_num):
            full = ", ".join(p for p in (address, city, country) if p)
            if full:
                entity.add("address", full)
            if country:
                entity.add("country", country, quiet=True)

