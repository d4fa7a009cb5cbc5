"""The saga step by step on the in-memory twins: place, reserve, pay, route; refusals at pricing."""

from __future__ import annotations

import pytest

from juhe.outgoing import Later
from schemas.commands import DebitWallet, ExpireFundsHold, PushSubOrder, ReleaseStock, ReserveStock
from schemas.common import StockLine
from schemas.events import OrderClosed, OrderRouted, Sale, SoldLine
from tests.unit.order.world import FUNDS_HOLD_SECONDS, RECEIVED_AT, World, order_key
from workers.order.model import OrderStatus, SubOrderStatus, sub_order_id


async def test_a_placed_order_is_priced_at_the_merchants_tier_and_asks_for_its_stock() -> None:
    w = World()
    [reserve] = await w.place("P1", ("A1", 2), ("B1", 1), merchant="m2")
    key = order_key("P1")
    order = w.order(key)
    assert (order.status, order.tier, order.total_cost, order.charged) == (
        "received",
        "gold",
        2 * 800 + 2500,
        4100,
    )
    assert [(ln.sku, ln.unit_cost, ln.supplier_id) for ln in order.lines] == [
        ("A1", 800, "sup_a"),
        ("B1", 2500, "sup_b"),
    ]
    assert isinstance(reserve, ReserveStock)
    assert reserve.then_debit is not None
    assert reserve == ReserveStock(
        correlation_id=key,
        order_key=key,
        lines=[StockLine(sku="A1", qty=2), StockLine(sku="B1", qty=1)],
        # carried on to the wallet once the stock is held: no StockReserved to the order first
        then_debit=DebitWallet(
            correlation_id=key,
            order_key=key,
            merchant_id="m2",
            amount=4100,
            occurred_at=reserve.then_debit.occurred_at,
        ),
        occurred_at=reserve.occurred_at,
    )
    assert w.log(key) == ["received"]


async def test_paid_straight_from_received_logs_the_reservation_and_routes() -> None:
    """The wallet's answer to a debit the reservation carried on is the first the order hears."""
    w = World()
    await w.place("P1", ("A1", 2), merchant="m2")
    key = order_key("P1")
    out = await w.debited(key)
    assert w.order(key).status == "routed"
    assert w.log(key) == ["received", "reserved", "paid", "routed"]
    assert [type(m).__name__ for m in out][-1] == "OrderRouted"


async def test_refused_straight_from_received_logs_the_reservation_and_waits() -> None:
    w = World()
    await w.place("P1", ("A1", 2), merchant="m2")
    key = order_key("P1")
    [later] = await w.insufficient(key)
    assert w.order(key).status == "awaiting_funds"
    assert w.log(key) == ["received", "reserved", "awaiting_funds"]
    assert type(later).__name__ == "Later"


@pytest.mark.parametrize(
    ("sku", "merchant", "reason"),
    [
        ("NOPE", "m1", "unknown_sku"),
        ("DELISTED", "m1", "unknown_sku"),
        ("GOLD-ONLY", "m1", "no_price_for_tier"),
    ],
)
async def test_an_order_that_cannot_be_priced_is_rejected_and_reserves_nothing(
    sku: str, merchant: str, reason: str
) -> None:
    """Unknown SKU, unlisted SKU, no price for the merchant's tier: rejected at once, no ReserveStock."""
    w = World()
    assert await w.place("P1", ("A1", 1), (sku, 1), merchant=merchant) == []
    order = w.order(order_key("P1"))
    assert (order.status, order.reason, order.total_cost) == ("rejected", reason, 0)
    assert [(e.type, e.data) for e in order.events][1:] == [("rejected", {"reason": reason, "sku": sku})]
    assert [(ln.sku, ln.unit_cost) for ln in order.lines] == [("A1", None), (sku, None)]


async def test_stock_reserved_moves_the_order_to_reserved_and_asks_for_the_money() -> None:
    w = World()
    await w.place("P1", ("A1", 3))
    key = order_key("P1")
    [debit] = await w.reserved(key)
    assert isinstance(debit, DebitWallet)
    assert (debit.order_key, debit.merchant_id, debit.amount) == (key, "m1", 3000)
    assert (w.order(key).status, w.log(key)) == ("reserved", ["received", "reserved"])


async def test_stock_rejected_rejects_the_order_naming_the_sku_and_announces_it_closed() -> None:
    w = World()
    await w.place("P1", ("A1", 3))
    key = order_key("P1")
    [closed] = await w.stock_rejected(key, sku="A1")
    assert closed == OrderClosed(
        correlation_id=key,
        order_key=key,
        merchant_id="m1",
        status="rejected",
        reason="out_of_stock",
        occurred_at=closed.occurred_at,
    )
    order = w.order(key)
    assert (order.status, order.reason) == ("rejected", "out_of_stock")
    assert order.events[-1].data == {"reason": "out_of_stock", "sku": "A1"}


async def test_insufficient_funds_holds_the_stock_and_schedules_the_expiry() -> None:
    w = World()
    await w.place("P1", ("A1", 1))
    key = order_key("P1")
    await w.reserved(key)
    [later] = await w.insufficient(key, balance=200)
    assert isinstance(later, Later)
    assert isinstance(later.message, ExpireFundsHold)
    assert (later.seconds, later.message.order_key) == (FUNDS_HOLD_SECONDS, key)
    order = w.order(key)
    assert (order.status, order.awaiting_since is not None) == ("awaiting_funds", True)
    assert order.events[-1].data == {"amount": 1000, "balance": 200}


