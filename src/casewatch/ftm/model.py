"""The FtM model casewatch uses: followthemoney's schemata plus ``Shipment``.

Use :data:`model` everywhere instead of ``followthemoney.model`` so that
Shipment entities (and the reverse properties it adds to LegalEntity and
Vessel) parse and round-trip through JSON lines.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from followthemoney import EntityProxy
from followthemoney.model import Model

EXTENSION_DIR = Path(__file__).parent / "schema"

#: Schemata that carry communications or movements of people: casewatch refuses them.
REFUSED_SCHEMATA = frozenset({"Message", "Email", "Call", "Trip", "Image"})
#: Properties casewatch never stores (design.md, "Out of scope").
OUT_OF_SCOPE_PROPERTIES = frozenset({"religion", "political", "ethnicity"})


def _extend_model() -> Model:
    """Load casewatch's schemata into followthemoney's shared model instance.

    followthemoney resolves schemata through one process-wide instance
    (``Model.instance()``), so the extension goes there: every reader of FtM
    in the process (including nomenklatura) then knows ``Shipment``.
    """
    m = Model.instance()
    if "Shipment" not in m.schemata:
        for path in sorted(EXTENSION_DIR.glob("*.yaml")):
            m._load(str(path))
        m.generate()
    return m


model: Model = _extend_model()


def make_entity(schema: str, id: str | None = None, **props: Any) -> EntityProxy:
    """Build an entity of ``schema`` with the given properties (values or lists)."""
    entity = model.make_entity(schema)
    if id is not None:
        entity.id = id
    for name, value in props.items():
        values = value if isinstance(value, list | tuple) else [value]
        for v in values:
            if v is not None and v != "":
                entity.add(name, v)
    return entity
