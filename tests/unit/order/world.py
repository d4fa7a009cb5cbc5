"""An order area on its in-memory twins, and the messages that drive its saga."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from juhe.outbound import Poster
from juhe.outgoing import Outgoing
from schemas.commands import AcceptSubOrder, ExpireFundsHold, PlaceOrder, ShipSubOrder
from schemas.common import OrderLineIn, RawPayload, ShippingAddress
from schemas.events import (
    FundsInsufficient,
    StockRejected,
    StockReserved,
    WalletCredited,
    WalletDebited,
)
from workers.order.handlers import funds, intake, saga, shipping
from workers.order.handlers.deliveries import DeliveryDeps
from workers.order.handlers.intake import IntakeDeps
from workers.order.handlers.saga import SagaDeps
from workers.order.memory import MemoryAccounts, MemoryArchive, MemoryCatalog, MemoryOrders
from workers.order.model import Order, SubOrder

FUNDS_HOLD_SECONDS = 60
RETENTION = timedelta(days=30)
RECEIVED_AT = datetime(2026, 10, 1, 8, 0, tzinfo=UTC)
ADDRESS = ShippingAddress(
    name="张三", phone="13800000000", province="浙江", city="杭州", district="西湖", detail="文三路 1 号"
)


def _catalog() -> MemoryCatalog:
    catalog = MemoryCatalog()
    catalog.sell("A1", "sup_a", standard=1000, gold=800)
    catalog.sell("A2", "sup_a", standard=500, gold=400)
    catalog.sell("B1", "sup_b", standard=3000, gold=2500)
    catalog.sell("GOLD-ONLY", "sup_b", gold=900)
    catalog.sell("DELISTED", "sup_a", False, standard=100)
    return catalog


def _accounts() -> MemoryAccounts:
    accounts = MemoryAccounts()
    accounts.tiers.update(m1="standard", m2="gold")
    accounts.add_supplier("sup_a")
    accounts.add_supplier("sup_b")
    accounts.add_shop("generic", "shop1", callback_url="http://shop.test/cb")
    return accounts


@dataclass
class World:
    orders: MemoryOrders = field(default_factory=MemoryOrders)
    accounts: MemoryAccounts = field(default_factory=_accounts)
    catalog: MemoryCatalog = field(default_factory=_catalog)

    def __post_init__(self) -> None:
        self.archive = MemoryArchive(self.orders)

    @property
    def saga(self) -> SagaDeps:
        return SagaDeps(self.orders, self.accounts, self.catalog, FUNDS_HOLD_SECONDS)

    @property
    def intake(self) -> IntakeDeps:
        return IntakeDeps(self.saga, self.archive, RETENTION)

    def deliveries(self, post: Poster, give_up_after: timedelta = timedelta(days=1)) -> DeliveryDeps:
        return DeliveryDeps(self.orders, self.accounts, post, give_up_after)

    def order(self, key: str) -> Order:
        return self.orders.orders[key]

    def sub_orders(self, key: str) -> list[SubOrder]:
        return sorted(
            (s for s in self.orders.sub_orders.values() if s.order_key == key), key=lambda s: s.supplier_id
        )

    def log(self, key: str) -> list[str]:
        return [entry.type for entry in self.order(key).events]

    # The saga's steps, each as the message that drives it.

    async def place(
        self, order_id: str, *lines: tuple[str, int], merchant: str = "m1", at: datetime = RECEIVED_AT
    ) -> list[Outgoing]:
        return await intake.place_order(
            place_order(order_id, *lines, merchant=merchant, at=at), deps=self.intake
        )

    async def reserved(self, key: str) -> list[Outgoing]:
        return await saga.on_stock_reserved(StockReserved(correlation_id=key, order_key=key), deps=self.saga)

    async def stock_rejected(self, key: str, sku: str = "A1") -> list[Outgoing]:
        evt = StockRejected(correlation_id=key, order_key=key, reason="out_of_stock", sku=sku)
        return await saga.on_stock_rejected(evt, deps=self.saga)

    async def debited(self, key: str, balance_after: int = 0) -> list[Outgoing]:
        order = self.order(key)
        evt = WalletDebited(
            correlation_id=key,
            order_key=key,
            merchant_id=order.merchant_id,
            amount=order.charged,
            balance_after=balance_after,
        )
        return await funds.on_wallet_debited(evt, deps=self.saga)

    async def insufficient(self, key: str, balance: int = 0) -> list[Outgoing]:
        order = self.order(key)
        evt = FundsInsufficient(
            correlation_id=key,
            order_key=key,
            merchant_id=order.merchant_id,
            amount=order.charged,
            balance=balance,
        )
        return await funds.on_funds_insufficient(evt, deps=self.saga)

    async def topped_up(self, merchant: str, amount: int, reference: str = "bank-1") -> list[Outgoing]:
        evt = WalletCredited(
            correlation_id=merchant,
            merchant_id=merchant,
            amount=amount,
            kind="top_up",
            reference=reference,
            balance_after=amount,
        )
        return await funds.on_wallet_credited(evt, deps=self.saga)

    async def expired(self, key: str) -> list[Outgoing]:
        return await funds.expire_funds_hold(
            ExpireFundsHold(correlation_id=key, order_key=key), deps=self.saga
        )

    async def accept(self, sub_id: str, supplier: str) -> list[Outgoing]:
        cmd = AcceptSubOrder(correlation_id=sub_id, sub_order_id=sub_id, supplier_id=supplier)
        return await shipping.accept_sub_order(cmd, deps=self.saga)

    async def ship(self, sub_id: str, supplier: str, tracking_no: str = "SF1") -> list[Outgoing]:
        cmd = ShipSubOrder(
            correlation_id=sub_id,
            sub_order_id=sub_id,
            supplier_id=supplier,
            carrier="SF",
            tracking_no=tracking_no,
        )
        return await shipping.ship_sub_order(cmd, deps=self.saga)

    async def routed(self, order_id: str, *lines: tuple[str, int], merchant: str = "m1") -> str:
        """An order placed, reserved and paid: routed to its suppliers; its key."""
        key = order_key(order_id)
        await self.place(order_id, *lines, merchant=merchant)
        await self.reserved(key)
        await self.debited(key)
        return key


def order_key(order_id: str) -> str:
    return f"generic:shop1:{order_id}"


def place_order(
    order_id: str, *lines: tuple[str, int], merchant: str = "m1", at: datetime = RECEIVED_AT
) -> PlaceOrder:
    key = order_key(order_id)
    raw = RawPayload(
        platform="generic", received_at=at, headers={"x-test": "1"}, body=f'{{"id":"{order_id}"}}'
    )
    return PlaceOrder(
        correlation_id=key,
        order_key=key,
        platform="generic",
        shop_id="shop1",
        platform_order_id=order_id,
        merchant_id=merchant,
        lines=[OrderLineIn(sku=sku, qty=qty, unit_price=1990) for sku, qty in lines],
        shipping_address=ADDRESS,
        received_at=at,
        raw_payload=raw,
    )
