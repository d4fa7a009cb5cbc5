"""The supplier's side: accept, ship; the order is shipped when its last sub-order is."""

from __future__ import annotations

from juhe.outgoing import Later
from schemas.commands import CommitStock, DeliverShipment, ShipSubOrder
from schemas.common import StockLine
from schemas.envelope import utcnow
from schemas.events import OrderShipped, SubOrderShipped
from tests.unit.order.world import World, order_key
from workers.order.handlers import shipping
from workers.order.handlers.shipping import ROUTING_RECHECK_SECONDS
from workers.order.model import OrderStatus, SubOrderStatus, split_by_supplier


async def two_suppliers(w: World) -> tuple[str, str, str]:
    key = await w.routed("P1", ("A1", 2), ("B1", 1))
    sub_a, sub_b = w.sub_orders(key)
    return key, sub_a.id, sub_b.id


async def test_shipping_one_of_two_sub_orders_commits_its_stock_and_syncs_but_the_order_waits() -> None:
    w = World()
    key, sub_a, sub_b = await two_suppliers(w)
    out = await w.ship(sub_a, "sup_a", tracking_no="SF-A")
    assert out == [
        CommitStock(
            correlation_id=key,
            order_key=key,
            sub_order_id=sub_a,
            lines=[StockLine(sku="A1", qty=2)],
            occurred_at=out[0].occurred_at,
        ),
        DeliverShipment(
            correlation_id=key, order_key=key, sub_order_id=sub_a, occurred_at=out[1].occurred_at
        ),
        SubOrderShipped(
            correlation_id=key,
            order_key=key,
            sub_order_id=sub_a,
            supplier_id="sup_a",
            merchant_id="m1",
            occurred_at=out[2].occurred_at,
        ),
    ]
    order = w.order(key)
    assert (order.status, order.awaiting_shipment) == ("routed", [sub_b])
    shipped = w.orders.sub_orders[sub_a]
    assert shipped.status == SubOrderStatus.SHIPPED
    assert shipped.shipment is not None
    assert (shipped.shipment.carrier, shipped.shipment.tracking_no) == ("SF", "SF-A")
    assert order.events[-1].data["tracking_no"] == "SF-A"


async def test_the_last_shipment_ships_the_order_once_and_a_repeat_says_so_again() -> None:
    """Regression: a repeat did not say OrderShipped, which a crash before the first publish lost."""
    w = World()
    key, sub_a, sub_b = await two_suppliers(w)
    await w.ship(sub_a, "sup_a")
    out = await w.ship(sub_b, "sup_b")
    assert [type(m) for m in out] == [CommitStock, DeliverShipment, SubOrderShipped, OrderShipped]
    order = w.order(key)
    assert (order.status, order.awaiting_shipment, order.shipped_at is not None) == ("shipped", [], True)
    again = await w.ship(sub_b, "sup_b")
    assert [type(m) for m in again] == [CommitStock, DeliverShipment, SubOrderShipped, OrderShipped]
    assert [m.message_id for m in again] == [m.message_id for m in out]
    assert w.log(key).count("shipped") == 1
    assert w.log(key).count("sub_order_shipped") == 2


async def test_accepting_logs_it_once_on_the_order() -> None:
    w = World()
    key, sub_a, _ = await two_suppliers(w)
    assert await w.accept(sub_a, "sup_a") == []
    assert await w.accept(sub_a, "sup_a") == []
    assert w.orders.sub_orders[sub_a].status == SubOrderStatus.ACCEPTED
    assert w.log(key).count("sub_order_accepted") == 1


async def test_another_suppliers_accept_or_shipment_changes_nothing() -> None:
    w = World()
    key, sub_a, _ = await two_suppliers(w)
    assert await w.accept(sub_a, "sup_b") == []
    assert await w.ship(sub_a, "sup_b") == []
    sub = w.orders.sub_orders[sub_a]
    assert (sub.status, sub.shipment, sub.accepted_at) == (SubOrderStatus.ROUTED, None, None)
    assert w.log(key) == ["received", "reserved", "paid", "routed"]


async def test_a_shipment_needs_no_acceptance_first() -> None:
    w = World()
    _, sub_a, _ = await two_suppliers(w)
    assert len(await w.ship(sub_a, "sup_a")) == 3
    assert w.orders.sub_orders[sub_a].status == SubOrderStatus.SHIPPED


async def test_an_accept_after_the_shipment_is_refused_and_the_sub_order_stays_shipped() -> None:
    w = World()
    key, sub_a, _ = await two_suppliers(w)
    await w.ship(sub_a, "sup_a")
    assert await w.accept(sub_a, "sup_a") == []
    assert w.orders.sub_orders[sub_a].status == SubOrderStatus.SHIPPED
    assert "sub_order_accepted" not in w.log(key)


async def test_an_unknown_sub_order_is_refused() -> None:
    w = World()
    assert await w.accept("so_nope", "sup_a") == []
    assert await w.ship("so_nope", "sup_a") == []
    assert w.orders.sub_orders == {}


async def test_a_shipment_before_its_order_is_marked_routed_is_looked_at_again() -> None:
    """The supplier ships in the instant between the sub-order being stored and the order being
    marked routed: the order must still reach shipped, through a recheck, not stay routed."""
    w = World()
    key = order_key("P-race")
    await w.place("P-race", ("A1", 1))
    await w.reserved(key)
    order = w.order(key)
    planned = split_by_supplier(order, {}, utcnow())
    await w.orders.add_sub_orders(planned)  # routing stored its sub-orders, then paused here
    [sub] = planned

    early = await w.ship(sub.id, "sup_a")
    assert len(early) == 1
    assert isinstance(early[0], Later)
    assert early[0].seconds == ROUTING_RECHECK_SECONDS
    assert w.order(key).status == OrderStatus.RESERVED
    assert "sub_order_shipped" not in w.log(key)

    await w.debited(key)  # routing goes on and marks the order routed, awaiting the sub-order
    recheck = early[0].message
    assert isinstance(recheck, ShipSubOrder)
    again = await shipping.ship_sub_order(recheck, deps=w.saga)
    assert [type(m).__name__ for m in again] == [
        "CommitStock",
        "DeliverShipment",
        "SubOrderShipped",
        "OrderShipped",
    ]
    assert w.order(key).status == OrderStatus.SHIPPED
    assert w.log(key).count("sub_order_shipped") == 1
