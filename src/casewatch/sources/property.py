"""Property records: deeds (grantor, grantee, parcel, address, date, price).

There is no national deeds bulk file; county recorders publish in many shapes.
casewatch maps a simple deeds CSV (``deed_id, recording_date, document_type,
grantor, grantee, parcel_id, address, city, state, zip, price``) through the
generic mapping with a built-in mapping file (``mappings/deeds.yml``):
RealEstate (parcel), the grantor and grantee as LegalEntity, an Ownership
ending for the grantor and one starting for the grantee, and the sale as a
Payment. For another layout, copy that file, change the column names and use
``mapping:yourfile.yml``.
"""

from __future__ import annotations

from pathlib import Path

from casewatch.sources.base import register
from casewatch.sources.mapping import MappingConnector
from casewatch.sources.mapping_spec import load_spec

DEEDS_MAPPING = Path(__file__).parent / "mappings" / "deeds.yml"


@register
class PropertyConnector(MappingConnector):
    """Deeds CSV via the built-in mapping."""

    name = "property"
    description = "Property deeds CSV (grantor, grantee, parcel, address, date, price) via a built-in mapping"

    def __init__(self) -> None:
        super().__init__(load_spec(DEEDS_MAPPING), source_name="property")
