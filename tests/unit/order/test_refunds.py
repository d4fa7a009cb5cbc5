"""Refunds on the in-memory twins: every decision, each refusal, exact money, each effect once."""

from __future__ import annotations

import asyncio

import pytest

from schemas.after_sale import PushSubOrderCancellation, ReleaseStockUnits
from schemas.commands import CreditWallet
from schemas.common import StockLine
from schemas.events import OrderClosed, OrderRefunded
from tests.unit.order.after_sale import AfterSale, Crash, crash_once, named, of_type
from workers.order.model import LogEntry, OrderStatus, SubOrderStatus, sub_order_id
from workers.order.model.refunds import LineMode, RefundState
from workers.order.model.refunds_ledger import units_charge


def test_a_lines_units_are_worth_its_charge_exactly_whatever_the_split() -> None:
    for splits in ([1, 1, 1], [2, 1], [1, 2], [3]):
        before, total = 0, 0
        for n in splits:
            total += units_charge(2999, 3, before, n)
            before += n
        assert total == 2999
    assert [units_charge(2999, 3, k, 1) for k in range(3)] == [999, 1000, 1000]


async def test_a_full_refund_before_shipment_cancels_releases_credits_and_closes() -> None:
    a = AfterSale()
    key = await a.world.routed("P1", ("A1", 2), ("B1", 1))
    out = await a.refund(key, "R1")
    assert named(out) == ["ReleaseStockUnits", "CreditWallet", "OrderRefunded", "OrderClosed"]
    [release] = of_type(out, ReleaseStockUnits)
    assert release.lines == [StockLine(sku="A1", qty=2), StockLine(sku="B1", qty=1)]
    [credit] = of_type(out, CreditWallet)
    assert (credit.amount, credit.kind, credit.reference) == (5000, "refund_credit", "merchant:R1:cancel")
    [refunded] = of_type(out, OrderRefunded)
    assert (refunded.kind, refunded.amount, refunded.credit_id) == ("cancel", 5000, "merchant:R1:cancel")
    assert [(ln.line, ln.qty, ln.amount) for ln in refunded.lines] == [(0, 2, 2000), (1, 1, 3000)]
    [closed] = of_type(out, OrderClosed)
    assert (closed.status, closed.reason) == ("cancelled", "cancelled_by_refund")
    order = a.world.order(key)
    assert (order.status, order.awaiting_shipment) == (OrderStatus.CANCELLED, [])
    assert all(s.status is SubOrderStatus.CANCELLED for s in a.world.sub_orders(key))
    assert a.stored("R1").state is RefundState.REFUNDED
    assert {ln.mode for ln in a.stored("R1").lines} == {LineMode.CANCEL}
    assert "refund_credited" in a.world.log(key)


async def test_the_same_refund_again_applies_nothing_twice_and_says_the_same() -> None:
    a = AfterSale()
    key = await a.world.routed("P1", ("A1", 2))
    first = await a.refund(key, "R1", ("A1", 1))
    again = await a.refund(key, "R1", ("A1", 1))
    assert [m.message_id for m in first] == [m.message_id for m in again]
    ledger = a.ledger(key)
    assert (ledger.counts[0].claimed, ledger.counts[0].credited, len(ledger.credits)) == (1, 1, 1)
    assert a.world.log(key).count("refund_credited") == 1


async def test_a_partial_refund_before_shipment_leaves_the_rest_to_ship() -> None:
    a = AfterSale()
    key = await a.world.routed("P1", ("A1", 3))
    out = await a.refund(key, "R1", ("A1", 1))
    assert of_type(out, CreditWallet)[0].amount == 1000
    [sub] = a.world.sub_orders(key)
    assert (sub.status, sub.lines) == (SubOrderStatus.ROUTED, [StockLine(sku="A1", qty=2)])
    assert sub.cancellations[0].reason == "不想要了"
    assert a.world.order(key).status is OrderStatus.PARTIALLY_REFUNDED
    shipped = await a.world.ship(sub.id, "sup_a")
    commit = next(m for m in shipped if type(m).__name__ == "CommitStock")
    assert commit.lines == [StockLine(sku="A1", qty=2)]  # type: ignore[attr-defined]


async def test_refunding_the_rest_after_a_partial_one_credits_exactly_the_charge() -> None:
    a = AfterSale()
    key = await a.world.routed("P1", ("A1", 3))
    order = a.world.orders.orders[key]
    a.world.orders.orders[key] = order.model_copy(update={"discount": 1, "charged": 2999})
    credits = []
    for refund_id in ("R1", "R2", "R3"):
        credits += of_type(await a.refund(key, refund_id, ("A1", 1)), CreditWallet)
    assert [c.amount for c in credits] == [999, 1000, 1000]
    assert a.world.order(key).status is OrderStatus.CANCELLED


async def test_a_quantity_above_what_is_left_is_refused_with_its_reason_kept() -> None:
    a = AfterSale()
    key = await a.world.routed("P1", ("A1", 2))
    await a.refund(key, "R1", ("A1", 1))
    assert await a.refund(key, "R2", ("A1", 2)) == []
    refused = a.stored("R2")
    assert refused.state is RefundState.REFUSED
    assert refused.refusal == "quantity_above_refundable: A1 asks 2, 1 left to refund"
    logged = [e for e in a.world.order(key).events if e.type == "refund_refused"]
    assert [e.data["reason"] for e in logged] == [refused.refusal]
    assert a.ledger(key).counts[0].claimed == 1


