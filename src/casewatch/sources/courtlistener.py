"""CourtListener dockets and parties (REST API v4 JSON).

Input: JSON lines (one docket or party object per line; the streaming form
for large exports) or JSON documents as the API returns them: one object, a
list, or a results page ``{"count", "next", "results": [...]}``. A JSON
document is read whole, so it is limited to :data:`MAX_DOCUMENT_BYTES`; use
JSON lines beyond that.

Objects:

- docket: ``id``, ``case_name``, ``docket_number``, ``court_id`` (or a
  ``court`` URL), ``date_filed``, ``date_terminated``, ``cause``,
  ``nature_of_suit``, ``absolute_url``; optionally embedded ``parties``.
- party (``/api/rest/v4/parties/``): ``id``, ``name``, ``party_types``
  (``[{"name": "Defendant", "docket": <docket id>}, ...]``), or an embedded
  party of a docket.

Mapping: docket -> CourtCase ``courtlistener-docket-<id>`` (name, caseNumber,
court, fileDate, closeDate, category); party -> LegalEntity
``courtlistener-party-<id>`` (Company when the name carries a legal form)
and one CourtCaseParty per (party, docket, role). There is no public bulk
URL to fetch (the API needs a token); bring exported files.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import orjson
from followthemoney import EntityProxy

from casewatch.errors import CasewatchError
from casewatch.ftm.model import make_entity
from casewatch.sources.base import Connector, Item, register
from casewatch.sources.fetch import fetched_at
from casewatch.sources.helpers import add_prop, org_schema, partial_date
from casewatch.sources.tabular import JSON_SUFFIXES, json_lines, open_text

MAX_DOCUMENT_BYTES = 200 * 1024 * 1024
SITE = "https://www.courtlistener.com"


def _court(obj: dict[str, Any]) -> str | None:
    court = obj.get("court_id") or obj.get("court")
    if isinstance(court, str) and court:
        return court.rstrip("/").rsplit("/", 1)[-1]
    return None


def _date(obj: dict[str, Any], key: str) -> str | None:
    value = obj.get(key)
    if not value:
        return None
    try:
        return partial_date(str(value))
    except ValueError as exc:
        raise ValueError(f"{key}: {exc}") from None


def _docket_id(value: Any) -> str | None:
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and value:
        return value.rstrip("/").rsplit("/", 1)[-1]
    return None


def map_docket(obj: dict[str, Any]) -> list[tuple[str, EntityProxy]]:
    """A CourtCase, plus parties for any embedded ``parties``."""
    docket_id = _docket_id(obj.get("id"))
    if not docket_id:
        raise ValueError("docket without 'id'")
    name = str(obj.get("case_name") or obj.get("case_name_short") or "").strip()
    if not name:
        raise ValueError(f"docket {docket_id} has no case_name")
    case = make_entity(
        "CourtCase",
        id=f"courtlistener-docket-{docket_id}",
        name=name,
        caseNumber=obj.get("docket_number"),
        court=_court(obj),
        fileDate=_date(obj, "date_filed"),
        closeDate=_date(obj, "date_terminated"),
        category=obj.get("nature_of_suit") or None,
        country="us",
    )
    add_prop(case, "notes", obj.get("cause") or None)
    if obj.get("absolute_url"):
        add_prop(case, "sourceUrl", SITE + str(obj["absolute_url"]))
    out = [(f"docket/{docket_id}", case)]
    for party in obj.get("parties") or []:
        if isinstance(party, dict):
            out.extend(map_party(party, default_docket=docket_id))
    return out


def map_party(obj: dict[str, Any], default_docket: str | None = None) -> list[tuple[str, EntityProxy]]:
    """A party (LegalEntity) and its CourtCaseParty link(s) to docket(s)."""
    name = str(obj.get("name") or "").strip()
    if not name:
        raise ValueError("party without a name")
    party_id = _docket_id(obj.get("id")) or hashlib.sha1(
        f"{default_docket}|{name}".encode()).hexdigest()[:16]
    schema = "Company" if org_schema(name) == "Company" else "LegalEntity"
    entity = make_entity(schema, id=f"courtlistener-party-{party_id}", name=name)
    out = [(f"party/{party_id}", entity)]
    for ptype in obj.get("party_types") or [{}]:
        docket = _docket_id(ptype.get("docket")) or default_docket
        if docket is None:
            raise ValueError(f"party {party_id} names no docket")
        role = str(ptype.get("name") or "party")
        link = make_entity(
            "CourtCaseParty",
            id=f"courtlistener-party-{party_id}-{docket}-{role.lower().replace(' ', '-')}",
            party=entity.id,
            case=f"courtlistener-docket-{docket}",
            role=role,
            date=_date(ptype, "date_terminated"),
        )
        out.append((f"party/{party_id}/{docket}/{role}", link))
    return out


def _map(obj: Any) -> list[tuple[str, EntityProxy]]:
    if not isinstance(obj, dict):
        raise ValueError("expected a JSON object (a docket or a party)")
    if "docket_number" in obj or "case_name" in obj:
        return map_docket(obj)
    if "party_types" in obj or "name" in obj:
        return map_party(obj)
    raise ValueError("neither a docket (case_name, docket_number) nor a party (name, party_types)")


def _is_document(path: Path) -> bool:
    """True when ``path`` holds one (pretty-printed or array) JSON document, not JSON lines."""
    if path.suffix.lower() in (".jsonl", ".ndjson"):
        return False
    with open_text(path, JSON_SUFFIXES) as fh:
        for line in fh:
            if line.strip():
                try:
                    orjson.loads(line)
                except orjson.JSONDecodeError:
                    return True
                return False
    return False


def _expand(row: int, obj: Any, raw: str) -> Iterator[tuple[int, Any, str | None, str]]:
    """An API results page becomes its results; anything else passes through."""
    if isinstance(obj, dict) and isinstance(obj.get("results"), list):
        for item in obj["results"]:
            yield row, item, None, orjson.dumps(item).decode()
    elif isinstance(obj, list):
        for item in obj:
            yield row, item, None, orjson.dumps(item).decode()
    else:
        yield row, obj, None, raw


def _objects(path: Path) -> Iterator[tuple[int, Any, str | None, str]]:
    """``(row, object, error, raw)`` from JSON lines (row = line) or one JSON document
    (row = 1-based position of the object in its list)."""
    if not _is_document(path):
        with open_text(path, JSON_SUFFIXES) as fh:
            for line, obj, error, raw in json_lines(fh):
                if error is not None:
                    yield line, None, error, raw
                else:
                    yield from _expand(line, obj, raw)
        return
    if path.stat().st_size > MAX_DOCUMENT_BYTES:
        raise CasewatchError(f"{path}: JSON document over {MAX_DOCUMENT_BYTES >> 20} MB; use JSON lines")
    with open_text(path, JSON_SUFFIXES) as fh:
        text = fh.read()
    try:
        data = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        yield 1, None, f"invalid JSON: {exc}", text
        return
    items = data.get("results", [data]) if isinstance(data, dict) else data
    for index, obj in enumerate(items if isinstance(items, list) else [items], start=1):
        yield index, obj, None, orjson.dumps(obj).decode()


@register
class CourtListenerConnector(Connector):
    """CourtListener dockets and parties."""

    name = "courtlistener"
    description = "CourtListener dockets and parties (REST API v4 JSON or JSON lines)"
    url = "https://www.courtlistener.com/help/api/rest/"

    def iter_items(self, paths: Sequence[Path]) -> Iterator[Item]:
        for path in paths:
            stamp = fetched_at(path)
            for row, obj, error, raw in _objects(path):
                if error is not None:
                    yield self.reject(path, row, error, raw)
                    continue
                try:
                    mapped = _map(obj)
                except ValueError as exc:
                    yield self.reject(path, row, str(exc), raw)
                    continue
                for source_id, entity in mapped:
                    yield self.record(entity, source_id, path=path, row=row, raw=raw, fetched_at=stamp)
