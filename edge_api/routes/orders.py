"""Order reads for operators and the owning merchant; the supplier's view of its sub-orders."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from edge_api.deps import Edge, OperatorOrMerchant, Supplier
from edge_api.errors import ApiError, not_found
from edge_api.pagination import Cursor, Limit, page
from schemas.commands import AcceptSubOrder, ShipSubOrder

router = APIRouter(prefix="/v1", tags=["orders"])
ORDER_FIELDS = (
    "platform",
    "shop_id",
    "platform_order_id",
    "merchant_id",
    "status",
    "lines",
    "total_cost",
    "discount",
    "charged",
    "events",
    "received_at",
)


def render_order(doc: dict[str, Any], subs: list[dict[str, Any]]) -> dict[str, Any]:
    out = {"order_key": doc["_id"], **{f: doc.get(f) for f in ORDER_FIELDS}}
    out["sub_orders"] = [summarize(sub) for sub in subs if sub["order_key"] == doc["_id"]]
    out["payloads"] = doc.get("payload_ids", [])
    if doc.get("reason"):
        out["reason"] = doc["reason"]
    return out


def summarize(sub: dict[str, Any]) -> dict[str, Any]:
    """A sub-order as its order shows it: its state is read from the sub-order itself."""
    out = {k: sub.get(k) for k in ("supplier_id", "account_id", "status")}
    return {"id": sub["_id"], **out, **({"shipment": sub["shipment"]} if sub.get("shipment") else {})}


async def sub_orders_of(edge: Edge, keys: list[str]) -> list[dict[str, Any]]:
    cursor = edge.db["sub_orders"].find({"order_key": {"$in": keys}}).sort("supplier_id", 1)
    found: list[dict[str, Any]] = await cursor.to_list()
    return found


@router.get("/orders/{order_key}")
async def get_order(order_key: str, edge: Edge, caller: OperatorOrMerchant) -> dict[str, Any]:
    doc = await edge.db["orders"].find_one({"_id": order_key})
    if doc is None or (not caller.is_operator and doc["merchant_id"] != caller.id):
        raise not_found("order")
    return render_order(doc, await sub_orders_of(edge, [order_key]))


@router.get("/orders")
async def list_orders(
    edge: Edge,
    caller: OperatorOrMerchant,
    status: str | None = None,
    platform: str | None = None,
    merchant_id: str | None = None,
    from_: Annotated[datetime | None, Query(alias="from")] = None,
    to: datetime | None = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> dict[str, Any]:
    query: dict[str, Any] = {k: v for k, v in (("status", status), ("platform", platform)) if v}
    query["merchant_id"] = caller.id if not caller.is_operator else merchant_id
    if query["merchant_id"] is None:
        del query["merchant_id"]
    if from_ or to:
        query["received_at"] = {**({"$gte": from_} if from_ else {}), **({"$lt": to} if to else {})}
    listed = await page(
        edge.db["orders"],
        query,
        field="list_key",
        limit=limit,
        cursor=cursor,
        descending=True,
        render=lambda doc: doc,
    )
    subs = await sub_orders_of(edge, [doc["_id"] for doc in listed["items"]])
    return {**listed, "items": [render_order(doc, subs) for doc in listed["items"]]}


def render_sub_order(doc: dict[str, Any]) -> dict[str, Any]:
    fields = (
        "order_key",
        "supplier_id",
        "status",
        "lines",
        "shipping_address",
        "routed_at",
        "shipment",
        "push",
    )
    shown = {f: doc.get(f) for f in fields if f in doc}
    return {"id": doc["_id"], "account_id": doc.get("account_id"), **shown}


def supplier_scope(caller: Supplier) -> dict[str, Any]:
    """A supplier's main key sees all its sub-orders; an account's key only that account's."""
    if caller.account_id is not None:
        return {"supplier_id": caller.id, "account_id": caller.account_id}
    return {"supplier_id": caller.id}


@router.get("/supplier/orders")
async def supplier_orders(
    edge: Edge, caller: Supplier, status: str | None = None, limit: Limit = 50, cursor: Cursor = None
) -> dict[str, Any]:
    query: dict[str, Any] = {**supplier_scope(caller), **({"status": status} if status else {})}
    return await page(
        edge.db["sub_orders"],
        query,
        field="list_key",
        limit=limit,
        cursor=cursor,
        descending=False,
        render=render_sub_order,
    )


async def own_sub_order(edge: Edge, caller: Supplier, sub_order_id: str) -> dict[str, Any]:
    doc = await edge.db["sub_orders"].find_one({"_id": sub_order_id})
    scope = supplier_scope(caller)
    if doc is None or any(doc.get(k) != v for k, v in scope.items()):
        raise not_found("sub-order")
    found: dict[str, Any] = doc
    return found


@router.post("/supplier/orders/{sub_order_id}/accept", status_code=202)
async def accept(sub_order_id: str, edge: Edge, caller: Supplier) -> dict[str, str]:
    """Acknowledge a sub-order (an ERP's ack of a push); a repeat is harmless."""
    doc = await own_sub_order(edge, caller, sub_order_id)
    if doc["status"] not in ("routed", "accepted"):
        raise ApiError(409, "conflict", f"sub-order is {doc['status']}")
    await edge.publish(
        AcceptSubOrder(
            correlation_id=doc["order_key"], sub_order_id=sub_order_id, supplier_id=doc["supplier_id"]
        )
    )
    return {"id": sub_order_id}


class ShipmentIn(BaseModel):
    carrier: str = Field(min_length=1, max_length=64)
    tracking_no: str = Field(min_length=1, max_length=64)


@router.post("/supplier/orders/{sub_order_id}/shipments", status_code=202)
async def ship(sub_order_id: str, body: ShipmentIn, edge: Edge, caller: Supplier) -> dict[str, str]:
    doc = await own_sub_order(edge, caller, sub_order_id)
    if doc["status"] not in ("routed", "accepted", "shipped"):
        raise ApiError(409, "conflict", f"a {doc['status']} sub-order cannot be shipped")
    await edge.publish(
        ShipSubOrder(
            correlation_id=doc["order_key"],
            sub_order_id=sub_order_id,
            supplier_id=doc["supplier_id"],
            carrier=body.carrier,
            tracking_no=body.tracking_no,
        )
    )
    return {"id": sub_order_id}