async def test_an_unknown_sku_and_an_unpaid_order_are_refused() -> None:
    a = AfterSale()
    key = await a.world.routed("P1", ("A1", 1))
    assert await a.refund(key, "R1", ("B1", 1)) == []
    assert a.stored("R1").refusal == "unknown_sku: B1 is not on the order"
    await a.world.place("P2", ("A1", 1))
    assert await a.refund("generic:shop1:P2", "R2") == []
    assert a.stored("R2").refusal == "order_not_refundable: the order is received"
    assert await a.refund("generic:shop1:NONE", "R3") == []
    assert a.stored("R3").state is RefundState.REFUSED


async def test_twenty_concurrent_partial_refunds_never_credit_more_than_charged() -> None:
    a = AfterSale()
    key = await a.world.routed("P1", ("A1", 5), ("A2", 3))
    results = await asyncio.gather(*(a.refund(key, f"R{i}", ("A1", 1), ("A2", 1)) for i in range(20)))
    credits = [c for out in results for c in of_type(out, CreditWallet)]
    assert len(credits) == 3  # A2 has 3 units: the fourth refund of both lines is refused
    assert sum(c.amount for c in credits) == 3 * (1000 + 500)
    assert len({c.reference for c in credits}) == 3
    states = [a.stored(f"R{i}").state for i in range(20)]
    assert states.count(RefundState.REFUNDED) == 3
    assert states.count(RefundState.REFUSED) == 17
    ledger = a.ledger(key)
    assert [(c.claimed, c.credited) for c in ledger.counts] == [(3, 3), (3, 3)]


async def test_a_cancelled_sub_order_cannot_be_shipped() -> None:
    a = AfterSale()
    key = await a.world.routed("P1", ("A1", 1))
    await a.refund(key, "R1")
    [sub] = a.world.sub_orders(key)
    assert await a.world.ship(sub.id, "sup_a") == []
    assert a.world.sub_orders(key)[0].shipment is None


async def test_an_accepted_sub_order_is_cancelled_too() -> None:
    a = AfterSale()
    key = await a.world.routed("P1", ("A1", 1))
    sub_id = sub_order_id(key, "sup_a")
    await a.world.accept(sub_id, "sup_a")
    await a.refund(key, "R1")
    assert a.world.sub_orders(key)[0].status is SubOrderStatus.CANCELLED


async def test_cancelling_the_unshipped_sub_order_of_a_partly_shipped_order_ships_it() -> None:
    a = AfterSale()
    key = await a.world.routed("P1", ("A1", 1), ("B1", 1))
    await a.world.ship(sub_order_id(key, "sup_a"), "sup_a")
    out = await a.refund(key, "R1", ("B1", 1))
    assert "OrderShipped" in named(out)
    assert a.world.order(key).status is OrderStatus.PARTIALLY_REFUNDED


async def test_a_webhook_supplier_is_pushed_the_cancellation() -> None:
    a = AfterSale()
    a.world.accounts.add_supplier("sup_a", webhook_url="http://erp.test/hook")
    key = await a.world.routed("P1", ("A1", 1))
    out = await a.refund(key, "R1")
    [push] = of_type(out, PushSubOrderCancellation)
    assert (push.sub_order_id, push.refund_key) == (sub_order_id(key, "sup_a"), "merchant:R1")


async def test_a_full_refund_when_everything_is_claimed_is_refused() -> None:
    a = AfterSale()
    key = await a.world.routed("P1", ("A1", 1), ("B1", 1))
    await a.world.ship(sub_order_id(key, "sup_a"), "sup_a")
    await a.world.ship(sub_order_id(key, "sup_b"), "sup_b")
    await a.refund(key, "R1")
    assert a.stored("R1").state is RefundState.RETURNING
    assert await a.refund(key, "R2") == []
    assert (
        a.stored("R2").refusal == "nothing_left_to_refund: every unit is already refunded or being refunded"
    )


def decisions(a: AfterSale, key: str) -> list[LogEntry]:
    return [e for e in a.world.order(key).events if e.type in ("refund_refused", "refund_accepted")]


async def test_a_refusal_is_logged_by_the_redelivery_after_a_crash_before_its_log(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Regression: the refusal was stored before the order's log entry, and the redelivery found
    the refund decided and logged nothing."""
    a = AfterSale()
    key = await a.world.routed("P1", ("A1", 1))
    monkeypatch.setattr(a.store, "log_once_by", crash_once(a.store.log_once_by))
    with pytest.raises(Crash):
        await a.refund(key, "R1", ("B1", 1))
    assert (a.stored("R1").state, decisions(a, key)) == (RefundState.REFUSED, [])
    assert await a.refund(key, "R1", ("B1", 1)) == []
    decided = next(e for e in a.stored("R1").history if e.type == "refused")
    [logged] = decisions(a, key)
    assert (logged.type, logged.at) == ("refund_refused", decided.at)
    assert logged.data == {"refund_key": "merchant:R1", "reason": "unknown_sku: B1 is not on the order"}


async def test_an_acceptance_is_logged_and_carried_out_by_the_redelivery_after_a_crash_before_its_log(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    a = AfterSale()
    key = await a.world.routed("P1", ("A1", 2))
    monkeypatch.setattr(a.store, "log_once_by", crash_once(a.store.log_once_by))
    with pytest.raises(Crash):
        await a.refund(key, "R1", ("A1", 1))
    assert (a.stored("R1").state, decisions(a, key)) == (RefundState.REFUNDED, [])
    out = await a.refund(key, "R1", ("A1", 1))
    assert [(c.amount, c.reference) for c in of_type(out, CreditWallet)] == [(1000, "merchant:R1:cancel")]
    accepted = ("refund_accepted", {"refund_key": "merchant:R1"})
    assert [(e.type, e.data) for e in decisions(a, key)] == [accepted]
    await a.refund(key, "R1", ("A1", 1))
    assert len(decisions(a, key)) == 1
