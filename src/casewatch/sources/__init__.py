"""Source connectors: real published formats in, FtM entities with provenance out.

Use :func:`read_source` (or :func:`get_connector` then ``.read``); both stream
:class:`SourceRecord` and :class:`Rejected` items that have passed the central
out-of-scope filter. See ``docs/sources.md``.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator, Sequence
from pathlib import Path

from casewatch.errors import CasewatchError
from casewatch.sources.base import (
    Connector,
    Item,
    Rejected,
    SourceRecord,
    apply_scope,
    content_hash,
    make_connector,
    register,
    registered_names,
)

MAPPING_PREFIX = "mapping:"


def _load_connectors() -> None:
    """Import every module of this package so that each connector registers itself."""
    for info in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{info.name}")


_load_connectors()


def source_names() -> list[str]:
    """All valid source names (plus the ``mapping:FILE.yml`` form)."""
    return [*registered_names(), f"{MAPPING_PREFIX}FILE.yml"]


def get_connector(name: str) -> Connector:
    """The connector for ``name``; an unknown name is an error listing the valid ones."""
    if name.startswith(MAPPING_PREFIX):
        from casewatch.sources.mapping import MappingConnector

        return MappingConnector.from_file(Path(name[len(MAPPING_PREFIX) :]))
    connector = make_connector(name)
    if connector is None:
        raise CasewatchError(
            f"unknown source {name!r}; valid sources: {', '.join(source_names())}"
        )
    return connector


def read_source(name: str, paths: Sequence[Path | str]) -> Iterator[Item]:
    """Stream the items of source ``name`` read from ``paths`` (scope-filtered)."""
    return get_connector(name).read([Path(p) for p in paths])


__all__ = [
    "Connector",
    "Item",
    "Rejected",
    "SourceRecord",
    "apply_scope",
    "content_hash",
    "get_connector",
    "read_source",
    "register",
    "source_names",
]
