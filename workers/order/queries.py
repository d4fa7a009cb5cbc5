"""Order's read side: the order view (with its sub-orders' own state), order and sub-order
pages, raw payloads, seen platform message ids. The edge reads orders only through here."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, Field
from pymongo.asynchronous.database import AsyncDatabase

from juhe.store.pages import Page, keyset_page
from schemas.common import ShippingAddress, StockLine
from schemas.events import Sale
from workers.order.model import (
    ArchivedPayload,
    Cancellation,
    LogEntry,
    Omitted,
    Order,
    OrderLine,
    OrderStatus,
    Push,
    Shipment,
    SubOrder,
    SubOrderStatus,
    covers_lines_once,
    message_key,
    sale_of,
)
from workers.order.model.pricing import discount_shares, net_charges
from workers.order.model.reship_links import ReshipClaim, ReshipOf
from workers.order.model.tracking import ShipmentCorrection, Tracking
from workers.order.repository.names import ORDERS, PLATFORM_MESSAGES, RAW_PAYLOADS, SUB_ORDERS
from workers.order.tracking_queries import CheckpointView, TrackingQueries

Doc = dict[str, Any]
#: Statuses whose orders have been split into sub-orders for good.
ROUTED_OR_LATER = (OrderStatus.ROUTED, OrderStatus.SHIPPED, OrderStatus.COMPLETED)
#: Lists page on this field: unique, and in the order of arrival.
PAGE_KEY = "list_key"


class SubOrderSummary(BaseModel):
    """A sub-order as its order shows it; the state is the sub-order's own."""

    id: str
    supplier_id: str
    account_id: str | None
    status: SubOrderStatus
    shipment: Annotated[Shipment | None, Omitted] = None
    #: Where the parcel is, and its scans newest first (logistics tracking).
    tracking: Annotated[Tracking | None, Omitted] = None
    checkpoints: list[CheckpointView] = Field(default_factory=list, exclude_if=lambda v: not v)


class OrderView(BaseModel):
    order_key: str
    platform: str
    shop_id: str
    platform_order_id: str
    merchant_id: str
    status: OrderStatus
    lines: list[OrderLine]
    total_cost: int
    discount: int
    charged: int
    sub_orders: list[SubOrderSummary]
    events: list[LogEntry]
    received_at: datetime
    payloads: list[str]
    reason: Annotated[str | None, Omitted] = None
    #: On a replacement order: the order it replaces, and why.
    reship: Annotated[ReshipOf | None, Omitted] = None
    #: On an order: the replacement orders opened for it (each also an order, at its `key`).
    reships: list[ReshipClaim] = []
    #: The coupon whose discount the order got.
    coupon_id: Annotated[str | None, Omitted] = None

    @classmethod
    def of(
        cls, order: Order, subs: list[SubOrder], checkpoints: dict[str, list[CheckpointView]] | None = None
    ) -> OrderView:
        shown = order.model_dump(include=set(cls.model_fields) - {"sub_orders"})
        scans = checkpoints or {}
        summaries = [
            SubOrderSummary.model_validate({**sub.model_dump(), "checkpoints": scans.get(sub.id, [])})
            for sub in subs
        ]
        return cls(**shown, order_key=order.key, sub_orders=summaries, payloads=order.payload_ids)

    def for_merchant(self) -> OrderView:
        """Without what the suppliers are paid (the platform's margin is not the merchant's to see)."""
        lines = [line.model_copy(update={"unit_settlement": None}) for line in self.lines]
        return self.model_copy(update={"lines": lines})

    @property
    def line_discounts(self) -> list[int]:
        """Each line's share of the discount, by the order's one rule (`discount_shares`)."""
        return discount_shares([line.cost for line in self.lines], self.discount)

    @property
    def line_charges(self) -> list[int]:
        """What the merchant paid for each line, as `Order.line_charges` gives it."""
        return net_charges([line.cost for line in self.lines], self.discount)

    @property
    def sale(self) -> Sale:
        """The sale as `OrderRouted` carries it (`sale_of`, the one rule for both)."""
        return sale_of(self)


class SubOrderView(BaseModel):
    """A sub-order as its supplier sees it."""

    id: str
    account_id: str | None
    order_key: str
    supplier_id: str
    status: SubOrderStatus
    lines: list[StockLine]
    shipping_address: ShippingAddress
    routed_at: datetime
    shipment: Annotated[Shipment | None, Omitted] = None
    push: Annotated[Push | None, Omitted] = None
    #: A reship's sub-order: the original order's key, and why it is sent again.
    reship_of: Annotated[str | None, Omitted] = None
    reship_reason: Annotated[str | None, Omitted] = None
    tracking: Annotated[Tracking | None, Omitted] = None
    checkpoints: list[CheckpointView] = Field(default_factory=list, exclude_if=lambda v: not v)
    corrections: list[ShipmentCorrection] = Field(default_factory=list, exclude_if=lambda v: not v)
    #: Lines cancelled by refunds before shipment, and why (拦截).
    cancellations: list[Cancellation] = Field(default_factory=list)

    @classmethod
    def of(cls, sub: SubOrder, checkpoints: list[CheckpointView] | None = None) -> SubOrderView:
        return cls.model_validate({**sub.model_dump(), "checkpoints": checkpoints or []})


