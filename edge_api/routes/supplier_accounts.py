"""A supplier's accounts (ERP endpoints, JD or Meituan enterprise accounts) and routing rules.

The supplier manages them with its main key under /v1/supplier/...; the operator does the same
for any supplier under /v1/suppliers/{supplier_id}/.... An account's own key cannot.
"""

from __future__ import annotations

import secrets
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from edge_api.auth import SUPPLIER_KEY_PREFIX, Caller, new_api_key
from edge_api.deps import Edge, Operator, Supplier
from edge_api.errors import ApiError, not_found
from edge_api.pagination import Cursor, Limit, page
from edge_api.targets import check_delivery
from juhe.settings import new_secret
from schemas.accounts import Delivery
from schemas.common import ShortText
from schemas.supplier_accounts import Channel, CreateSupplierAccount, RoutingRule, SetSupplierRouting

router = APIRouter(prefix="/v1", tags=["supplier accounts"])


class AccountIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: ShortText
    channel: Channel
    delivery: Delivery


class RoutingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    rules: list[RoutingRule] = Field(max_length=1000)


def main_key(caller: Caller) -> str:
    if caller.account_id is not None:
        raise ApiError(403, "forbidden", "accounts and routing need the supplier's main key")
    assert caller.id is not None
    return caller.id


async def known_supplier(edge: Edge, supplier_id: str) -> str:
    if await edge.db["suppliers"].find_one({"_id": supplier_id}, {"_id": 1}) is None:
        raise not_found("supplier")
    return supplier_id


async def _create(edge: Edge, supplier_id: str, body: AccountIn) -> dict[str, Any]:
    await check_delivery(edge, body.delivery)
    account_id = f"acc_{secrets.token_hex(8)}"
    api_key, key_hash = new_api_key(SUPPLIER_KEY_PREFIX)
    secret = new_secret("whsec")
    await edge.ask(
        CreateSupplierAccount(
            correlation_id=account_id,
            account_id=account_id,
            supplier_id=supplier_id,
            name=body.name,
            channel=body.channel,
            delivery=body.delivery,
            api_key_hash=key_hash,
            webhook_secret=secret,
        )
    )
    return {"id": account_id, "api_key": api_key, "webhook_secret": secret}


def _account(doc: dict[str, Any]) -> dict[str, Any]:
    fields = ("supplier_id", "name", "channel", "delivery", "created_at")
    return {"id": doc["_id"], **{f: doc.get(f) for f in fields}}


async def _list(edge: Edge, supplier_id: str, limit: int, cursor: str | None) -> dict[str, Any]:
    query = {"supplier_id": supplier_id}
    collection = edge.db["supplier_accounts"]
    return await page(
        collection, query, field="_id", limit=limit, cursor=cursor, descending=False, render=_account
    )


async def _set_rules(edge: Edge, supplier_id: str, body: RoutingIn) -> dict[str, Any]:
    command = SetSupplierRouting(correlation_id=supplier_id, supplier_id=supplier_id, rules=body.rules)
    return await edge.ask(command)


async def _rules(edge: Edge, supplier_id: str) -> dict[str, Any]:
    doc = await edge.db["supplier_routing"].find_one({"_id": supplier_id}) or {}
    return {"rules": doc.get("rules", [])}


@router.post("/supplier/accounts", status_code=201)
async def create_account(body: AccountIn, edge: Edge, caller: Supplier) -> dict[str, Any]:
    return await _create(edge, main_key(caller), body)


@router.get("/supplier/accounts")
async def list_accounts(
    edge: Edge, caller: Supplier, limit: Limit = 50, cursor: Cursor = None
) -> dict[str, Any]:
    return await _list(edge, main_key(caller), limit, cursor)


@router.put("/supplier/routing")
async def set_routing(body: RoutingIn, edge: Edge, caller: Supplier) -> dict[str, Any]:
    return await _set_rules(edge, main_key(caller), body)


@router.get("/supplier/routing")
async def get_routing(edge: Edge, caller: Supplier) -> dict[str, Any]:
    return await _rules(edge, main_key(caller))


@router.post("/suppliers/{supplier_id}/accounts", status_code=201)
async def create_account_for(supplier_id: str, body: AccountIn, edge: Edge, _: Operator) -> dict[str, Any]:
    return await _create(edge, supplier_id, body)


@router.get("/suppliers/{supplier_id}/accounts")
async def list_accounts_of(
    supplier_id: str, edge: Edge, _: Operator, limit: Limit = 50, cursor: Cursor = None
) -> dict[str, Any]:
    return await _list(edge, await known_supplier(edge, supplier_id), limit, cursor)


@router.put("/suppliers/{supplier_id}/routing")
async def set_routing_for(supplier_id: str, body: RoutingIn, edge: Edge, _: Operator) -> dict[str, Any]:
    return await _set_rules(edge, await known_supplier(edge, supplier_id), body)


@router.get("/suppliers/{supplier_id}/routing")
async def get_routing_of(supplier_id: str, edge: Edge, _: Operator) -> dict[str, Any]:
    return await _rules(edge, await known_supplier(edge, supplier_id))
