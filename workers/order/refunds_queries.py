"""Order's read side of after-sale: refunds (with their credits and returns) and returns, as the
operator, the merchant and the supplier see them; and the audit's checks of them."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel
from pymongo.asynchronous.database import AsyncDatabase

from juhe.store.pages import Page, keyset_page
from schemas.common import StockLine
from workers.order.model import (
    LogEntry,
    Omitted,
    Order,
    OrderStatus,
    SubOrder,
    SubOrderStatus,
    covers_lines_once,
)
from workers.order.model.refunds import Refund as RefundDoc
from workers.order.model.refunds import RefundLine, RefundState
from workers.order.model.refunds_ledger import Credit, RefundLedger
from workers.order.model.returns import Return, ReturnLine, ReturnState, ReturnTracking
from workers.order.repository.names import ORDERS, REFUND_LEDGERS, REFUNDS, RETURNS, SUB_ORDERS

Doc = dict[str, Any]
PAGE_KEY = "list_key"


class ReturnView(BaseModel):
    id: str
    refund_key: str
    order_key: str
    sub_order_id: str
    supplier_id: str
    state: ReturnState
    reason: str
    lines: list[ReturnLine]
    #: What its credits paid, in fen.
    credited: int
    history: list[LogEntry]
    created_at: datetime
    tracking: Annotated[ReturnTracking | None, Omitted] = None
    decision: Annotated[str | None, Omitted] = None

    @classmethod
    def of(cls, ret: Return, credits: list[Credit]) -> ReturnView:
        paid = sum(c.amount for c in credits if c.id.startswith(f"{ret.id}:"))
        return cls.model_validate({**ret.model_dump(), "credited": paid})


class RefundView(BaseModel):
    refund_key: str
    refund_id: str
    order_key: str
    merchant_id: str
    source: str
    reason: str
    state: RefundState
    #: As asked; None is the whole order.
    requested: list[StockLine] | None
    lines: list[RefundLine]
    credited: int
    credits: list[Credit]
    returns: list[ReturnView]
    history: list[LogEntry]
    created_at: datetime
    refusal: Annotated[str | None, Omitted] = None

    @classmethod
    def of(cls, refund: RefundDoc, credits: list[Credit], returns: list[Return]) -> RefundView:
        mine = [c for c in credits if c.refund_key == refund.key]
        shown = refund.model_dump(exclude={"key", "list_key"})
        views = [ReturnView.of(r, mine) for r in returns]
        return cls(
            **shown, refund_key=refund.key, credited=sum(c.amount for c in mine), credits=mine, returns=views
        )


@dataclass(frozen=True)
class RefundFilter:
    state: str | None = None
    order_key: str | None = None
    merchant_id: str | None = None

    def query(self) -> Doc:
        fields = {"state": self.state, "order_key": self.order_key, "merchant_id": self.merchant_id}
        return {field: value for field, value in fields.items() if value}


class RefundQueries:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self._db = db

    async def refunds(self, where: RefundFilter, *, limit: int, cursor: str | None) -> Page[RefundView]:
        """Newest first."""
        docs, next_cursor = await keyset_page(
            self._db[REFUNDS], where.query(), field=PAGE_KEY, limit=limit, cursor=cursor, descending=True
        )
        return Page(
            items=await self._views([RefundDoc.model_validate(d) for d in docs]), next_cursor=next_cursor
        )

    async def refund(self, refund_key: str) -> RefundView | None:
        doc = await self._db[REFUNDS].find_one({"_id": refund_key})
        return None if doc is None else (await self._views([RefundDoc.model_validate(doc)]))[0]

    async def supplier_returns(
        self, supplier_id: str, account_id: str | None, state: str | None, *, limit: int, cursor: str | None
    ) -> Page[ReturnView]:
        """Oldest first; an account's key sees only that account's."""
        query: Doc = {"supplier_id": supplier_id}
        query.update({"account_id": account_id} if account_id is not None else {})
        query.update({"state": state} if state else {})
        docs, next_cursor = await keyset_page(
            self._db[RETURNS], query, field=PAGE_KEY, limit=limit, cursor=cursor, descending=False
        )
        returns = [Return.model_validate(d) for d in docs]
        credits = await self._credits({r.order_key for r in returns})
        items = [ReturnView.of(r, credits[r.order_key]) for r in returns]
        return Page(items=items, next_cursor=next_cursor)

    async def return_(self, return_id: str) -> ReturnView | None:
        doc = await self._db[RETURNS].find_one({"_id": return_id})
        if doc is None:
            return None
        ret = Return.model_validate(doc)
        return ReturnView.of(ret, (await self._credits({ret.order_key}))[ret.order_key])

    async def return_document(self, return_id: str) -> Return | None:
        """The return as stored, for the edge's early checks of the model's rules."""
        doc = await self._db[RETURNS].find_one({"_id": return_id})
        return None if doc is None else Return.model_validate(doc)

    async def _views(self, refunds: list[RefundDoc]) -> list[RefundView]:
        keys = [r.key for r in refunds]
        returns: dict[str, list[Return]] = defaultdict(list)
        async for doc in self._db[RETURNS].find({"refund_key": {"$in": keys}}).sort("_id", 1):
            ret = Return.model_validate(doc)
            returns[ret.refund_key].append(ret)
        credits = await self._credits({r.order_key for r in refunds})
        return [RefundView.of(r, credits[r.order_key], returns[r.key]) for r in refunds]

    async def _credits(self, order_keys: set[str]) -> dict[str, list[Credit]]:
        found: dict[str, list[Credit]] = defaultdict(list)
        async for doc in self._db[REFUND_LEDGERS].find({"_id": {"$in": sorted(order_keys)}}):
            ledger = RefundLedger.model_validate(doc)
            found[ledger.order_key] = ledger.credits
        return found

    # The audit's checks (DESIGN.md invariants of after-sale).

    async def credit_overruns(self) -> list[str]:
        """Orders whose refund credits pass what was charged, or a line's units."""
        problems = []
        async for doc in self._db[REFUND_LEDGERS].find():
            ledger = RefundLedger.model_validate(doc)
            order_doc = await self._db[ORDERS].find_one({"_id": ledger.order_key})
            if order_doc is None:
                continue
            order = Order.model_validate(order_doc)
            if ledger.credited > order.charged:
                problems.append(
                    f"order {order.key}: refund credits {ledger.credited} > charged {order.charged}"
                )
            for count, line in zip(ledger.counts, order.lines, strict=False):
                if not 0 <= count.credited <= count.claimed <= line.qty:
                    problems.append(f"order {order.key}: line {line.sku} credited/claimed beyond its units")
        return problems

    async def received_undamaged(self) -> Counter[str]:
        """Units per SKU that came back undamaged on received returns (what must be restocked)."""
        units: Counter[str] = Counter()
        async for doc in self._db[RETURNS].find({"received_at": {"$ne": None}}):
            for line in Return.model_validate(doc).lines:
                units[line.sku] += line.undamaged
        return units

    async def shipped_cancellations(self) -> list[str]:
        """Sub-orders cancelled in full that carry a shipment. (That a shipped sub-order's lines
        and its cancellations together are its order's lines, each once, is the routing check.)"""
        problems = []
        async for doc in self._db[SUB_ORDERS].find({"cancellations.0": {"$exists": True}}):
            sub = SubOrder.model_validate(doc)
            if sub.status is SubOrderStatus.CANCELLED and sub.shipment is not None:
                problems.append(f"sub-order {sub.id}: cancelled yet shipped")
        return problems

    async def after_sale_routing_mismatches(self) -> list[str]:
        """Refunded or cancelled orders once routed whose sub-orders' lines and cancellations do
        not hold each of their lines exactly once: no unit both shipped and cancelled."""
        statuses = [OrderStatus.PARTIALLY_REFUNDED, OrderStatus.REFUNDED, OrderStatus.CANCELLED]
        query = {"status": {"$in": statuses}, "routed_at": {"$ne": None}}
        problems = []
        async for doc in self._db[ORDERS].find(query):
            order = Order.model_validate(doc)
            subs = [
                SubOrder.model_validate(s) async for s in self._db[SUB_ORDERS].find({"order_key": order.key})
            ]
            if not covers_lines_once(order, subs):
                problems.append(
                    f"order {order.key}: sub-orders and cancellations do not cover its lines once"
                )
        return problems
