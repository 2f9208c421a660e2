"""Helpers shared by the source connector tests."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from casewatch.sources import Rejected, SourceRecord

FIXTURES = Path(__file__).parent / "fixtures" / "sources"


def split(items: Iterable[SourceRecord | Rejected]) -> tuple[list[SourceRecord], list[Rejected]]:
    """Records and rejections of a stream, in order."""
    records: list[SourceRecord] = []
    rejected: list[Rejected] = []
    for item in items:
        (records if isinstance(item, SourceRecord) else rejected).append(item)  # type: ignore[arg-type]
    return records, rejected


def by_id(records: Iterable[SourceRecord]) -> dict[str, SourceRecord]:
    """Records keyed by entity id."""
    return {r.entity.id: r for r in records if r.entity.id}


def rejected_rows(rejected: Iterable[Rejected]) -> dict[int | None, str]:
    """Rejections keyed by row number -> reason."""
    return {r.row: r.reason for r in rejected}
