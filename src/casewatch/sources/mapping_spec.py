"""The bring-your-own-data mapping file: its pydantic model and its validation.

The format is FollowTheMoney's own mapping format (one query: ``entities``
with ``schema``, ``keys`` or ``id_column``, ``properties`` with ``column`` /
``columns`` / ``literal`` / ``template`` / ``entity`` / ``join`` / ``split``
/ ``format`` / ``required``; ``filters`` / ``filters_not``) plus a header:
``name`` (the source name records carry), ``format`` (csv, tsv, jsonl) and
``delimiter``. Everything is checked before a single row is read; each error
names its key path in the YAML (``entities.owner.properties.religion``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from casewatch.errors import CasewatchError
from casewatch.ftm.model import OUT_OF_SCOPE_PROPERTIES, REFUSED_SCHEMATA, model


class PropertySpec(BaseModel):
    """Where one property's values come from (FtM property mapping)."""

    model_config = ConfigDict(extra="forbid")

    column: str | None = None
    columns: list[str] | None = None
    literal: str | None = None
    literals: list[str] | None = None
    template: str | None = None
    entity: str | None = None
    join: str | None = None
    split: str | None = None
    format: str | None = None
    required: bool = False
    fuzzy: bool = False


class EntitySpec(BaseModel):
    """One entity made from each row."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    schema_: str = Field(alias="schema")
    keys: list[str] | None = None
    key_literal: str | None = None
    id_column: str | None = None
    properties: dict[str, PropertySpec] = Field(default_factory=dict)


class MappingSpec(BaseModel):
    """A whole mapping file."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,62}$")
    description: str | None = None
    format: Literal["csv", "tsv", "jsonl"] | None = None
    delimiter: str | None = Field(default=None, min_length=1, max_length=1)
    encoding: str = "utf-8"
    filters: dict[str, Any] = Field(default_factory=dict)
    filters_not: dict[str, Any] = Field(default_factory=dict)
    entities: dict[str, EntitySpec] = Field(min_length=1)

    def ftm_query(self) -> dict[str, Any]:
        """The mapping in FtM's query-mapping form (for followthemoney's mapping engine)."""
        entities = {}
        for name, ent in self.entities.items():
            data = ent.model_dump(by_alias=True, exclude_none=True)
            data["properties"] = {
                p: spec.model_dump(exclude_none=True, exclude_defaults=True)
                for p, spec in ent.properties.items()
            }
            entities[name] = data
        return {
            "csv_url": "casewatch:stream",
            "entities": entities,
            "filters": self.filters,
            "filters_not": self.filters_not,
        }


def _refused(schema_name: str) -> str | None:
    schema = model.get(schema_name)
    for name in REFUSED_SCHEMATA:
        refused = model.get(name)
        if schema is not None and refused is not None and schema.is_a(refused):
            return name
    return None


def _check_property(
    path: str, schema_name: str, prop: str, spec: PropertySpec, names: dict[str, str]
) -> list[str]:
    schema = model.get(schema_name)
    assert schema is not None
    if prop in OUT_OF_SCOPE_PROPERTIES:
        return [f"{path}: property {prop!r} is out of scope by design (casewatch never stores religion, political views or ethnicity)"]
    fprop = schema.get(prop)
    if fprop is None:
        return [f"{path}: schema {schema_name} has no property {prop!r}"]
    sources = [spec.column, spec.columns, spec.literal, spec.literals, spec.template, spec.entity]
    if sum(1 for s in sources if s) != 1:
        return [f"{path}: give exactly one of column, columns, literal, literals, template, entity"]
    if spec.entity is not None:
        if spec.entity not in names:
            return [f"{path}.entity: no entity {spec.entity!r} in this mapping (have: {', '.join(sorted(names))})"]
        if fprop.type.name != "entity":
            return [f"{path}.entity: property {prop!r} is not an entity reference"]
        target = model.get(names[spec.entity])
        if target is not None and fprop.range is not None and not target.is_a(fprop.range):
            return [f"{path}.entity: {spec.entity!r} is a {target.name}, but {prop} must be a {fprop.range.name}"]
    elif fprop.type.name == "entity":
        return [f"{path}: property {prop!r} links to another entity: use 'entity: <name>'"]
    return []


def check_semantics(spec: MappingSpec) -> list[str]:
    """Every schema/property problem of a structurally valid spec, with its key path."""
    errors: list[str] = []
    names = {name: ent.schema_ for name, ent in spec.entities.items()}
    for name, ent in spec.entities.items():
        path = f"entities.{name}"
        schema = model.get(ent.schema_)
        if schema is None:
            errors.append(f"{path}.schema: unknown schema {ent.schema_!r}")
            continue
        refused = _refused(ent.schema_)
        if refused:
            errors.append(f"{path}.schema: schema {ent.schema_!r} is refused by design (communications and movements of people are out of scope)")
            continue
        if schema.abstract:
            errors.append(f"{path}.schema: schema {ent.schema_!r} is abstract; pick a concrete one")
        if bool(ent.keys) == bool(ent.id_column):
            errors.append(f"{path}: give either keys (a list of columns) or id_column")
        for prop, pspec in ent.properties.items():
            errors.extend(_check_property(f"{path}.properties.{prop}", ent.schema_, prop, pspec, names))
    return errors


def _format_validation(exc: ValidationError) -> list[str]:
    out = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"]) or "(top level)"
        out.append(f"{loc}: {err['msg']}")
    return out


def load_spec(path: Path) -> MappingSpec:
    """Read and validate a mapping file; any problem is a CasewatchError listing them all."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CasewatchError(f"{path}: mapping file not found") from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise CasewatchError(f"{path}: not a readable YAML file ({exc})") from None
    if not isinstance(data, dict):
        raise CasewatchError(f"{path}: a mapping file must be a YAML object with 'name' and 'entities'")
    try:
        spec = MappingSpec.model_validate(data)
    except ValidationError as exc:
        raise CasewatchError(f"{path}: invalid mapping: " + "; ".join(_format_validation(exc))) from None
    errors = check_semantics(spec)
    if errors:
        raise CasewatchError(f"{path}: invalid mapping: " + "; ".join(errors))
    return spec
