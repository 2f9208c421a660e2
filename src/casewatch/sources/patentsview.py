"""PatentsView disambiguated assignee table (``g_assignee_disambiguated.tsv``).

Format: tab-separated with a header row: ``patent_id, assignee_sequence,
assignee_id, disambig_assignee_individual_name_first,
disambig_assignee_individual_name_last, disambig_assignee_organization,
assignee_type, location_id``; published zipped at
``https://s3.amazonaws.com/data.patentsview.org/download/g_assignee_disambiguated.tsv.zip``
(read straight from the zip, streaming).

Mapping (FtM has no Patent schema): a patent is an ``Asset`` — a Thing, so
it is matchable by name and can be owned — ``patentsview-patent-<patent_id>``
named ``US patent <patent_id>``; the assignee is an Organization (Company when
the name carries a legal form) or, for individual assignees, a Person,
``patentsview-assignee-<assignee_id>`` (PatentsView's disambiguated id, stable
across releases); they are linked by an Ownership (role ``assignee``,
ownershipType ``patent assignment``). ``assignee_type`` codes 4/5 (US /
foreign individual) mean a person.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from followthemoney import EntityProxy

from casewatch.ftm.model import make_entity
from casewatch.sources.base import Connector, Item, register
from casewatch.sources.fetch import fetched_at
from casewatch.sources.helpers import org_schema
from casewatch.sources.tabular import clean, dict_rows, open_text

URL = "https://s3.amazonaws.com/data.patentsview.org/download/g_assignee_disambiguated.tsv.zip"
ASSIGNEE_TYPES = {
    "1": "unassigned", "2": "US company or corporation", "3": "foreign company or corporation",
    "4": "US individual", "5": "foreign individual", "6": "US federal government",
    "7": "foreign government", "8": "US county government", "9": "US state government",
}


def map_assignee(row: dict[str, str]) -> list[tuple[str, EntityProxy]]:
    """The patent, its assignee and the Ownership between them, for one table row."""
    patent_id = clean(row.get("patent_id"))
    if not patent_id:
        raise ValueError("patent_id is empty")
    assignee_id = clean(row.get("assignee_id"))
    if not assignee_id:
        raise ValueError(f"patent {patent_id}: assignee_id is empty")
    org = clean(row.get("disambig_assignee_organization"))
    first = clean(row.get("disambig_assignee_individual_name_first"))
    last = clean(row.get("disambig_assignee_individual_name_last"))
    person_name = " ".join(p for p in (first, last) if p)
    if not org and not person_name:
        raise ValueError(f"patent {patent_id}: assignee has neither an organization nor a person name")
    patent = make_entity("Asset", id=f"patentsview-patent-{patent_id}", name=f"US patent {patent_id}",
                         country="us", sourceUrl=f"https://patents.google.com/patent/US{patent_id}")
    # 2..9 name the kind of assignee; 12..19 the same kinds holding a part interest.
    type_code = (clean(row.get("assignee_type")) or "").split(".")[0]
    code = type_code[-1:] if type_code else ""
    if org:
        assignee = make_entity(org_schema(org), id=f"patentsview-assignee-{assignee_id}", name=org)
    else:
        assignee = make_entity("Person", id=f"patentsview-assignee-{assignee_id}", name=person_name,
                               firstName=first, lastName=last)
    if code in ASSIGNEE_TYPES:
        assignee.add("notes", f"PatentsView assignee type: {ASSIGNEE_TYPES[code]}")
    ownership = make_entity(
        "Ownership",
        id=f"patentsview-{patent_id}-{assignee_id}",
        owner=assignee.id,
        asset=patent.id,
        role="assignee",
        ownershipType="patent assignment",
    )
    return [
        (f"patent/{patent_id}", patent),
        (f"assignee/{assignee_id}", assignee),
        (f"assignment/{patent_id}/{assignee_id}", ownership),
    ]


@register
class PatentsViewConnector(Connector):
    """PatentsView assignees."""

    name = "patentsview"
    description = "PatentsView g_assignee_disambiguated.tsv (plain or zipped)"
    url = URL
    downloads = {"g_assignee_disambiguated.tsv.zip": URL}

    def iter_items(self, paths: Sequence[Path]) -> Iterator[Item]:
        for path in paths:
            stamp = fetched_at(path)
            with open_text(path, ".tsv") as fh:
                for line, row, raw in dict_rows(fh, delimiter="\t"):
                    if isinstance(row, str):
                        yield self.reject(path, line, row, raw)
                        continue
                    try:
                        mapped = map_assignee(row)
                    except ValueError as exc:
                        yield self.reject(path, line, str(exc), raw)
                        continue
                    for source_id, entity in mapped:
                        yield self.record(entity, source_id, path=path, row=line, raw=raw, fetched_at=stamp)
