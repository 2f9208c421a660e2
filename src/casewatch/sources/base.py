"""The connector interface: what every source yields, and the one registry of sources.

A connector reads a source's real published files and yields, one at a time,
either a :class:`SourceRecord` (one FtM entity with its provenance) or a
:class:`Rejected` row (quarantined with file, row and reason). Everything a
connector yields passes through :func:`apply_scope`, casewatch's central
out-of-scope filter (design.md, "Out of scope"): the properties ``religion``,
``political`` and ``ethnicity`` are dropped, and entities of the schemata that
carry communications or movements of people are refused.

A new source is one new module under ``casewatch/sources/`` with a class
decorated by :func:`register`; :mod:`casewatch.sources` imports every module of
the package, so nothing else needs to change.
"""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, TypeVar

import orjson
from followthemoney import EntityProxy

from casewatch.errors import CasewatchError
from casewatch.ftm.model import OUT_OF_SCOPE_PROPERTIES, REFUSED_SCHEMATA, model

if TYPE_CHECKING:
    import httpx

    from casewatch.sources.fetch import FetchPolicy

#: The longest raw row text kept on a record or a rejection.
RAW_MAX = 4000

OPS = ("ADD", "MOD", "DEL")


@dataclass(frozen=True)
class SourceRecord:
    """One mapped entity with its provenance.

    ``source_id`` is the source's own, stable identifier for this entity (for
    derived entities such as a sanction or an address it is the listing's id
    plus a stable suffix). ``op`` is ``ADD`` for plain files; delta files can
    say ``MOD`` or ``DEL``. ``row`` is the 1-based line (text formats) or
    the line of the XML element's start tag, or the position in a JSON document.
    """

    entity: EntityProxy
    source: str
    source_id: str
    op: str
    path: str
    row: int
    raw: str | None
    fetched_at: datetime
    content_hash: str


@dataclass(frozen=True)
class Rejected:
    """A quarantined row: it could not be mapped, or it is out of scope."""

    source: str
    path: str
    row: int | None
    reason: str
    raw: str | None


Item = SourceRecord | Rejected


def truncate_raw(raw: str | bytes | None) -> str | None:
    """The raw text of a row, decoded and cut to :data:`RAW_MAX` characters."""
    if raw is None:
        return None
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8", "replace")
    return raw[:RAW_MAX]


def content_hash(entity: EntityProxy) -> str:
    """SHA-256 over the canonical JSON of an entity: id, schema, sorted properties.

    Property names and each property's values are sorted, so the hash does
    not depend on the order a source listed them in; it changes whenever a
    value, the schema or the id changes.
    """
    props = {name: sorted(values) for name, values in entity.properties.items() if values}
    canonical = {"id": entity.id, "schema": entity.schema.name, "properties": props}
    return hashlib.sha256(orjson.dumps(canonical, option=orjson.OPT_SORT_KEYS)).hexdigest()


def _refused_names() -> dict[str, str]:
    """Every schema that is (or descends from) a refused schema -> the refused one."""
    out: dict[str, str] = {}
    for schema in model.schemata.values():
        for name in REFUSED_SCHEMATA:
            refused = model.get(name)
            if refused is not None and schema.is_a(refused):
                out[schema.name] = name
    return out


#: Computed once: the model does not change after start-up.
REFUSED_BY_SCHEMA = _refused_names()


def refusal_reason(schema: str) -> str:
    """The quarantine reason for an entity of a refused schema."""
    return (
        f"schema {schema!r} is refused by design: casewatch does not take in "
        "communications or movements of people (Message, Email, Call, Trip, Image)"
    )


def apply_scope(item: Item) -> Item:
    """casewatch's out-of-scope filter, applied to everything a connector yields.

    Refuses entities of a refused schema as :class:`Rejected` and drops the
    out-of-scope properties (recomputing the content hash). Items already in
    scope come back unchanged.
    """
    if isinstance(item, Rejected):
        return item
    entity = item.entity
    refused = REFUSED_BY_SCHEMA.get(entity.schema.name)
    if refused is not None:
        return Rejected(item.source, item.path, item.row, refusal_reason(refused), item.raw)
    dropped = [p for p in OUT_OF_SCOPE_PROPERTIES if entity.has(p, quiet=True)]
    if not dropped:
        return item
    clean = entity.clone()
    for prop in dropped:
        clean.pop(prop, quiet=True)
    return replace(item, entity=clean, content_hash=content_hash(clean))


