"""Pure rules of holiday promotions: item checks, the window, status and the public shape."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from schemas.promotions import CreatePromotion, PromotionItem

Doc = dict[str, Any]


def check_window(starts_at: datetime, ends_at: datetime) -> str | None:
    return None if ends_at > starts_at else "ends_at: must be after starts_at"


def check_items(items: list[PromotionItem], skus: dict[str, Doc]) -> str | None:
    """The first bad item as `items.<i>.<field>: why`, else None.

    A promotional price is only offered for a tier the SKU already sells to, so that a
    promotion never makes a SKU orderable for a tier the supplier did not price.
    """
    seen: set[str] = set()
    for i, item in enumerate(items):
        if item.sku in seen:
            return f"items.{i}.sku: {item.sku!r} appears twice"
        seen.add(item.sku)
        doc = skus.get(item.sku)
        if doc is None:
            return f"items.{i}.sku: no SKU {item.sku!r}"
        for tier in item.tier_prices:
            if tier not in doc.get("tier_prices", {}):
                return f"items.{i}.tier_prices.{tier}: the SKU has no normal price for this tier"
    return None


def window(cmd: CreatePromotion, item: PromotionItem) -> Doc:
    """One SKU's claim on a time span; stored whole so a redelivery adds the identical value."""
    return {
        "promotion_id": cmd.promotion_id,
        "starts_at": cmd.starts_at,
        "ends_at": cmd.ends_at,
        "tier_prices": dict(item.tier_prices),
    }


def new_promotion(cmd: CreatePromotion, now: datetime) -> Doc:
    return {
        "_id": cmd.promotion_id,
        "name": cmd.name,
        "starts_at": cmd.starts_at,
        "ends_at": cmd.ends_at,
        "items": [item.model_dump() for item in cmd.items],
        "skus": [item.sku for item in cmd.items],
        "state": "claiming",
        "ended_at": None,
        "created_at": now,
        "list_key": f"{cmd.starts_at.isoformat()}|{cmd.promotion_id}",
    }


def status(doc: Doc, now: datetime) -> str:
    if doc["state"] == "claiming":
        return "pending"
    if now >= doc["ends_at"] or doc["ends_at"] <= doc["starts_at"]:  # the latter: ended before start
        return "ended"
    return "scheduled" if now < doc["starts_at"] else "active"


def render(doc: Doc, now: datetime) -> Doc:
    """JSON-ready (times as RFC 3339) so a worker reply and an edge read look the same."""

    return {
        "id": doc["_id"],
        "name": doc["name"],
        "starts_at": iso(doc["starts_at"]),
        "ends_at": iso(doc["ends_at"]),
        "status": status(doc, now),
        "ended_at": iso(doc.get("ended_at")),
        "items": doc["items"],
        "created_at": iso(doc["created_at"]),
    }


def iso(value: datetime | None) -> str | None:
    """RFC 3339 in UTC with `Z`, as the edge renders every other time."""
    return None if value is None else value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def end_moment(doc: Doc, at: datetime) -> datetime | None:
    """When an operator's end at `at` closes the window; None if it is already over."""
    if at >= doc["ends_at"]:
        return None
    starts_at: datetime = doc["starts_at"]
    return max(at, starts_at)
