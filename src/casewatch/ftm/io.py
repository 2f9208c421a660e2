"""Read and write FtM entities as JSON lines, with errors that name the file and line."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import orjson
from followthemoney import EntityProxy
from followthemoney.exc import InvalidData

from casewatch.errors import CasewatchError
from casewatch.ftm.model import model


@dataclass(frozen=True)
class LineError:
    """One line of a JSON lines file that could not be read as an FtM entity."""

    path: str
    line: int
    reason: str
    raw: str


def parse_entity(data: Any) -> EntityProxy:
    """Turn a decoded JSON object into an entity, or raise ValueError saying why not."""
    if not isinstance(data, dict):
        raise ValueError("expected a JSON object with 'schema' and 'properties'")
    schema = data.get("schema")
    if not isinstance(schema, str) or not schema:
        raise ValueError("missing 'schema'")
    if model.get(schema) is None:
        raise ValueError(f"unknown schema {schema!r}")
    props = data.get("properties", {})
    if not isinstance(props, dict):
        raise ValueError("'properties' must be an object of lists")
    try:
        entity = model.get_proxy(data, cleaned=False)
    except (InvalidData, TypeError, AttributeError, KeyError) as exc:
        raise ValueError(f"invalid entity: {exc}") from exc
    if not entity.id:
        raise ValueError("missing 'id'")
    return entity


def iter_lines(path: Path) -> Iterator[tuple[int, bytes]]:
    """Yield (line number, raw line) for the non-blank lines of ``path``."""
    try:
        fh = open(path, "rb")
    except FileNotFoundError:
        raise CasewatchError(f"{path}: file not found") from None
    except IsADirectoryError:
        raise CasewatchError(f"{path}: is a directory, expected a file") from None
    with fh:
        for number, raw in enumerate(fh, start=1):
            if raw.strip():
                yield number, raw


def read_entities_lenient(path: Path) -> Iterator[EntityProxy | LineError]:
    """Stream entities from ``path``; bad lines come back as :class:`LineError`."""
    for number, raw in iter_lines(path):
        try:
            yield parse_entity(orjson.loads(raw))
        except (orjson.JSONDecodeError, ValueError) as exc:
            yield LineError(str(path), number, str(exc), raw.decode("utf-8", "replace")[:2000])


def read_entities(path: Path) -> Iterator[EntityProxy]:
    """Stream entities from ``path``; the first bad line raises CasewatchError naming it."""
    for item in read_entities_lenient(path):
        if isinstance(item, LineError):
            raise CasewatchError(f"{item.path}, line {item.line}: {item.reason}")
        yield item


def entity_json(entity: EntityProxy) -> bytes:
    return orjson.dumps(entity.to_dict())


def write_entities(entities: Iterable[EntityProxy], fh: IO[bytes]) -> int:
    """Write entities as JSON lines; returns how many were written."""
    count = 0
    for entity in entities:
        fh.write(entity_json(entity))
        fh.write(b"\n")
        count += 1
    return count
