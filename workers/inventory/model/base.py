"""What inventory's aggregates share: the stored-document base and the stock arithmetic."""

from __future__ import annotations

from collections import Counter

from pydantic import BaseModel, ConfigDict

from schemas.common import StockLine


def available(on_hand: int, reserved: int) -> int:
    """A sync below what is reserved leaves nothing to sell, never a negative count."""
    return max(0, on_hand - reserved)


def shortfall(on_hand: int, reserved: int) -> int:
    return max(0, reserved - on_hand)


def merge_lines(lines: list[StockLine]) -> list[StockLine]:
    """One line per SKU, in SKU order so concurrent orders touch documents alike."""
    totals: Counter[str] = Counter()
    for line in lines:
        totals[line.sku] += line.qty
    return [StockLine(sku=sku, qty=qty) for sku, qty in sorted(totals.items())]


class Document(BaseModel):
    """A stored aggregate: immutable here, its `_id` mapped to a named field."""

    model_config = ConfigDict(frozen=True, populate_by_name=True)
