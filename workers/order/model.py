"""Order values: statuses, pricing at the merchant's tier, sub-order split by supplier."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

from schemas.common import OrderLineIn


class OrderStatus(StrEnum):
    RECEIVED = "received"
    RESERVED = "reserved"
    PAID = "paid"
    ROUTED = "routed"
    SHIPPED = "shipped"
    COMPLETED = "completed"
    REJECTED = "rejected"
    AWAITING_FUNDS = "awaiting_funds"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"
    PARTIALLY_REFUNDED = "partially_refunded"


#: Statuses in which the order holds no stock and must not be charged.
CLOSED_UNPAID = frozenset({OrderStatus.REJECTED, OrderStatus.CANCELLED})


class Offer(Protocol):
    """What order pricing needs of a SKU as the catalog sells it (catalog's `SkuOffer`)."""

    @property
    def supplier_id(self) -> str: ...
    @property
    def orderable(self) -> bool: ...
    @property
    def tier_prices(self) -> dict[str, int]: ...
    def unit_cost(self, tier: str) -> tuple[int, str | None]: ...


@dataclass(frozen=True)
class Pricing:
    lines: list[dict[str, Any]]
    rejection: str | None = None
    bad_sku: str | None = None

    @property
    def total_cost(self) -> int:
        return sum(line["qty"] * line["unit_cost"] for line in self.lines)


def price_lines(lines: list[OrderLineIn], offers: Mapping[str, Offer], tier: str) -> Pricing:
    """Each line at the tier's price (promotional if one is active); an unknown or unlisted SKU
    rejects the order. A promotion never makes a tier without a normal price orderable."""
    priced: list[dict[str, Any]] = []
    for line in lines:
        offer = offers.get(line.sku)
        if offer is None or not offer.orderable:
            return Pricing(lines=[], rejection="unknown_sku", bad_sku=line.sku)
        if tier not in offer.tier_prices:
            return Pricing(lines=[], rejection="no_price_for_tier", bad_sku=line.sku)
        unit_cost, promotion_id = offer.unit_cost(tier)
        priced.append(
            {
                "sku": line.sku,
                "qty": line.qty,
                "unit_price": line.unit_price,
                "unit_cost": unit_cost,
                "supplier_id": offer.supplier_id,
                **({"promotion_id": promotion_id} if promotion_id else {}),
            }
        )
    return Pricing(lines=priced)


def sub_order_id(order_key: str, supplier_id: str) -> str:
    """Deterministic, so re-routing after a crash recreates the same sub-orders."""
    return "so_" + hashlib.sha256(f"{order_key}|{supplier_id}".encode()).hexdigest()[:24]


def split_by_supplier(
    order: dict[str, Any], accounts: Mapping[str, str | None] | None = None
) -> list[dict[str, Any]]:
    """One sub-order per supplier, sent to the supplier account its routing rules chose."""
    by_supplier: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for line in order["lines"]:
        by_supplier[line["supplier_id"]].append({"sku": line["sku"], "qty": line["qty"]})
    return [
        {
            "_id": sub_order_id(order["_id"], supplier_id),
            "order_key": order["_id"],
            "supplier_id": supplier_id,
            "account_id": (accounts or {}).get(supplier_id),
            "merchant_id": order["merchant_id"],
            "status": "routed",
            "lines": lines,
            "shipping_address": order["shipping_address"],
        }
        for supplier_id, lines in sorted(by_supplier.items())
    ]


def choose_account(rules: list[dict[str, Any]], merchant_id: str, tier: str | None) -> str | None:
    """Most specific rule wins: the merchant's own, then its tier's, then the default."""
    for matches in (
        lambda r: r.get("merchant_id") == merchant_id,
        lambda r: tier is not None and r.get("tier") == tier,
        lambda r: r.get("default") is True,
    ):
        for rule in rules:
            if matches(rule):
                return str(rule["account_id"])
    return None


def log_entry(kind: str, at: Any, **data: Any) -> dict[str, Any]:
    return {"type": kind, "at": at, "data": data}
