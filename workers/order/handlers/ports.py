"""The ports the order handlers need: order storage, the intake archive, other areas' reads.

The Mongo repository and its in-memory twin satisfy the storage ports; accounts' and catalog's
queries objects satisfy the reads (the subscribers pass them in).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol

from schemas.supplier_accounts import RoutingRule
from workers.order.model import (
    ArchivedPayload,
    LogEntry,
    Offer,
    Order,
    OrderChange,
    OrderStep,
    PlatformMessage,
    Push,
    RefundRequest,
    Shipment,
    SubOrder,
)


class PushEndpoint(Protocol):
    """A supplier or one of its accounts (accounts' `Supplier`, `SupplierAccount`)."""

    @property
    def id(self) -> str: ...
    @property
    def webhook_secret(self) -> str: ...
    @property
    def push_url(self) -> str | None:
        """Where its sub-orders are pushed; None when it pulls them."""
        ...


class ShopTarget(Protocol):
    """A merchant's shop (accounts' `ShopWithApp`), as the platform adapters read it."""

    def for_adapters(self) -> dict[str, Any]: ...


class OrderStore(Protocol):
    """Orders and their sub-orders; every change is one conditional single-document write."""

    async def get(self, order_key: str) -> Order | None: ...
    async def insert(self, order: Order) -> Order:
        """Insert once; a concurrent duplicate gets the stored order back."""
        ...

    async def transition(
        self, order_key: str, step: OrderStep, entries: list[LogEntry], change: OrderChange | None = None
    ) -> Order | None:
        """Apply `step` if the order is in one of its start statuses, logging in the same write;
        the order as stored afterwards either way (None: no such order)."""
        ...

    async def log_once(self, order_key: str, entry: LogEntry, sub_order_id: str) -> None:
        """Append unless an entry of this type about this sub-order is already there."""
        ...

    async def oldest_awaiting_funds(self, merchant_id: str) -> Order | None: ...
    async def add_sub_orders(self, subs: list[SubOrder]) -> list[SubOrder]:
        """Insert once; what an earlier delivery stored wins and is what comes back."""
        ...

    async def get_sub_order(self, sub_order_id: str) -> SubOrder | None: ...
    async def note_push(self, sub_order_id: str, push: Push) -> None:
        """Record where the push stands unless a later attempt is already recorded."""
        ...

    async def accept_sub_order(self, sub_order_id: str, supplier_id: str, at: datetime) -> SubOrder | None:
        """The supplier's own sub-order moved to accepted if it may be; as stored afterwards."""
        ...

    async def ship_sub_order(
        self, sub_order_id: str, supplier_id: str, shipment: Shipment
    ) -> SubOrder | None:
        """The supplier's own sub-order moved to shipped if it may be; as stored afterwards."""
        ...

    async def cancel_sub_orders(self, sub_order_ids: list[str]) -> None:
        """Each of these sub-orders that exists and is not shipped moves to cancelled."""
        ...

    async def mark_sub_order_shipped(self, order_key: str, sub_order_id: str, entry: LogEntry) -> bool:
        """The order stops awaiting this sub-order's shipment, logging `entry` once; False when
        the order was not awaiting it (already marked, or not yet marked routed)."""
        ...

    async def finish_shipping(self, order_key: str, entry: LogEntry) -> Order | None:
        """`routed` -> `shipped` once no shipment is awaited; the order if this call moved it."""
        ...

    async def apply_coupon(
        self, order_key: str, coupon_id: str | None, discount: int, entry: LogEntry
    ) -> Order | None:
        """Store the coupon step's answer once, while the order is reserved and asking:
        `coupon_id`, `discount`, `charged` less the discount; the order as stored either way."""
        ...


class Archive(Protocol):
    """Raw pushes, platform message ids and refund requests; each written once."""

    async def archive(self, payload: ArchivedPayload) -> None: ...
    async def remember_message(self, message: PlatformMessage) -> None: ...
    async def add_refund_request(self, request: RefundRequest) -> None: ...
    async def link_order_payload(self, order_key: str, payload_id: str) -> None: ...
    async def link_refund_payload(self, refund_key: str, payload_id: str) -> None: ...
    async def log_refund_request(self, order_key: str, entry: LogEntry, refund_key: str) -> None:
        """Append to the order's log once per refund request; no order, no entry."""
        ...


class CouponReader(Protocol):
    """Coupon's `CouponQueries`: whether the merchant holds a coupon worth asking about."""

    async def has_usable(self, merchant_id: str, at: datetime) -> bool: ...


class CatalogReader(Protocol):
    """Catalog's `CatalogQueries`: SKUs as sold at a time."""

    async def offers(self, skus: list[str], at: datetime | None = None) -> Mapping[str, Offer]: ...


class AccountsReader(Protocol):
    """Accounts' `AccountsQueries`, as the saga needs it: tiers and routing."""

    async def merchant_tier(self, merchant_id: str) -> str | None: ...
    async def routing_rules(self, supplier_ids: list[str]) -> Mapping[str, Sequence[RoutingRule]]: ...
    async def webhook_suppliers(self, supplier_ids: list[str]) -> set[str]: ...
    async def webhook_accounts(self, account_ids: list[str]) -> set[str]: ...


class DeliveryTargets(Protocol):
    """Accounts' `AccountsQueries`, as deliveries need it: where and how to push."""

    async def shop(self, platform: str, shop_id: str) -> ShopTarget | None: ...
    async def supplier(self, supplier_id: str) -> PushEndpoint | None: ...
    async def supplier_account(self, account_id: str) -> PushEndpoint | None: ...