class Connector(ABC):
    """A source of records. Subclasses implement :meth:`iter_items`.

    :meth:`read` is the public entry point: it streams the subclass's items
    through the central out-of-scope filter, so no connector can bypass it.
    """

    #: The source name records carry (``ofac``, ``mapping:deeds``...).
    name: str
    #: One line for ``casewatch sources`` listings and the docs.
    description: str
    #: Where the source publishes (None when it has no public URL).
    url: str | None = None

    def read(self, paths: Sequence[Path]) -> Iterator[Item]:
        """Stream the records (and rejections) in ``paths``, filtered for scope."""
        for item in self.iter_items([Path(p) for p in paths]):
            yield apply_scope(item)

    @abstractmethod
    def iter_items(self, paths: Sequence[Path]) -> Iterator[Item]:
        """Stream raw mapped items from ``paths`` (before the scope filter)."""

    #: Local file name -> public URL of the files :meth:`fetch` downloads.
    downloads: ClassVar[Mapping[str, str]] = {}

    def __init__(self, downloads: Mapping[str, str] | None = None) -> None:
        """``downloads`` overrides the class's URLs (tests point it at a local server)."""
        self._downloads = dict(self.downloads if downloads is None else downloads)

    def fetch(
        self,
        dest_dir: Path,
        *,
        client: httpx.Client | None = None,
        policy: FetchPolicy | None = None,
    ) -> list[Path]:
        """Download the source's current files into ``dest_dir``; returns their paths.

        Each file is fetched conditionally (ETag / Last-Modified kept beside
        it), with retries and timeouts (see :mod:`casewatch.sources.fetch`).
        Sources without a public bulk URL raise :class:`CasewatchError`.
        """
        from casewatch.sources.fetch import download

        if not self._downloads:
            raise CasewatchError(
                f"source {self.name!r} publishes no public bulk file to fetch: "
                "obtain the files yourself and pass them to 'casewatch ingest'"
            )
        paths = []
        for local, url in self._downloads.items():
            download(url, dest_dir / local, client=client, policy=policy)
            paths.append(dest_dir / local)
        return paths

    # -- helpers for subclasses -------------------------------------------------

    def record(
        self,
        entity: EntityProxy,
        source_id: str,
        *,
        path: Path | str,
        row: int,
        raw: str | bytes | None,
        fetched_at: datetime,
        op: str = "ADD",
    ) -> SourceRecord:
        """Wrap a mapped entity with provenance and its content hash."""
        return SourceRecord(
            entity=entity,
            source=self.name,
            source_id=source_id,
            op=op,
            path=str(path),
            row=row,
            raw=truncate_raw(raw),
            fetched_at=fetched_at,
            content_hash=content_hash(entity),
        )

    def reject(
        self, path: Path | str, row: int | None, reason: str, raw: str | bytes | None = None
    ) -> Rejected:
        """A quarantined row of this source."""
        return Rejected(self.name, str(path), row, reason, truncate_raw(raw))


C = TypeVar("C", bound=type[Connector])

#: name -> factory. Filled by :func:`register` when the connector modules are imported.
_REGISTRY: dict[str, Callable[[], Connector]] = {}


def register(cls: C) -> C:
    """Class decorator: make a connector available under its ``name``."""
    if cls.name in _REGISTRY:
        raise RuntimeError(f"two connectors named {cls.name!r}")
    _REGISTRY[cls.name] = cls
    return cls


def registered_names() -> list[str]:
    """The names of all registered connectors, sorted."""
    return sorted(_REGISTRY)


def make_connector(name: str) -> Connector | None:
    """An instance of the registered connector ``name``, or None."""
    factory = _REGISTRY.get(name)
    return factory() if factory is not None else None
