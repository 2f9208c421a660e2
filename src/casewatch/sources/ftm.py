"""FtM JSON lines, plain or as OpenSanctions-style delta files.

Each line is either an entity (``{"id", "schema", "properties"}``), which is an
``ADD``, or a delta (``{"op": "ADD"|"MOD"|"DEL", "entity": {...}}``). A ``DEL``
may carry only the entity's id; it is then given the abstract ``Thing`` schema
so that the monitor can find the stored record by source id. The entity id is
the source id.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from followthemoney import EntityProxy

from casewatch.ftm.io import parse_entity
from casewatch.ftm.model import model
from casewatch.sources.base import OPS, Connector, Item, register
from casewatch.sources.fetch import fetched_at
from casewatch.sources.tabular import JSON_SUFFIXES, json_lines, open_text


def parse_line(data: Any) -> tuple[str, EntityProxy]:
    """``(op, entity)`` from one decoded line; raises ValueError saying what is wrong."""
    if isinstance(data, dict) and "op" in data:
        op = data.get("op")
        if op not in OPS:
            raise ValueError(f"'op' must be one of {', '.join(OPS)}, got {op!r}")
        body = data.get("entity")
        if not isinstance(body, dict):
            raise ValueError("delta line without an 'entity' object")
        if op == "DEL" and "schema" not in body:
            if not isinstance(body.get("id"), str) or not body["id"]:
                raise ValueError("DEL without an entity id")
            return op, model.get_proxy({"id": body["id"], "schema": "Thing"}, cleaned=False)
        return op, parse_entity(body)
    return "ADD", parse_entity(data)


@register
class FtMConnector(Connector):
    """FollowTheMoney entities as JSON lines (plain or delta)."""

    name = "ftm"
    description = "FollowTheMoney entities as JSON lines, incl. OpenSanctions delta files"
    url = None

    def iter_items(self, paths: Sequence[Path]) -> Iterator[Item]:
        for path in paths:
            stamp = fetched_at(path)
            with open_text(path, JSON_SUFFIXES) as fh:
                for line, data, error, raw in json_lines(fh):
                    if error is not None:
                        yield self.reject(path, line, error, raw)
                        continue
                    try:
                        op, entity = parse_line(data)
                    except ValueError as exc:
                        yield self.reject(path, line, str(exc), raw)
                        continue
                    assert entity.id is not None
                    yield self.record(
                        entity, entity.id, path=path, row=line, raw=raw, fetched_at=stamp, op=op
                    )
