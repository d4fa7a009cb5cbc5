"""The order's refund ledger, which keeps every refund credit within what was charged.

It holds, per order line, the units claimed by open refunds and the units credited. It
changes by compare-and-set on its version, so concurrent refunds of the same lines are applied
one after the other and never claim or credit more than the line holds. A line's credits are
cumulative shares of its charge: units `k+1..k+n` are worth `charge*(k+n)//qty - charge*k//qty`,
so all of a line's units together are worth its charge exactly (the last units take the
remainder), whatever the partial quantities were.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from schemas.common import StockLine
from workers.order.model.order import Order
from workers.order.model.refunds import Units

CreditKind = Literal["cancel", "return", "refund_only"]


class CreditLine(Units):
    amount: int


class Credit(BaseModel):
    """One credit to the merchant's wallet: its id is the wallet entry's reference."""

    id: str
    refund_key: str
    kind: CreditKind
    lines: list[CreditLine]

    @property
    def amount(self) -> int:
        return sum(line.amount for line in self.lines)


class LineCount(BaseModel):
    claimed: int = 0
    credited: int = 0


class Claim(BaseModel):
    refund_key: str
    lines: list[Units]


def units_charge(line_charge: int, line_qty: int, before: int, units: int) -> int:
    """What units `before+1 .. before+units` of a line are worth: cumulative whole-fen shares."""
    return line_charge * (before + units) // line_qty - line_charge * before // line_qty


class RefundLedger(BaseModel):
    """An order's refund ledger; `ops` are the ids of the changes applied (each once)."""

    model_config = ConfigDict(populate_by_name=True)

    order_key: str = Field(alias="_id")
    version: int = 0
    counts: list[LineCount]
    claims: list[Claim] = Field(default_factory=list)
    credits: list[Credit] = Field(default_factory=list)
    ops: list[str] = Field(default_factory=list)

    @classmethod
    def opened(cls, order: Order) -> RefundLedger:
        return cls(order_key=order.key, counts=[LineCount() for _ in order.lines])

    def claim_of(self, refund_key: str) -> Claim | None:
        return next((c for c in self.claims if c.refund_key == refund_key), None)

    def credit_of(self, credit_id: str) -> Credit | None:
        return next((c for c in self.credits if c.id == credit_id), None)

    def left(self, order: Order, line: int) -> int:
        return order.lines[line].qty - self.counts[line].claimed

    def claim(self, order: Order, refund_key: str, wanted: list[StockLine] | None) -> RefundLedger | str:
        """Claim the units asked for (all that is left when None), or the reason it cannot be."""
        picked = self._pick(order, wanted)
        if isinstance(picked, str):
            return picked
        counts = [c.model_copy() for c in self.counts]
        for units in picked:
            counts[units.line].claimed += units.qty
        claims = [*self.claims, Claim(refund_key=refund_key, lines=picked)]
        return self._next(f"claim:{refund_key}", counts=counts, claims=claims)

    def _pick(self, order: Order, wanted: list[StockLine] | None) -> list[Units] | str:
        if wanted is None:
            picked = [
                Units(line=i, sku=line.sku, qty=self.left(order, i))
                for i, line in enumerate(order.lines)
                if self.left(order, i) > 0
            ]
            return picked or "nothing_left_to_refund: every unit is already refunded or being refunded"
        asked: dict[str, int] = defaultdict(int)
        for stock in wanted:
            asked[stock.sku] += stock.qty
        picked = []
        for sku, qty in asked.items():
            lines = [i for i, line in enumerate(order.lines) if line.sku == sku]
            if not lines:
                return f"unknown_sku: {sku} is not on the order"
            left = sum(self.left(order, i) for i in lines)
            if qty > left:
                return f"quantity_above_refundable: {sku} asks {qty}, {left} left to refund"
            for i in lines:
                take = min(qty, self.left(order, i))
                if take:
                    picked.append(Units(line=i, sku=sku, qty=take))
                    qty -= take
        return picked

    def credit(
        self, order: Order, credit_id: str, refund_key: str, kind: CreditKind, units: list[Units]
    ) -> RefundLedger:
        """Credit claimed units at their cumulative shares of each line's charge."""
        charges = order.line_charges
        counts = [c.model_copy() for c in self.counts]
        lines = []
        for u in units:
            count, line = counts[u.line], order.lines[u.line]
            qty = min(u.qty, count.claimed - count.credited)
            if qty <= 0:
                continue
            amount = units_charge(charges[u.line], line.qty, count.credited, qty)
            count.credited += qty
            lines.append(CreditLine(line=u.line, sku=u.sku, qty=qty, amount=amount))
        credit = Credit(id=credit_id, refund_key=refund_key, kind=kind, lines=lines)
        return self._next(f"credit:{credit_id}", counts=counts, credits=[*self.credits, credit])

    def release(self, op_id: str, units: list[Units]) -> RefundLedger:
        """Claimed units given back (a return rejected, units never received): refundable again."""
        counts = [c.model_copy() for c in self.counts]
        for u in units:
            counts[u.line].claimed = max(counts[u.line].credited, counts[u.line].claimed - u.qty)
        return self._next(f"release:{op_id}", counts=counts)

    def _next(self, op: str, **fields: object) -> RefundLedger:
        return self.model_copy(update={**fields, "version": self.version + 1, "ops": [*self.ops, op]})

    @property
    def credited(self) -> int:
        return sum(c.amount for c in self.credits)

    def fully_credited(self, order: Order) -> bool:
        return all(c.credited == line.qty for c, line in zip(self.counts, order.lines, strict=True))

    def only_cancelled(self) -> bool:
        """Every credit so far cancelled lines before shipment: nothing was shipped for them."""
        return all(c.kind == "cancel" for c in self.credits)
