"""Merkle proofs over the audit log (auditors only; each request is logged).

``GET /audit/proof?event=N[&size=M]``: the inclusion proof of event N in the
signed tree head of size M (default: the latest). ``GET
/audit/consistency?from=M1[&to=M2]``: the proof that tree head M1 is a prefix
of M2. Both answer in the format docs/accountability.md documents, which an
outside witness checks with a few lines of standard-library Python.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from casewatch.api.deps import AuditedRoute, Ctx
from casewatch.api.models import AuditEventOut
from casewatch.api.routers.cases import ERRORS
from casewatch.audit.read import prove_consistency, prove_event

router = APIRouter(route_class=AuditedRoute, tags=["Audit"], responses=ERRORS)
MAX_SEQ = 2**62


class SignedHead(BaseModel):
    """A signed checkpoint: Ed25519 over ``"casewatch.audit.checkpoint.v2\\x00" + canonical JSON``."""

    seq: int
    root_hash: str
    at: str
    key_id: str
    signature: str
    version: int


class InclusionProof(BaseModel):
    """RFC 9162 inclusion proof: leaf ``leaf_index`` (= seq - 1) in the tree of ``tree_size``."""

    format: str
    leaf_index: int
    tree_size: int
    leaf_hash: str
    audit_path: list[str]
    event: AuditEventOut
    checkpoint: SignedHead


class ConsistencyProof(BaseModel):
    """RFC 9162 consistency proof from tree head ``first`` to tree head ``second``."""

    format: str
    first: SignedHead
    second: SignedHead
    proof: list[str]


@router.get("/audit/proof", name="audit.proof", response_model=InclusionProof)
def audit_proof(
    ctx: Ctx,
    event: Annotated[int, Query(ge=1, le=MAX_SEQ, description="The event's seq")],
    size: Annotated[int | None, Query(
        ge=1, le=MAX_SEQ, description="Size of a signed tree head (default: the latest)")] = None,
) -> InclusionProof:
    """Inclusion proof of one event in a signed Merkle tree head (auditors; logged)."""
    assert ctx.user is not None
    return InclusionProof(**prove_event(ctx.db(), ctx.user, event, size))


@router.get("/audit/consistency", name="audit.consistency", response_model=ConsistencyProof)
def audit_consistency(
    ctx: Ctx,
    first: Annotated[int, Query(alias="from", ge=1, le=MAX_SEQ,
                                description="Size of the earlier signed tree head")],
    second: Annotated[int | None, Query(alias="to", ge=1, le=MAX_SEQ, description=(
        "Size of the later signed tree head (default: the latest)"))] = None,
) -> ConsistencyProof:
    """Proof that an earlier signed tree head is a prefix of a later one (auditors; logged)."""
    assert ctx.user is not None
    return ConsistencyProof(**prove_consistency(ctx.db(), ctx.user, first, second))
