"""Stream the repeated elements of a large XML file with bounded memory (lxml iterparse).

Each wanted element is handed out once complete and cleared afterwards (with
its already-processed preceding siblings), so a 1 GB list never sits in
memory. External entities and network access are disabled. A file that stops
being well-formed ends the stream with one error naming the line; the
elements before it have already been yielded.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from followthemoney import EntityProxy
from lxml import etree

from casewatch.errors import CasewatchError
from casewatch.sources.base import RAW_MAX, Connector, Item
from casewatch.sources.fetch import fetched_at


@dataclass(frozen=True)
class XmlError:
    """The XML stopped being well-formed at ``line``."""

    line: int | None
    reason: str


def local(tag: Any) -> str:
    """An element's tag without its namespace."""
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def iter_elements(path: Path, wanted: set[str]) -> Iterator[tuple[int, Any] | XmlError]:
    """Yield ``(line, element)`` for each element whose local name is in ``wanted``."""
    if not path.exists():
        raise CasewatchError(f"{path}: file not found")
    if path.is_dir():
        raise CasewatchError(f"{path}: is a directory, expected a file")
    context = etree.iterparse(
        str(path), events=("end",), huge_tree=True, resolve_entities=False, no_network=True
    )
    try:
        for _event, element in context:
            if local(element.tag) not in wanted:
                continue
            yield element.sourceline or 0, element
            element.clear(keep_tail=True)
            parent = element.getparent()
            while parent is not None and element.getprevious() is not None:
                del parent[0]
    except etree.XMLSyntaxError as exc:
        yield XmlError(exc.lineno, f"XML is not well-formed: {exc.msg}; the rest of the file was not read")


def raw_xml(element: Any) -> str:
    """The element's XML text, truncated."""
    text: str = etree.tostring(element, encoding="unicode", with_tail=False)
    return text[:RAW_MAX]


def text(element: Any, name: str) -> str | None:
    """The stripped text of the first child named ``name`` (any namespace), or None."""
    for child in element:
        if local(child.tag) == name:
            value = (child.text or "").strip()
            return value or None
    return None


def children(element: Any, name: str) -> list[Any]:
    """The direct children of ``element`` named ``name`` (any namespace)."""
    return [child for child in element if local(child.tag) == name]


def values(element: Any, name: str) -> list[str]:
    """Texts of ``<name><VALUE>..</VALUE></name>`` children (the UN list's value lists)."""
    out = []
    for child in children(element, name):
        for sub in child:
            if (sub.text or "").strip():
                out.append(sub.text.strip())
    return out


class XmlListConnector(Connector):
    """A sanctions list published as one XML document with one element per listed subject.

    Subclasses name the subject elements (:attr:`tags`) and map one element in
    :meth:`map_element` (raising ValueError to quarantine it). Broken XML ends
    that file with one rejection naming the line; elements before it are kept.
    """

    tags: ClassVar[frozenset[str]] = frozenset()

    def map_element(self, el: Any) -> list[tuple[str, EntityProxy]]:
        raise NotImplementedError

    def iter_items(self, paths: Sequence[Path]) -> Iterator[Item]:
        for path in paths:
            yield from self._iter_file(path)

    def _iter_file(self, path: Path) -> Iterator[Item]:
        stamp = fetched_at(path)
        for item in iter_elements(path, set(self.tags)):
            if isinstance(item, XmlError):
                yield self.reject(path, item.line, item.reason)
                return
            line, el = item
            raw = raw_xml(el)
            try:
                mapped = self.map_element(el)
            except ValueError as exc:
                yield self.reject(path, line, str(exc), raw)
                continue
            for source_id, entity in mapped:
                yield self.record(entity, source_id, path=path, row=line, raw=raw, fetched_at=stamp)
