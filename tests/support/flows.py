"""Reusable set-ups and probes for order-flow tests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from juhe.messaging.bus import PUBLISHED
from tests.support.api import Api, Party, Shop
from tests.support.system import System, eventually
from workers.order.queries import OrderQueries
from workers.order.repository import MongoOrderRepository


@dataclass(frozen=True)
class Scene:
    supplier: Party
    merchant: Party
    shop: Shop
    sku: str


async def scene(api: Api, *, stock: int, funds: int, price: int = 1200) -> Scene:
    """One supplier with one listed SKU, one merchant with a shop and a funded wallet."""
    supplier, merchant = await api.supplier(), await api.merchant()
    shop = await api.shop(merchant)
    if funds:
        await api.top_up(merchant, funds)
    sku = await api.listed_sku(
        supplier, stock=stock, prices={"standard": price, "silver": price, "gold": price}
    )
    await eventually(lambda: _visible(api, sku, stock), what="stock visible")
    if funds:
        await eventually(lambda: _balance(api, merchant, funds), what="top-up applied")
    return Scene(supplier, merchant, shop, sku)


async def _visible(api: Api, sku: str, stock: int) -> bool:
    return (await api.sku(sku))["on_hand"] == stock


async def _balance(api: Api, merchant: Party, amount: int) -> bool:
    return (await api.wallet(merchant))["balance"] == amount


async def order_status(system: System, key: str, *statuses: str) -> dict[str, Any] | None:
    """The stored order once in one of `statuses`, with its sub-orders as its view shows them."""
    order = await MongoOrderRepository(system.db).get(key)
    view = None if order is None or order.status not in statuses else await OrderQueries(system.db).order(key)
    if order is None or view is None:
        return None
    return {**order.model_dump(), "sub_orders": [sub.model_dump() for sub in view.sub_orders]}


async def wait_status(system: System, key: str, *statuses: str, within: float = 20.0) -> dict[str, Any]:
    return await eventually(
        lambda: order_status(system, key, *statuses), within=within, what=f"{key} {statuses}"
    )


def published(name: str) -> float:
    return PUBLISHED.labels(name)._value.get()
