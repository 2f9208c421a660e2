"""Small mapping helpers shared by connectors: dates, organisation schema, safe property adds."""

from __future__ import annotations

import re
from datetime import datetime

from followthemoney import EntityProxy

LEGAL_FORM_RE = re.compile(
    r"\b(LTD|LIMITED|LLC|L\.L\.C|INC|CORP|CORPORATION|COMPANY|CO\.|S\.A|SA|S\.A\.R\.L|SARL|"
    r"GMBH|AG|B\.V|BV|JSC|OJSC|CJSC|PJSC|OOO|ZAO|OAO|PLC|LLP|FZE|FZCO|SDN\.? BHD|PTE|"
    r"S\.L|S\.R\.L|SRL|DOO|D\.O\.O|A\.S|AS|SPA|S\.P\.A|KG|HOLDING|HOLDINGS)\b\.?",
    re.I,
)


def org_schema(name: str) -> str:
    """``Company`` when the name carries a legal form (Ltd, LLC, GmbH, OOO...), else
    ``Organization``: lists rarely say which, and the legal form is the best evidence."""
    return "Company" if LEGAL_FORM_RE.search(name) else "Organization"


def iso_date(value: str, formats: tuple[str, ...] = ("%Y-%m-%d",)) -> str:
    """Parse ``value`` with the first matching format into an ISO date.

    Raises ValueError ``bad date '...'`` when no format fits, so the caller can
    quarantine the row instead of silently dropping the date.
    """
    value = value.strip()
    for fmt in formats:
        try:
            return datetime.strptime(value, fmt).date().isoformat()
        except ValueError:
            continue
    raise ValueError(f"bad date {value!r}")


def partial_date(value: str) -> str:
    """A full, month-only or year-only date (``YYYY[-MM[-DD]]``, also with a time part).

    Raises ValueError for anything else.
    """
    value = value.strip()
    if re.fullmatch(r"\d{4}", value) and 1000 < int(value) < 2200:
        return value
    if re.fullmatch(r"\d{4}-\d{2}", value):
        datetime.strptime(value, "%Y-%m")
        return value
    head = value[:10]
    try:
        return datetime.strptime(head, "%Y-%m-%d").date().isoformat()
    except ValueError:
        raise ValueError(f"bad date {value!r}") from None


def add_prop(entity: EntityProxy, prop: str, values: list[str] | str | None) -> None:
    """Add values to ``prop``; values the schema cannot hold are kept in ``notes``.

    FtM silently drops a value it cannot clean (an IMO number with a wrong check
    digit, a property the schema lacks); casewatch keeps it as a note instead,
    because source records are evidence.
    """
    if values is None:
        return
    for value in [values] if isinstance(values, str) else values:
        if not value:
            continue
        schema_prop = entity.schema.get(prop)
        if schema_prop is not None and schema_prop.type.clean(value) is not None:
            entity.add(prop, value, quiet=True)
        elif prop != "notes":
            entity.add("notes", f"{prop}: {value}")
        else:
            entity.add("notes", value)
