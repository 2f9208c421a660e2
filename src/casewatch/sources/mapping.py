"""Bring your own data: a YAML mapping from any CSV/TSV or JSON lines file to FtM entities.

The mapping (see :mod:`casewatch.sources.mapping_spec`) is validated before a
row is read; rows are then mapped with followthemoney's own mapping engine
(keys -> ids, column/template/literal values, entity references, filters).
casewatch adds what a screening ingest needs: a row whose value cannot be
read for its property type (a bad date, a bad country), whose required
property is empty or whose key columns are all empty is quarantined with the
entity and property it failed on, instead of being silently dropped.

Entity ids are ``<mapping name>-<FtM key hash>`` (or ``<name>-<id column
value>`` with ``id_column``), stable across runs. JSON lines records are
flattened (``{"a": {"b": 1}}`` gives the column ``a.b``; lists of plain values
are joined with ``; `` — use ``split: "; "`` to get them back).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from followthemoney import EntityProxy
from followthemoney.exc import InvalidMapping
from followthemoney.helpers import inline_names
from followthemoney.mapping.csv import CSVSource
from followthemoney.mapping.query import QueryMapping
from followthemoney.types import registry

from casewatch.errors import CasewatchError
from casewatch.ftm.model import model
from casewatch.sources.base import Connector, Item
from casewatch.sources.fetch import fetched_at
from casewatch.sources.mapping_spec import MappingSpec, load_spec
from casewatch.sources.tabular import dict_rows, json_lines, open_text


def flatten(data: Any, prefix: str = "") -> dict[str, str]:
    """A JSON object as flat ``column -> text`` pairs (nested keys joined with dots)."""
    out: dict[str, str] = {}
    if isinstance(data, dict):
        for key, value in data.items():
            out.update(flatten(value, f"{prefix}{key}."))
    elif isinstance(data, list):
        if all(not isinstance(v, dict | list) for v in data):
            joined = "; ".join(str(v) for v in data if v is not None)
            if joined:
                out[prefix[:-1]] = joined
        else:
            for i, value in enumerate(data):
                out.update(flatten(value, f"{prefix}{i}."))
    elif data is not None and data != "":
        out[prefix[:-1]] = str(data).lower() if isinstance(data, bool) else str(data)
    return out


class MappingConnector(Connector):
    """Rows of a CSV/TSV/JSON lines file mapped by a YAML mapping."""

    description = "Your own CSV or JSON lines file, mapped to FtM by a YAML mapping"
    url = None

    def __init__(self, spec: MappingSpec, source_name: str | None = None) -> None:
        super().__init__()
        self.spec = spec
        self.name = source_name or f"mapping:{spec.name}"
        try:
            self.query = QueryMapping(model, spec.ftm_query(), key_prefix=spec.name)
        except InvalidMapping as exc:
            raise CasewatchError(f"mapping {spec.name!r}: {exc}") from None
        assert isinstance(self.query.source, CSVSource)
        self.source = self.query.source

    @classmethod
    def from_file(cls, path: Path) -> MappingConnector:
        """A connector for the mapping file at ``path`` (validated now, before any row)."""
        return cls(load_spec(path))

    def iter_items(self, paths: Sequence[Path]) -> Iterator[Item]:
        for path in paths:
            stamp = fetched_at(path)
            for line, record, error, raw in self._records(path):
                if error is not None:
                    yield self.reject(path, line, error, raw)
                    continue
                assert record is not None
                if not self.source.check_filters(record):
                    continue
                try:
                    entities = self.map_record(record)
                except ValueError as exc:
                    yield self.reject(path, line, str(exc), raw)
                    continue
                for entity in entities:
                    assert entity.id is not None
                    yield self.record(entity, entity.id, path=path, row=line, raw=raw, fetched_at=stamp)

    def _records(self, path: Path) -> Iterator[tuple[int, dict[str, str] | None, str | None, str]]:
        fmt = self.spec.format or ("jsonl" if path.suffix.lower() in (".jsonl", ".ndjson", ".json") else
                                   "tsv" if path.suffix.lower() == ".tsv" else "csv")
        with open_text(path, "." + fmt, encoding=self.spec.encoding) as fh:
            if fmt == "jsonl":
                for line, data, error, raw in json_lines(fh):
                    if error is None and not isinstance(data, dict):
                        error = "expected a JSON object"
                    yield line, (flatten(data) if error is None else None), error, raw
                return
            delimiter = self.spec.delimiter or ("\t" if fmt == "tsv" else ",")
            for line, row, raw in dict_rows(fh, delimiter):
                if isinstance(row, str):
                    yield line, None, row, raw
                else:
                    yield line, {k: v.strip() for k, v in row.items() if v and v.strip()}, None, raw

    def map_record(self, record: dict[str, str]) -> list[EntityProxy]:
        """The entities of one record; ValueError names the entity/property that failed."""
        done: dict[str, EntityProxy] = {}
        for emap in self.query.entities:
            path = f"entities.{emap.name}"
            proxy = model.make_entity(emap.schema.name)
            ordered = sorted(emap.properties, key=lambda p: p.prop.type != registry.country)
            for pmap in ordered:
                if pmap.entity is not None:
                    ref = done.get(pmap.entity)
                    if ref is not None:
                        proxy.unsafe_add(pmap.prop, ref.id, cleaned=True)
                        inline_names(proxy, ref)
                    continue
                discarded = pmap.map(proxy, record, done)
                if discarded:
                    raise ValueError(
                        f"{path}.properties.{pmap.prop.name}: {discarded[0]!r} is not a valid {pmap.prop.type.name}"
                    )
                if pmap.required and not proxy.has(pmap.prop):
                    raise ValueError(f"{path}.properties.{pmap.prop.name}: required value is empty")
            key = emap.compute_key(record)
            if key is None:
                cols = emap.keys or [emap.id_column]
                raise ValueError(f"{path}: key column(s) {', '.join(map(str, cols))} are empty")
            proxy.id = f"{self.spec.name}-{key}"
            done[emap.name] = proxy
        return list(done.values())
