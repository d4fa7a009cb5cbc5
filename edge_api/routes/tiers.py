"""Merchant tiers as data: the operator lists them and adds new ones."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict

from edge_api.deps import Edge, Operator
from schemas.applications import AddTier, TierName

router = APIRouter(prefix="/v1", tags=["tiers"])


class TierIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: TierName


@router.get("/tiers")
async def list_tiers(edge: Edge, _: Operator) -> dict[str, Any]:
    docs = await edge.db["tiers"].find({}).sort([("created_at", 1), ("_id", 1)]).to_list()
    return {"items": [{"name": d["_id"], "source": d["source"], "created_at": d["created_at"]} for d in docs]}


@router.post("/tiers", status_code=201)
async def add_tier(body: TierIn, edge: Edge, _: Operator) -> dict[str, Any]:
    """The answer lists SKUs without a price for the new tier: its merchants cannot order them."""
    return await edge.ask(AddTier(correlation_id=body.name, name=body.name, request_id=uuid.uuid4().hex))