async def test_payment_routes_one_sub_order_per_supplier_awaiting_each_shipment() -> None:
    w = World()
    await w.place("P1", ("A1", 2), ("B1", 1), ("A2", 1))
    key = order_key("P1")
    await w.reserved(key)
    out = await w.debited(key, balance_after=500)
    subs = w.sub_orders(key)
    assert [(s.id, s.supplier_id, s.account_id, s.status) for s in subs] == [
        (sub_order_id(key, "sup_a"), "sup_a", None, SubOrderStatus.ROUTED),
        (sub_order_id(key, "sup_b"), "sup_b", None, SubOrderStatus.ROUTED),
    ]
    assert [[(ln.sku, ln.qty) for ln in s.lines] for s in subs] == [[("A1", 2), ("A2", 1)], [("B1", 1)]]
    assert out == [
        OrderRouted(
            correlation_id=key,
            order_key=key,
            merchant_id="m1",
            sub_order_ids=[s.id for s in subs],
            charged=5500,
            occurred_at=out[0].occurred_at,
            sale=Sale(
                platform="generic",
                shop_id="shop1",
                received_at=RECEIVED_AT,
                lines=[
                    SoldLine(sku="A1", qty=2, unit_price=1990, supplier_id="sup_a", charge=2000, discount=0),
                    SoldLine(sku="B1", qty=1, unit_price=1990, supplier_id="sup_b", charge=3000, discount=0),
                    SoldLine(sku="A2", qty=1, unit_price=1990, supplier_id="sup_a", charge=500, discount=0),
                ],
            ),
        )
    ]
    order = w.order(key)
    assert (order.status, order.awaiting_shipment) == (OrderStatus.ROUTED, [s.id for s in subs])
    assert w.log(key) == ["received", "reserved", "paid", "routed"]
    assert order.events[2].data == {"amount": 5500, "balance_after": 500}


async def test_the_most_specific_rule_chooses_the_account_and_only_webhook_ones_are_pushed() -> None:
    """sup_a routes m2 by its own rule to a webhook account; sup_b by tier to a pull account."""
    w = World()
    w.accounts.add_account("acc_erp", "sup_a", webhook_url="http://erp.test/in")
    w.accounts.add_account("acc_gold_a", "sup_a", webhook_url="http://gold.test/in")
    w.accounts.add_account("acc_pull", "sup_b")
    w.accounts.route(
        "sup_a",
        {"default": True, "account_id": "acc_gold_a"},
        {"tier": "gold", "account_id": "acc_gold_a"},
        {"merchant_id": "m2", "account_id": "acc_erp"},
    )
    w.accounts.route("sup_b", {"tier": "gold", "account_id": "acc_pull"})
    key = order_key("P1")
    await w.place("P1", ("A1", 1), ("B1", 1), merchant="m2")
    await w.reserved(key)
    out = await w.debited(key)
    subs = w.sub_orders(key)
    assert [(s.supplier_id, s.account_id) for s in subs] == [("sup_a", "acc_erp"), ("sup_b", "acc_pull")]
    assert [type(m).__name__ for m in out] == ["PushSubOrder", "OrderRouted"]
    assert out[0] == PushSubOrder(
        correlation_id=key, order_key=key, sub_order_id=subs[0].id, occurred_at=out[0].occurred_at
    )


async def test_an_unrouted_sub_order_is_pushed_when_its_supplier_takes_webhooks() -> None:
    w = World()
    w.accounts.add_supplier("sup_b", webhook_url="http://erp-b.test/in")
    key = order_key("P1")
    await w.place("P1", ("A1", 1), ("B1", 1))
    await w.reserved(key)
    out = await w.debited(key)
    assert [type(m).__name__ for m in out] == ["PushSubOrder", "OrderRouted"]
    assert isinstance(out[0], PushSubOrder)
    assert (out[0].sub_order_id, out[0].attempt) == (sub_order_id(key, "sup_b"), 1)


async def test_a_funds_hold_expires_to_rejected_and_releases_the_stock() -> None:
    w = World()
    key = order_key("P1")
    await w.place("P1", ("A1", 2))
    await w.reserved(key)
    await w.insufficient(key)
    release, closed = await w.expired(key)
    assert release == ReleaseStock(
        correlation_id=key,
        order_key=key,
        lines=[StockLine(sku="A1", qty=2)],
        reason="insufficient_funds",
        occurred_at=release.occurred_at,
    )
    assert (closed, closed.status, closed.reason) == (
        OrderClosed(
            correlation_id=key,
            order_key=key,
            merchant_id="m1",
            status="rejected",
            reason="insufficient_funds",
            occurred_at=closed.occurred_at,
        ),
        "rejected",
        "insufficient_funds",
    )
    order = w.order(key)
    assert (order.status, order.reason) == ("rejected", "insufficient_funds")
    assert w.log(key) == ["received", "reserved", "awaiting_funds", "rejected"]
