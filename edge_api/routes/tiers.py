"""Merchant tiers as data: the operator lists them and adds new ones."""

from __future__ import annotations

import uuid

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict

from edge_api.deps import Edge, Operator
from edge_api.openapi import errors
from schemas.applications import AddTier, TierAdded, TierName
from workers.accounts.queries import AccountsQueries, TierView

router = APIRouter(prefix="/v1", tags=["tiers"])


class TierIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: TierName


class Tiers(BaseModel):
    """Oldest first: the configured tiers, then those the operator added."""

    items: list[TierView]


@router.get("/tiers")
async def list_tiers(edge: Edge, _: Operator) -> Tiers:
    return Tiers(items=await AccountsQueries(edge.db).tiers())


@router.post("/tiers", status_code=201, responses=errors(409, 503))
async def add_tier(body: TierIn, edge: Edge, _: Operator) -> TierAdded:
    """The answer lists SKUs without a price for the new tier: its merchants cannot order them."""
    command = AddTier(correlation_id=body.name, name=body.name, request_id=uuid.uuid4().hex)
    return TierAdded.model_validate(await edge.ask(command))
