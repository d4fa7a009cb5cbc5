"""The order world with replacement orders: open one, drive it through its saga."""

from __future__ import annotations

from juhe.outgoing import Outgoing
from schemas.common import StockLine
from schemas.events import OrderClosed
from schemas.reship import OpenReship, RequestedBy, ReshipReason, RouteReship
from tests.unit.order.world import World
from workers.order.handlers import reship_routing, reships
from workers.order.memory.reships import MemoryReships
from workers.order.model.reships import reship_key


class ReshipWorld(World):
    def __post_init__(self) -> None:
        super().__post_init__()
        self.reship_store = MemoryReships(self.orders)

    @property
    def reship_deps(self) -> reships.ReshipDeps:
        return reships.ReshipDeps(self.saga, self.reship_store)

    async def shipped(self, order_id: str, *lines: tuple[str, int]) -> str:
        """An order routed with every sub-order shipped; its key."""
        key = await self.routed(order_id, *lines)
        for sub in self.sub_orders(key):
            await self.ship(sub.id, sub.supplier_id)
        return key

    async def open(
        self,
        key: str,
        reship_id: str,
        *lines: tuple[str, int],
        reason: ReshipReason = "damaged",
        by: RequestedBy = "merchant",
        charge: bool = False,
        account_id: str | None = None,
    ) -> list[Outgoing]:
        cmd = OpenReship(
            correlation_id=key,
            order_key=key,
            reship_id=reship_id,
            merchant_id=self.order(key).merchant_id,
            reason=reason,
            lines=[StockLine(sku=sku, qty=qty) for sku, qty in lines],
            requested_by=by,
            charge=charge,
            account_id=account_id,
        )
        return await reships.open_reship(cmd, deps=self.reship_deps)

    async def route_free(self, key: str) -> list[Outgoing]:
        cmd = RouteReship(correlation_id=key, order_key=key)
        return await reship_routing.route_reship(cmd, deps=self.saga)

    async def closed(self, key: str) -> list[Outgoing]:
        order = self.order(key)
        evt = OrderClosed(
            correlation_id=key,
            order_key=key,
            merchant_id=order.merchant_id,
            status=order.status,
            reason=order.reason,
        )
        return await reships.on_order_closed(evt, deps=self.reship_deps)

    async def reship_routed(self, key: str, reship_id: str, *lines: tuple[str, int]) -> str:
        """A free reship opened, reserved and routed; its key."""
        await self.open(key, reship_id, *lines)
        rkey = reship_key(key, reship_id)
        await self.reserved(rkey)
        await self.route_free(rkey)
        return rkey
