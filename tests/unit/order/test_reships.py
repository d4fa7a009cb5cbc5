"""Replacement orders (补单): only shipped units, at most once each over all reships, routed to
the original's account with no debit unless the operator charges it, linked both ways."""

from __future__ import annotations

import json

from juhe.outgoing import Outgoing
from schemas.commands import CommitStock, DebitWallet, DeliverShipment, PushSubOrder, ReserveStock
from schemas.common import StockLine
from schemas.events import OrderRouted
from schemas.reship import ReshipOpened
from tests.unit.order.reship_world import ReshipWorld
from tests.unit.order.test_deliveries import answering
from workers.order.handlers.deliveries import deliver_shipment, push_sub_order
from workers.order.model import LogEntry, OrderStatus
from workers.order.model.reships import account_refusal, line_suppliers, reship_key, reship_refusal


def kinds(out: list[Outgoing]) -> list[str]:
    return [type(m).__name__ for m in out]


async def test_a_free_reship_is_reserved_then_routed_to_the_original_account_with_no_debit() -> None:
    w = ReshipWorld()
    w.accounts.add_account("acc_a", "sup_a")
    w.accounts.route("sup_a", {"default": True, "account_id": "acc_a"})
    key = await w.shipped("P-1", ("A1", 2), ("A2", 1))
    w.accounts.route("sup_a", {"default": True, "account_id": "acc_other"})  # changed since: not used

    opened = await w.open(key, "r1", ("A1", 1), reason="missing_item")
    rkey = reship_key(key, "r1")
    assert kinds(opened) == ["ReserveStock", "ReshipOpened"]
    reserve, event = opened
    assert isinstance(reserve, ReserveStock)
    assert (reserve.order_key, reserve.lines) == (rkey, [StockLine(sku="A1", qty=1)])
    assert isinstance(event, ReshipOpened)
    assert (event.order_key, event.reason, event.charged) == (key, "missing_item", 0)

    reship = w.order(rkey)
    assert (reship.status, reship.charged, reship.total_cost, reship.discount) == ("received", 0, 1000, 0)
    assert reship.reship is not None
    assert (reship.reship.order_key, reship.reship.accounts) == (key, {"sup_a": "acc_a"})
    assert reship.platform_order_id == "P-1"
    assert [c.key for c in w.order(key).reships] == [rkey]
    assert w.log(key)[-1] == "reship_opened"

    after_reserve = await w.reserved(rkey)
    assert kinds(after_reserve) == ["RouteReship"]
    routed = await w.route_free(rkey)
    assert kinds(routed) == ["OrderRouted"]
    assert isinstance(routed[0], OrderRouted)
    assert routed[0].charged == 0
    [sub] = w.sub_orders(rkey)
    assert (sub.account_id, sub.reship_of, sub.reship_reason) == ("acc_a", key, "missing_item")
    assert [(line.sku, line.qty) for line in sub.lines] == [("A1", 1)]
    assert w.log(rkey) == ["received", "reserved", "not_charged", "routed"]


async def test_a_reship_ships_like_any_order_and_commits_its_own_reservation() -> None:
    w = ReshipWorld()
    key = await w.shipped("P-1", ("A1", 2))
    rkey = await w.reship_routed(key, "r1", ("A1", 2))
    [sub] = w.sub_orders(rkey)
    out = await w.ship(sub.id, "sup_a", tracking_no="SF2")
    assert kinds(out) == ["CommitStock", "DeliverShipment", "SubOrderShipped", "OrderShipped"]
    commit, deliver = out[0], out[1]
    assert isinstance(commit, CommitStock)
    assert isinstance(deliver, DeliverShipment)
    assert (commit.order_key, deliver.order_key) == (rkey, rkey)
    assert w.order(rkey).status == OrderStatus.SHIPPED
    assert w.order(key).status == OrderStatus.SHIPPED


async def test_the_reshipped_quantity_over_all_reships_never_passes_the_shipped_quantity() -> None:
    w = ReshipWorld()
    key = await w.shipped("P-1", ("A1", 2))
    assert kinds(await w.open(key, "r1", ("A1", 1))) == ["ReserveStock", "ReshipOpened"]
    assert kinds(await w.open(key, "r2", ("A1", 1))) == ["ReserveStock", "ReshipOpened"]

    assert await w.open(key, "r3", ("A1", 1)) == []
    assert reship_key(key, "r3") not in w.orders.orders
    assert len(w.order(key).reships) == 2
    [refused] = [e for e in w.order(key).events if e.type == "reship_refused"]
    assert refused.data["reason"] == "lines[0]: 1 of A1 asked, only 0 shipped and not yet reshipped"


