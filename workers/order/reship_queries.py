"""Order's read side for replacement orders: an order as the reship rules check it, and the
reships that break the audited invariants. Reads the order collections like `queries`."""

from __future__ import annotations

from typing import Any

from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase

from workers.order.model import Order, SubOrder
from workers.order.model.reships import claimed_quantities, shipped_quantities
from workers.order.repository.names import ORDERS, SUB_ORDERS

Doc = dict[str, Any]


class ReshipQueries:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self._orders = db[ORDERS]
        self._subs = db[SUB_ORDERS]

    async def with_sub_orders(self, order_key: str) -> tuple[Order, list[SubOrder]] | None:
        """The order and its sub-orders as the model has them: what the reship rules check."""
        doc = await self._orders.find_one({"_id": order_key})
        return None if doc is None else (Order.model_validate(doc), await self._sub_orders_of(order_key))

    async def mismatches(self) -> list[str]:
        """Reships not linked both ways, and orders reshipping more of a SKU than they shipped."""
        problems = []
        async for doc in self._orders.find({"reships.0": {"$exists": True}}):
            order = Order.model_validate(doc)
            over = claimed_quantities(order) - shipped_quantities(await self._sub_orders_of(order.key))
            problems += [f"order {order.key}: {sku} reshipped beyond what shipped" for sku in sorted(over)]
            for claim in order.reships:
                if not await self._orders.find_one(
                    {"_id": claim.key, "reship.order_key": order.key}, {"_id": 1}
                ):
                    problems.append(f"order {order.key}: reship {claim.key} does not name it back")
        async for doc in self._orders.find({"reship": {"$exists": True}}, {"reship.order_key": 1}):
            original = {"_id": doc["reship"]["order_key"], "reships.key": doc["_id"]}
            if not await self._orders.find_one(original, {"_id": 1}):
                problems.append(f"order {doc['_id']}: its original does not list it")
        return problems

    async def _sub_orders_of(self, order_key: str) -> list[SubOrder]:
        cursor = self._subs.find({"order_key": order_key}).sort("supplier_id", ASCENDING)
        return [SubOrder.model_validate(doc) async for doc in cursor]
