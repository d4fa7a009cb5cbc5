"""Waiting for funds: a top-up resumes the oldest waiting order, one at a time; an expired hold
releases the stock, and a debit that lands after it is credited back."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

from juhe.outgoing import Outgoing
from schemas.commands import CreditWallet, DebitWallet
from tests.unit.order.world import RECEIVED_AT, World, order_key
from workers.order.memory import MemoryOrders
from workers.order.model import SubOrder, SubOrderStatus


async def waiting(w: World, order_id: str, qty: int, minutes: int) -> str:
    key = order_key(order_id)
    await w.place(order_id, ("A1", qty), at=RECEIVED_AT + timedelta(minutes=minutes))
    await w.reserved(key)
    await w.insufficient(key)
    return key


async def test_a_top_up_resumes_only_the_oldest_waiting_order() -> None:
    """Placed newer first: the older one is tried, and only it."""
    w = World()
    newer = await waiting(w, "NEW", 3, minutes=5)
    older = await waiting(w, "OLD", 2, minutes=1)
    [debit] = await w.topped_up("m1", 2000)
    assert debit == DebitWallet(
        correlation_id=older, order_key=older, merchant_id="m1", amount=2000, occurred_at=debit.occurred_at
    )
    assert (w.order(older).status, w.order(newer).status) == ("awaiting_funds", "awaiting_funds")


async def test_once_the_oldest_is_paid_the_next_waiting_order_is_tried() -> None:
    w = World()
    older = await waiting(w, "OLD", 2, minutes=1)
    newer = await waiting(w, "NEW", 3, minutes=5)
    out = await w.debited(older)
    assert w.order(older).status == "routed"
    assert w.log(older) == ["received", "reserved", "awaiting_funds", "paid", "routed"]
    next_try = [m for m in out if isinstance(m, DebitWallet)]
    assert [(d.order_key, d.amount) for d in next_try] == [(newer, 3000)]


async def test_a_debit_never_waited_for_tries_no_other_order() -> None:
    w = World()
    await waiting(w, "OLD", 2, minutes=1)
    paid = order_key("PAID")
    await w.place("PAID", ("A1", 1))
    await w.reserved(paid)
    out = await w.debited(paid)
    assert [type(m).__name__ for m in out] == ["OrderRouted"]


async def test_a_debit_that_lands_after_the_expiry_is_credited_back() -> None:
    w = World()
    key = await waiting(w, "LATE", 2, minutes=1)
    await w.expired(key)
    [credit] = await w.debited(key)
    assert credit == CreditWallet(
        correlation_id=key,
        merchant_id="m1",
        amount=2000,
        kind="refund_credit",
        reference=key,
        occurred_at=credit.occurred_at,
    )
    assert (w.order(key).status, w.sub_orders(key)) == ("rejected", [])
    assert w.log(key) == ["received", "reserved", "awaiting_funds", "rejected"]


async def test_an_expiry_after_payment_changes_nothing() -> None:
    w = World()
    key = await waiting(w, "PAID", 2, minutes=1)
    await w.debited(key)
    assert await w.expired(key) == []
    assert (w.order(key).status, w.order(key).reason) == ("routed", None)


class ExpiringWhileRouting(MemoryOrders):
    """The funds hold expires right after the sub-orders are stored, before the order is routed."""

    def __init__(self) -> None:
        super().__init__()
        self.meanwhile: list[Callable[[], Awaitable[list[Outgoing]]]] = []
        self.released: list[Outgoing] = []

    async def add_sub_orders(self, subs: list[SubOrder]) -> list[SubOrder]:
        stored = await super().add_sub_orders(subs)
        while self.meanwhile:
            self.released += await self.meanwhile.pop()()
        return stored


async def test_a_debit_racing_the_expiry_is_credited_back_and_its_sub_orders_cancelled() -> None:
    """Regression: the debit that lost the race to the expiry was kept, and its sub-orders stayed
    routed for the supplier to ship."""
    orders = ExpiringWhileRouting()
    w = World(orders=orders)
    key = await waiting(w, "RACE", 2, minutes=1)
    orders.meanwhile.append(lambda: w.expired(key))
    [credit] = await w.debited(key)
    assert isinstance(credit, CreditWallet)
    assert (credit.kind, credit.amount, credit.reference) == ("refund_credit", 2000, key)
    assert [type(m).__name__ for m in orders.released] == ["ReleaseStock", "OrderClosed"]
    assert (w.order(key).status, w.order(key).reason) == ("rejected", "insufficient_funds")
    assert [s.status for s in w.sub_orders(key)] == [SubOrderStatus.CANCELLED]
    assert w.log(key) == ["received", "reserved", "awaiting_funds", "rejected"]
    [again] = await w.debited(key)
    assert again.message_id == credit.message_id
