"""FollowTheMoney: the interchange model, extended with casewatch's Shipment schema."""

from casewatch.ftm.io import read_entities, write_entities
from casewatch.ftm.model import OUT_OF_SCOPE_PROPERTIES, REFUSED_SCHEMATA, make_entity, model

__all__ = [
    "model",
    "make_entity",
    "read_entities",
    "write_entities",
    "REFUSED_SCHEMATA",
    "OUT_OF_SCOPE_PROPERTIES",
]
