"""Returns on the in-memory twins: each transition, each refusal, restock and credit exact."""

from __future__ import annotations

import pytest

from schemas.after_sale import RestockUnits
from schemas.commands import CreditWallet
from schemas.common import StockLine
from schemas.events import OrderRefunded, ReturnReceived
from tests.unit.order.after_sale import AfterSale, Crash, crash_once, named, of_type
from workers.order.model import OrderStatus, sub_order_id
from workers.order.model.refunds import RefundState
from workers.order.model.returns import Return, ReturnState


async def shipped_and_returning(a: AfterSale, *lines: tuple[str, int], qty: int = 3) -> tuple[str, Return]:
    key = await a.world.routed("P1", ("A1", qty))
    await a.world.ship(sub_order_id(key, "sup_a"), "sup_a")
    assert await a.refund(key, "R1", *lines) == []
    [ret] = a.returns_of("R1")
    return key, ret


async def test_a_refund_after_shipment_opens_a_return_and_credits_nothing_yet() -> None:
    a = AfterSale()
    key, ret = await shipped_and_returning(a, ("A1", 2))
    assert (ret.state, [(ln.sku, ln.qty) for ln in ret.lines]) == (ReturnState.REQUESTED, [("A1", 2)])
    assert a.stored("R1").state is RefundState.RETURNING
    assert a.ledger(key).counts[0].claimed == 2
    assert a.ledger(key).credits == []
    assert "return_opened" in a.world.log(key)


async def test_receipt_with_a_damaged_unit_restocks_and_credits_the_rest_until_approval() -> None:
    a = AfterSale()
    key, ret = await shipped_and_returning(a, ("A1", 3))
    assert await a.ship_back(ret.id) == []
    assert a.store.returns[ret.id].state is ReturnState.IN_TRANSIT
    out = await a.receive(ret, ("A1", 3, 1))
    assert named(out) == ["CreditWallet", "OrderRefunded", "RestockUnits", "ReturnReceived"]
    assert of_type(out, CreditWallet)[0].amount == 2000
    assert of_type(out, RestockUnits)[0].lines == [StockLine(sku="A1", qty=2)]
    [received] = of_type(out, ReturnReceived)
    assert [(ln.received, ln.damaged) for ln in received.lines] == [(3, 1)]
    assert a.store.returns[ret.id].state is ReturnState.RECEIVED
    assert a.world.order(key).status is OrderStatus.PARTIALLY_REFUNDED

    approved = await a.approve(ret.id)
    assert [(c.amount, c.reference) for c in of_type(approved, CreditWallet)] == [(1000, f"{ret.id}:damaged")]
    assert of_type(approved, OrderRefunded)[0].kind == "return"
    assert a.store.returns[ret.id].state is ReturnState.REFUNDED
    assert a.stored("R1").state is RefundState.REFUNDED
    assert a.world.order(key).status is OrderStatus.REFUNDED
    assert a.ledger(key).credited == 3000
    again = await a.approve(ret.id)
    assert [m.message_id for m in again] == [m.message_id for m in approved]
    assert a.ledger(key).credited == 3000


async def test_a_receipt_without_damage_settles_the_return_at_once() -> None:
    a = AfterSale()
    _, ret = await shipped_and_returning(a, ("A1", 1))
    out = await a.receive(ret, ("A1", 1, 0))
    assert of_type(out, CreditWallet)[0].amount == 1000
    assert a.store.returns[ret.id].state is ReturnState.REFUNDED
    assert a.stored("R1").state is RefundState.REFUNDED
    again = await a.receive(ret, ("A1", 1, 0))
    assert [m.message_id for m in again] == [m.message_id for m in out]


async def test_units_never_received_are_refundable_again() -> None:
    a = AfterSale()
    key, ret = await shipped_and_returning(a, ("A1", 2))
    await a.receive(ret, ("A1", 1, 0))
    assert a.store.returns[ret.id].state is ReturnState.REFUNDED
    history = [e.type for e in a.store.returns[ret.id].history]
    assert history == ["requested", "partially_received", "refunded"]
    assert [(c.claimed, c.credited) for c in a.ledger(key).counts] == [(1, 1)]


