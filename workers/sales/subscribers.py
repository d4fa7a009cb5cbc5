"""Sales' subscriptions: order events become facts; a roll-up loop adds them to the roll-ups,
woken by each stored fact and sweeping every few seconds for facts a crashed copy left pending."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

from juhe.messaging.consumer import consume
from juhe.outgoing import Outgoing
from juhe.runtime import Runtime
from schemas.envelope import Message
from schemas.events import OrderClosed, OrderRefunded, OrderRouted, SubOrderShipped
from workers.catalog.queries import CatalogQueries
from workers.order.queries import OrderQueries
from workers.sales.handlers import facts, rollup
from workers.sales.handlers.ports import SalesRepository, SoldOrders
from workers.sales.model import SoldOrder, sold_order, unknown_categories
from workers.sales.repository import MongoSalesRepository, ensure_indexes

WORKER = "sales"
#: A fact left pending by a crashed copy (acked, not rolled up) is rolled up within this many seconds.
SWEEP_SECONDS = 5.0
#: Once woken, the loop waits this long for more facts: at a steady trickle of orders a batch
#: then rolls up several (its cursor and bucket writes are shared), well inside the 1 s target.
GATHER_SECONDS = 0.1
#: The order log's entry for its routing: only a routed order sold anything.
ROUTED_ENTRY = "routed"

M = TypeVar("M", bound=Message)
FactHandler = Callable[..., Awaitable[list[Outgoing]]]


class OrdersForSales:
    """The order as sales counts it, read through the order's and the catalog's queries."""

    def __init__(self, orders: OrderQueries, catalog: CatalogQueries) -> None:
        self._orders = orders
        self._catalog = catalog

    async def sold_order(self, order_key: str) -> SoldOrder | None:
        """Its sale as the order's view gives it (`OrderRouted` carries the same); the catalog
        is read only for a routed order's lines that do not know their category."""
        view = await self._orders.order(order_key)
        if view is None:
            return None
        routed = any(entry.type == ROUTED_ENTRY for entry in view.events)
        sale = view.sale
        categories = await self.categories(unknown_categories(sale) if routed else [])
        return sold_order(view.order_key, view.merchant_id, sale, categories, routed=routed)

    async def categories(self, skus: Sequence[str]) -> dict[str, str]:
        return await self._catalog.categories(sorted(skus)) if skus else {}


def register(runtime: Runtime) -> None:
    wake = asyncio.Event()

    def repo() -> MongoSalesRepository:
        return MongoSalesRepository(runtime.store.db, runtime.store.inserts)

    def orders() -> SoldOrders:
        return OrdersForSales(OrderQueries(runtime.store.db), CatalogQueries(runtime.store.db))

    def counted(handle: FactHandler) -> Callable[[M], Awaitable[list[Outgoing]]]:
        async def run(event: M) -> list[Outgoing]:
            outgoing = await handle(event, repo=repo(), orders=orders())
            wake.set()
            return outgoing

        return run

    consume(runtime, WORKER, OrderRouted, counted(facts.order_routed))
    consume(runtime, WORKER, SubOrderShipped, counted(facts.sub_order_shipped))
    consume(runtime, WORKER, OrderRefunded, counted(facts.order_refunded))
    consume(runtime, WORKER, OrderClosed, counted(facts.order_closed))
    me = uuid.uuid4().hex
    runtime.periodic.add("sales.roll_up", 0, lambda: roll_up_when_woken(wake, repo(), me))


async def roll_up_when_woken(wake: asyncio.Event, repo: SalesRepository, me: str) -> int:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(wake.wait(), SWEEP_SECONDS)
        await asyncio.sleep(GATHER_SECONDS)
    wake.clear()
    return await rollup.roll_up(repo, me)


async def prepare(runtime: Runtime) -> None:
    await ensure_indexes(runtime.store.db)