async def test_a_quantity_above_the_shipped_one_is_refused_naming_the_line() -> None:
    w = ReshipWorld()
    key = await w.shipped("P-1", ("A1", 2), ("A2", 1))
    order, subs = w.order(key), w.sub_orders(key)
    refusal = reship_refusal(order, subs, [StockLine(sku="A2", qty=1), StockLine(sku="A1", qty=3)])
    assert refusal is not None
    assert (refusal.kind, refusal.message) == (
        "invalid",
        "lines[1]: 3 of A1 asked, only 2 shipped and not yet reshipped",
    )
    twice = reship_refusal(order, subs, [StockLine(sku="A1", qty=2), StockLine(sku="A1", qty=1)])
    assert twice is not None
    assert twice.message.startswith("lines[1]: 3 of A1 asked")


async def test_an_order_with_nothing_shipped_cannot_be_reshipped() -> None:
    w = ReshipWorld()
    key = await w.routed("P-1", ("A1", 2))
    refusal = reship_refusal(w.order(key), w.sub_orders(key), [StockLine(sku="A1", qty=1)])
    assert refusal is not None
    assert refusal.kind == "conflict"
    assert await w.open(key, "r1", ("A1", 1)) == []
    assert w.order(key).reships == []


async def test_only_lines_of_shipped_sub_orders_are_eligible() -> None:
    w = ReshipWorld()
    key = await w.routed("P-1", ("A1", 1), ("B1", 1))
    sub_a = next(s for s in w.sub_orders(key) if s.supplier_id == "sup_a")
    await w.ship(sub_a.id, "sup_a")
    refusal = reship_refusal(w.order(key), w.sub_orders(key), [StockLine(sku="B1", qty=1)])
    assert refusal is not None
    assert (refusal.kind, refusal.message) == (
        "invalid",
        "lines[0]: B1 is not in a shipped sub-order of this order",
    )
    assert kinds(await w.open(key, "r1", ("A1", 1))) == ["ReserveStock", "ReshipOpened"]


async def test_a_reship_cannot_itself_be_reshipped() -> None:
    w = ReshipWorld()
    key = await w.shipped("P-1", ("A1", 1))
    rkey = await w.reship_routed(key, "r1", ("A1", 1))
    [sub] = w.sub_orders(rkey)
    await w.ship(sub.id, "sup_a")
    refusal = reship_refusal(w.order(rkey), w.sub_orders(rkey), [StockLine(sku="A1", qty=1)])
    assert refusal is not None
    assert refusal.kind == "conflict"
    assert key in refusal.message


async def test_the_same_reship_id_twice_is_one_reship_with_the_same_follow_ups() -> None:
    w = ReshipWorld()
    key = await w.shipped("P-1", ("A1", 2))
    first = await w.open(key, "r1", ("A1", 2))
    again = await w.open(key, "r1", ("A1", 2))
    assert [m.message_id for m in again] == [m.message_id for m in first]
    assert len(w.order(key).reships) == 1
    assert w.log(key).count("reship_opened") == 1


async def test_a_charged_reship_is_debited_exactly_its_lines_cost_and_routed_by_the_funds_path() -> None:
    w = ReshipWorld()
    key = await w.shipped("P-1", ("A1", 2), ("A2", 3))
    await w.open(key, "r1", ("A1", 1), ("A2", 2), by="operator", charge=True)
    rkey = reship_key(key, "r1")
    [debit] = await w.reserved(rkey)
    assert isinstance(debit, DebitWallet)
    assert (debit.order_key, debit.amount) == (rkey, 1000 + 2 * 500)
    assert await w.route_free(rkey) == []  # not the free path
    routed = await w.debited(rkey)
    assert isinstance(routed[-1], OrderRouted)
    assert routed[-1].charged == 2000
    assert w.order(rkey).status == OrderStatus.ROUTED


async def test_the_operator_may_send_a_reship_to_another_account_of_the_supplier() -> None:
    w = ReshipWorld()
    w.accounts.add_account("acc_erp", "sup_a", webhook_url="http://erp.test/push")
    key = await w.shipped("P-1", ("A1", 1))
    await w.open(key, "r1", ("A1", 1), by="operator", account_id="acc_erp")
    rkey = reship_key(key, "r1")
    await w.reserved(rkey)
    out = await w.route_free(rkey)
    assert kinds(out) == ["PushSubOrder", "OrderRouted"]
    assert isinstance(out[0], PushSubOrder)
    [sub] = w.sub_orders(rkey)
    assert sub.account_id == "acc_erp"
    assert [s.account_id for s in w.sub_orders(key)] == [None]


