"""Sub-orders: an order split by supplier, each sent to one supplier account, accepted, shipped.

A sub-order's status and shipment live on the sub-order only; its order reads them from there.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from schemas.common import ShippingAddress, StockLine
from schemas.supplier_accounts import RoutingRule
from workers.order.model.fields import Omitted
from workers.order.model.order import Order


class SubOrderStatus(StrEnum):
    ROUTED = "routed"
    ACCEPTED = "accepted"
    SHIPPED = "shipped"
    #: Its order closed unpaid after it was stored (see `handlers.dispatch.undo_debit`).
    CANCELLED = "cancelled"


class SubOrderAction(StrEnum):
    ACCEPT = "accept"
    SHIP = "ship"
    CANCEL = "cancel"


T = SubOrderStatus
#: action -> (statuses it may start from, status it leads to). Shipping needs no acceptance first.
SUB_ORDER_MOVES: dict[SubOrderAction, tuple[frozenset[SubOrderStatus], SubOrderStatus]] = {
    SubOrderAction.ACCEPT: (frozenset({T.ROUTED}), T.ACCEPTED),
    SubOrderAction.SHIP: (frozenset({T.ROUTED, T.ACCEPTED}), T.SHIPPED),
    SubOrderAction.CANCEL: (frozenset({T.ROUTED, T.ACCEPTED}), T.CANCELLED),
}


def may_request(action: SubOrderAction, status: SubOrderStatus) -> bool:
    """Whether a supplier may ask for `action` now: from a status it moves on from, or again
    once done (a repeat is harmless and changes nothing)."""
    sources, target = SUB_ORDER_MOVES[action]
    return status in sources or status == target


class Shipment(BaseModel):
    carrier: str
    tracking_no: str
    shipped_at: datetime


class PushStatus(StrEnum):
    RETRYING = "retrying"
    DELIVERED = "delivered"
    FAILED = "failed"


class Push(BaseModel):
    """Where the push of a sub-order to a webhook supplier stands; the newest attempt wins."""

    attempts: int
    at: datetime
    status: PushStatus
    error: Annotated[str | None, Omitted] = None


class SubOrder(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    id: str = Field(alias="_id")
    order_key: str
    supplier_id: str
    account_id: str | None = None
    merchant_id: str
    status: SubOrderStatus = SubOrderStatus.ROUTED
    lines: list[StockLine]
    shipping_address: ShippingAddress
    routed_at: datetime
    list_key: str
    accepted_at: Annotated[datetime | None, Omitted] = None
    shipment: Annotated[Shipment | None, Omitted] = None
    push: Annotated[Push | None, Omitted] = None
    #: A reship's sub-order: the original order's key and why it is sent again.
    reship_of: Annotated[str | None, Omitted] = None
    reship_reason: Annotated[str | None, Omitted] = None


def sub_order_id(order_key: str, supplier_id: str) -> str:
    """Deterministic, so re-routing after a crash recreates the same sub-orders."""
    return "so_" + hashlib.sha256(f"{order_key}|{supplier_id}".encode()).hexdigest()[:24]


def split_by_supplier(order: Order, accounts: dict[str, str | None], at: datetime) -> list[SubOrder]:
    """One sub-order per supplier, sent to the supplier account its routing rules chose."""
    by_supplier: dict[str, list[StockLine]] = defaultdict(list)
    for line in order.lines:
        if line.supplier_id is None:
            raise ValueError(f"order {order.key}: an unpriced order cannot be routed")
        by_supplier[line.supplier_id].append(StockLine(sku=line.sku, qty=line.qty))
    subs = []
    for supplier_id, lines in sorted(by_supplier.items()):
        sub_id = sub_order_id(order.key, supplier_id)
        sub = SubOrder(
            id=sub_id,
            order_key=order.key,
            supplier_id=supplier_id,
            account_id=accounts.get(supplier_id),
            merchant_id=order.merchant_id,
            lines=lines,
            shipping_address=order.shipping_address,
            routed_at=at,
            list_key=f"{at.isoformat()}|{sub_id}",
            reship_of=None if order.reship is None else order.reship.order_key,
            reship_reason=None if order.reship is None else order.reship.reason,
        )
        subs.append(sub)
    return subs


def choose_account(rules: Sequence[RoutingRule], merchant_id: str, tier: str | None) -> str | None:
    """Most specific rule wins: the merchant's own, then its tier's, then the default."""
    for matches in (
        lambda r: r.merchant_id == merchant_id,
        lambda r: tier is not None and r.tier == tier,
        lambda r: r.default is True,
    ):
        for rule in rules:
            if matches(rule):
                return rule.account_id
    return None


def covers_lines_once(order: Order, subs: Sequence[SubOrder]) -> bool:
    """Every line of a routed order belongs to exactly one of its sub-orders (an audited invariant)."""
    wanted: Counter[tuple[str, str]] = Counter()
    for line in order.lines:
        wanted[(line.supplier_id or "", line.sku)] += line.qty
    held: Counter[tuple[str, str]] = Counter()
    for sub in subs:
        for stock in sub.lines:
            held[(sub.supplier_id, stock.sku)] += stock.qty
    return held == wanted