class PayloadView(BaseModel):
    id: str
    platform: str
    received_at: datetime
    headers: dict[str, str]
    body: str

    @classmethod
    def of(cls, payload: ArchivedPayload) -> PayloadView:
        return cls.model_validate(payload.model_dump())


@dataclass(frozen=True)
class OrderFilter:
    status: str | None = None
    platform: str | None = None
    merchant_id: str | None = None
    received_from: datetime | None = None
    received_before: datetime | None = None

    def query(self) -> Doc:
        fields = {"status": self.status, "platform": self.platform, "merchant_id": self.merchant_id}
        query: Doc = {field: value for field, value in fields.items() if value}
        received = {"$gte": self.received_from, "$lt": self.received_before}
        if self.received_from or self.received_before:
            query["received_at"] = {op: at for op, at in received.items() if at}
        return query


class OrderQueries:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self._db = db

    async def order(self, order_key: str) -> OrderView | None:
        doc = await self._db[ORDERS].find_one({"_id": order_key})
        if doc is None:
            return None
        subs = await self._sub_orders_of([order_key])
        return OrderView.of(Order.model_validate(doc), subs, await self._checkpoints(subs))

    async def orders(self, where: OrderFilter, *, limit: int, cursor: str | None) -> Page[OrderView]:
        """Newest first."""
        docs, next_cursor = await keyset_page(
            self._db[ORDERS], where.query(), field=PAGE_KEY, limit=limit, cursor=cursor, descending=True
        )
        orders = [Order.model_validate(doc) for doc in docs]
        subs: dict[str, list[SubOrder]] = defaultdict(list)
        found = await self._sub_orders_of([order.key for order in orders])
        for sub in found:
            subs[sub.order_key].append(sub)
        scans = await self._checkpoints(found)
        views = [OrderView.of(order, subs[order.key], scans) for order in orders]
        return Page(items=views, next_cursor=next_cursor)

    async def supplier_sub_orders(
        self, supplier_id: str, account_id: str | None, status: str | None, *, limit: int, cursor: str | None
    ) -> Page[SubOrderView]:
        """Oldest first. A supplier's main key sees all its sub-orders; an account's key only that
        account's (`account_id`)."""
        query: Doc = {"supplier_id": supplier_id}
        query.update({"account_id": account_id} if account_id is not None else {})
        query.update({"status": status} if status else {})
        docs, next_cursor = await keyset_page(
            self._db[SUB_ORDERS], query, field=PAGE_KEY, limit=limit, cursor=cursor, descending=False
        )
        found = [SubOrder.model_validate(doc) for doc in docs]
        scans = await self._checkpoints(found)
        return Page(items=[SubOrderView.of(sub, scans.get(sub.id)) for sub in found], next_cursor=next_cursor)

    async def sub_order(self, sub_order_id: str) -> SubOrderView | None:
        doc = await self._db[SUB_ORDERS].find_one({"_id": sub_order_id})
        if doc is None:
            return None
        sub = SubOrder.model_validate(doc)
        return SubOrderView.of(sub, (await self._checkpoints([sub])).get(sub.id))

    async def pending_funds(self, merchant_id: str) -> int:
        """What the merchant's orders awaiting funds hold: the sum of what they will be charged."""
        query = {"merchant_id": merchant_id, "status": OrderStatus.AWAITING_FUNDS}
        cursor = self._db[ORDERS].find(query)
        return sum([Order.model_validate(doc).charged async for doc in cursor])

    async def raw_payload(self, payload_id: str) -> PayloadView | None:
        doc = await self._db[RAW_PAYLOADS].find_one({"_id": payload_id})
        return None if doc is None else PayloadView.of(ArchivedPayload.model_validate(doc))

    async def seen_message_ids(self, platform: str, message_ids: list[str]) -> set[str]:
        """Which of the platform's message ids were already taken in (within the retention)."""
        keys = {message_key(platform, message_id): message_id for message_id in message_ids}
        if not keys:
            return set()
        cursor = self._db[PLATFORM_MESSAGES].find({"_id": {"$in": sorted(keys)}}, {"_id": 1})
        return {keys[doc["_id"]] async for doc in cursor}

    async def routing_mismatches(self) -> list[str]:
        """Keys of routed orders whose sub-orders do not hold each of their lines exactly once."""
        subs: dict[str, list[SubOrder]] = defaultdict(list)
        async for doc in self._db[SUB_ORDERS].find():
            sub = SubOrder.model_validate(doc)
            subs[sub.order_key].append(sub)
        routed = [s.value for s in ROUTED_OR_LATER]
        orders = [
            Order.model_validate(doc) async for doc in self._db[ORDERS].find({"status": {"$in": routed}})
        ]
        return [order.key for order in orders if not covers_lines_once(order, subs[order.key])]

    async def _checkpoints(self, subs: list[SubOrder]) -> dict[str, list[CheckpointView]]:
        tracked = {sub.id: sub.shipment.tracking_no for sub in subs if sub.shipment and sub.tracking}
        return await TrackingQueries(self._db).checkpoints(tracked)

    async def _sub_orders_of(self, order_keys: list[str]) -> list[SubOrder]:
        if not order_keys:
            return []
        cursor = self._db[SUB_ORDERS].find({"order_key": {"$in": order_keys}}).sort("supplier_id", 1)
        return [SubOrder.model_validate(doc) async for doc in cursor]
