"""Every handler twice gives the same outcome and changes nothing twice; messages out of order
converge on what the order's stored state allows."""

from __future__ import annotations

from schemas.commands import DebitWallet, ReleaseStock, ReserveStock
from schemas.events import OrderClosed
from tests.unit.order.world import World, order_key
from workers.order.model import OrderStatus, SubOrderStatus


async def test_the_same_order_placed_twice_is_one_order_asking_for_its_stock_again() -> None:
    w = World()
    first = await w.place("P1", ("A1", 1))
    second = await w.place("P1", ("A1", 1))
    assert [type(m) for m in first] == [type(m) for m in second] == [ReserveStock]
    assert first[0].message_id == second[0].message_id
    assert list(w.orders.orders) == [order_key("P1")]
    assert w.log(order_key("P1")) == ["received"]
    assert len(w.order(order_key("P1")).payload_ids) == 1


async def test_stock_reserved_twice_logs_once_and_asks_for_the_same_debit() -> None:
    w = World()
    key = order_key("P1")
    await w.place("P1", ("A1", 1))
    [first], [second] = await w.reserved(key), await w.reserved(key)
    assert isinstance(first, DebitWallet)
    assert first.message_id == second.message_id
    assert w.log(key) == ["received", "reserved"]


async def test_stock_rejected_twice_logs_once() -> None:
    w = World()
    key = order_key("P1")
    await w.place("P1", ("A1", 1))
    first, second = await w.stock_rejected(key), await w.stock_rejected(key)
    assert [type(m) for m in first] == [OrderClosed]
    assert [m.message_id for m in second] == [m.message_id for m in first]
    assert w.log(key) == ["received", "rejected"]


async def test_funds_insufficient_twice_logs_once() -> None:
    w = World()
    key = order_key("P1")
    await w.place("P1", ("A1", 1))
    await w.reserved(key)
    first, second = await w.insufficient(key), await w.insufficient(key)
    assert len(first) == len(second) == 1
    assert w.log(key) == ["received", "reserved", "awaiting_funds"]


async def test_wallet_debited_twice_routes_once_and_publishes_the_same_follow_ups() -> None:
    """Regression: a redelivery (after a crash between the routing write and its publish) used
    to publish nothing, so the webhook supplier's push and `OrderRouted` were lost."""
    w = World()
    w.accounts.add_supplier("sup_b", webhook_url="http://erp-b.test/in")
    key = order_key("P1")
    await w.place("P1", ("A1", 1), ("B1", 1))
    await w.reserved(key)
    first = await w.debited(key)
    before = w.sub_orders(key)
    w.accounts.route("sup_b", {"default": True, "account_id": "acc_new"})  # changed in between
    again = await w.debited(key)
    assert [type(m).__name__ for m in again] == ["PushSubOrder", "OrderRouted"]
    assert [m.message_id for m in again] == [m.message_id for m in first]
    assert w.sub_orders(key) == before
    assert w.log(key) == ["received", "reserved", "paid", "routed"]


async def test_wallet_debited_after_shipment_publishes_nothing() -> None:
    w = World()
    key = await w.routed("P1", ("A1", 1))
    [sub] = w.sub_orders(key)
    await w.ship(sub.id, "sup_a")
    assert await w.debited(key) == []
    assert w.log(key).count("routed") == 1


async def test_an_expiry_twice_rejects_once() -> None:
    w = World()
    key = order_key("P1")
    await w.place("P1", ("A1", 1))
    await w.reserved(key)
    await w.insufficient(key)
    first, second = await w.expired(key), await w.expired(key)
    assert [type(m) for m in first] == [type(m) for m in second] == [ReleaseStock, OrderClosed]
    assert w.log(key) == ["received", "reserved", "awaiting_funds", "rejected"]


async def test_stock_reserved_after_the_order_was_rejected_gives_the_stock_back() -> None:
    w = World()
    key = order_key("P1")
    await w.place("P1", ("A1", 2))
    await w.stock_rejected(key)
    [release] = await w.reserved(key)
    assert isinstance(release, ReleaseStock)
    assert (release.reason, [(ln.sku, ln.qty) for ln in release.lines]) == ("order_closed", [("A1", 2)])
    assert (w.order(key).status, w.log(key)) == (OrderStatus.REJECTED, ["received", "rejected"])


async def test_stock_reserved_after_payment_asks_for_nothing() -> None:
    w = World()
    key = await w.routed("P1", ("A1", 1))
    assert await w.reserved(key) == []
    assert w.order(key).status == OrderStatus.ROUTED


async def test_funds_insufficient_after_payment_changes_nothing() -> None:
    w = World()
    key = await w.routed("P1", ("A1", 1))
    assert await w.insufficient(key) == []
    assert "awaiting_funds" not in w.log(key)


async def test_messages_about_an_unknown_order_change_nothing() -> None:
    w = World()
    key = order_key("GHOST")
    assert await w.reserved(key) == []
    assert await w.stock_rejected(key) == []
    assert await w.expired(key) == []
    assert w.orders.orders == {}


async def test_a_shipment_twice_ships_and_logs_once() -> None:
    w = World()
    key = await w.routed("P1", ("A1", 1))
    [sub] = w.sub_orders(key)
    first = await w.ship(sub.id, "sup_a", tracking_no="SF-1")
    second = await w.ship(sub.id, "sup_a", tracking_no="SF-2")
    assert [m.message_id for m in first] == [m.message_id for m in second]
    assert len(first) == 4  # with OrderShipped, said again by the repeat
    stored = w.orders.sub_orders[sub.id]
    assert stored.shipment is not None
    assert (stored.status, stored.shipment.tracking_no) == (SubOrderStatus.SHIPPED, "SF-1")
    assert w.log(key).count("sub_order_shipped") == w.log(key).count("shipped") == 1