async def test_a_reship_refused_stock_is_rejected_on_both_and_frees_its_units() -> None:
    w = ReshipWorld()
    key = await w.shipped("P-1", ("A1", 1))
    await w.open(key, "r1", ("A1", 1), reason="lost")
    rkey = reship_key(key, "r1")
    assert kinds(await w.stock_rejected(rkey)) == ["OrderClosed"]
    assert await w.closed(rkey) == []
    assert await w.closed(rkey) == []  # a repeat logs nothing twice
    assert (w.order(rkey).status, w.order(rkey).reason) == ("rejected", "out_of_stock")
    [claim] = w.order(key).reships
    assert claim.rejected == "out_of_stock"
    assert w.log(key).count("reship_rejected") == 1
    assert kinds(await w.open(key, "r2", ("A1", 1))) == ["ReserveStock", "ReshipOpened"]


async def test_a_claim_on_a_stale_view_of_the_original_is_refused_by_the_store() -> None:
    w = ReshipWorld()
    key = await w.shipped("P-1", ("A1", 2))
    await w.open(key, "r1", ("A1", 1))
    stale = w.order(key).reships[0].model_copy(update={"key": reship_key(key, "r2"), "reship_id": "r2"})
    entry = LogEntry.of("reship_opened", stale.at)
    assert await w.reship_store.claim(key, stale, 0, entry) is False
    assert await w.reship_store.claim(key, stale, 1, entry) is True
    assert await w.reship_store.claim(key, stale, 2, entry) is False  # its key is there now


async def test_route_reship_ignores_an_order_that_is_charged_or_not_a_reship() -> None:
    w = ReshipWorld()
    key = await w.routed("P-1", ("A1", 1))
    assert await w.route_free(key) == []
    assert w.order(key).status == OrderStatus.ROUTED
    assert w.log(key).count("routed") == 1


async def test_the_supplier_push_and_the_shop_sync_show_the_reship_of_the_platform_order() -> None:
    w = ReshipWorld()
    w.accounts.add_account("acc_erp", "sup_a", webhook_url="http://erp.test/push")
    key = await w.shipped("P-1", ("A1", 1))
    await w.open(key, "r1", ("A1", 1), by="operator", account_id="acc_erp", reason="wrong_item")
    rkey = reship_key(key, "r1")
    await w.reserved(rkey)
    [push, _] = await w.route_free(rkey)
    assert isinstance(push, PushSubOrder)
    calls: list[tuple[str, bytes]] = []
    await push_sub_order(push, deps=w.deliveries(answering(200, calls)))
    [sub] = w.sub_orders(rkey)
    await w.ship(sub.id, "sup_a")
    sync = DeliverShipment(correlation_id=rkey, order_key=rkey, sub_order_id=sub.id)
    await deliver_shipment(sync, deps=w.deliveries(answering(200, calls)))
    pushed, synced = (json.loads(body) for _, body in calls)
    assert (pushed["reship_of"], pushed["reship_reason"]) == (key, "wrong_item")
    assert synced["order_id"] == "P-1"
    assert synced["reship"] == {"reship_id": "r1", "reason": "wrong_item"}


async def test_an_operator_account_must_belong_to_the_one_supplier_of_the_lines() -> None:
    w = ReshipWorld()
    key = await w.shipped("P-1", ("A1", 1), ("B1", 1))
    order = w.order(key)
    both = line_suppliers(order, [StockLine(sku="A1", qty=1), StockLine(sku="B1", qty=1)])
    two = account_refusal(both, "acc_a", {"acc_a"})
    assert two is not None
    assert two.message == "account_id: the lines are of 2 suppliers; open one reship each"
    one = line_suppliers(order, [StockLine(sku="A1", qty=1)])
    foreign = account_refusal(one, "acc_b", {"acc_a"})
    assert foreign is not None
    assert foreign.message == "account_id: acc_b is not an account of supplier sup_a"
    assert account_refusal(one, "acc_a", {"acc_a"}) is None


async def test_a_charged_reship_whose_funds_hold_expires_frees_its_units() -> None:
    w = ReshipWorld()
    key = await w.shipped("P-1", ("A1", 1))
    await w.open(key, "r1", ("A1", 1), by="operator", charge=True)
    rkey = reship_key(key, "r1")
    await w.reserved(rkey)
    await w.insufficient(rkey)
    assert kinds(await w.expired(rkey)) == ["ReleaseStock", "OrderClosed"]
    await w.closed(rkey)
    [claim] = w.order(key).reships
    assert claim.rejected == "insufficient_funds"
    assert w.sub_orders(rkey) == []


async def test_an_ordinary_order_closing_touches_no_reship() -> None:
    w = ReshipWorld()
    await w.place("P-1", ("A1", 1))
    order_key = "generic:shop1:P-1"
    await w.stock_rejected(order_key)
    events_before = list(w.order(order_key).events)
    assert await w.closed(order_key) == []
    assert w.order(order_key).events == events_before