async def test_a_receipt_above_what_was_returned_changes_nothing() -> None:
    a = AfterSale()
    key, ret = await shipped_and_returning(a, ("A1", 1))
    assert await a.receive(ret, ("A1", 2, 0)) == []
    assert await a.receive(ret, ("A1", 1, 2)) == []
    assert await a.receive(ret, ("A1", 0, 0)) == []
    assert a.store.returns[ret.id].state is ReturnState.REQUESTED
    assert a.ledger(key).credits == []


async def test_another_suppliers_receipt_is_ignored() -> None:
    a = AfterSale()
    _, ret = await shipped_and_returning(a, ("A1", 1))
    assert await a.receive(ret.model_copy(update={"supplier_id": "sup_b"}), ("A1", 1, 0)) == []
    assert a.store.returns[ret.id].state is ReturnState.REQUESTED


async def test_a_rejected_return_credits_nothing_and_frees_its_units() -> None:
    a = AfterSale()
    key, ret = await shipped_and_returning(a, ("A1", 2))
    assert await a.reject(ret.id) == []
    assert (a.store.returns[ret.id].state, a.store.returns[ret.id].decision) == (ReturnState.REJECTED, "used")
    assert a.stored("R1").state is RefundState.REJECTED
    assert a.ledger(key).counts[0].claimed == 0
    assert await a.receive(ret, ("A1", 2, 0)) == []  # a rejected return is received no more
    assert a.world.order(key).status is OrderStatus.SHIPPED


async def test_refund_only_credits_without_restock() -> None:
    a = AfterSale()
    key, ret = await shipped_and_returning(a)
    out = await a.refund_only(ret.id)
    assert named(out) == ["CreditWallet", "OrderRefunded"]
    assert of_type(out, OrderRefunded)[0].kind == "refund_only"
    assert of_type(out, CreditWallet)[0].amount == 3000
    assert a.store.returns[ret.id].state is ReturnState.REFUNDED
    assert a.world.order(key).status is OrderStatus.REFUNDED
    assert await a.reject(ret.id) == []
    assert a.store.returns[ret.id].state is ReturnState.REFUNDED


async def test_approval_needs_a_receipt_with_damaged_units() -> None:
    a = AfterSale()
    key, ret = await shipped_and_returning(a, ("A1", 1))
    assert await a.approve(ret.id) == []
    assert a.store.returns[ret.id].state is ReturnState.REQUESTED
    assert a.ledger(key).credits == []


async def test_tracking_is_taken_only_while_requested() -> None:
    a = AfterSale()
    _, ret = await shipped_and_returning(a, ("A1", 1))
    await a.ship_back(ret.id)
    await a.ship_back(ret.id)
    stored = a.store.returns[ret.id]
    assert [e.type for e in stored.history] == ["requested", "in_transit"]
    assert stored.tracking is not None
    assert (stored.tracking.carrier, stored.tracking.tracking_no) == ("SF", "R1")


async def test_a_receipt_is_logged_on_the_order_by_the_redelivery_after_a_crash_before_its_log(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Regression: the return was moved before the order's log entry, and the redelivery found it
    received and skipped the move that logs."""
    a = AfterSale()
    key, ret = await shipped_and_returning(a, ("A1", 2))
    monkeypatch.setattr(a.store, "log_once_by", crash_once(a.store.log_once_by))
    with pytest.raises(Crash):
        await a.receive(ret, ("A1", 2, 0))
    assert a.store.returns[ret.id].state is ReturnState.RECEIVED
    assert "return_received" not in a.world.log(key)
    out = await a.receive(ret, ("A1", 2, 0))
    assert [c.amount for c in of_type(out, CreditWallet)] == [2000]
    received = next(e for e in a.store.returns[ret.id].history if e.type == "received")
    [logged] = [e for e in a.world.order(key).events if e.type == "return_received"]
    assert (logged.at, logged.data) == (received.at, {"return_id": ret.id, "step": f"{ret.id}|received"})
    await a.receive(ret, ("A1", 2, 0))
    assert a.world.log(key).count("return_received") == 1
