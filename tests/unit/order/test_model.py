"""The order model's rules: which account a sub-order goes to, the split by supplier, which
moves a sub-order allows (the edge's early 409 asks the same table)."""

from __future__ import annotations

import pytest

from schemas.envelope import utcnow
from schemas.supplier_accounts import RoutingRule
from tests.unit.order.world import place_order
from workers.order.model import (
    Order,
    OrderLine,
    Pricing,
    SubOrderAction,
    SubOrderStatus,
    choose_account,
    covers_lines_once,
    may_request,
    split_by_supplier,
)

RULES = [
    RoutingRule(default=True, account_id="acc_default"),
    RoutingRule(tier="gold", account_id="acc_gold"),
    RoutingRule(merchant_id="m1", account_id="acc_m1"),
]


@pytest.mark.parametrize(
    ("merchant", "tier", "account"),
    [("m1", "gold", "acc_m1"), ("m2", "gold", "acc_gold"), ("m2", "standard", "acc_default")],
)
def test_merchant_beats_tier_beats_default(merchant: str, tier: str, account: str) -> None:
    assert choose_account(RULES, merchant, tier) == account


def priced_order(*lines: tuple[str, int, str]) -> Order:
    cmd = place_order("1", *((sku, qty) for sku, qty, _ in lines))
    priced = [
        OrderLine(sku=sku, qty=qty, unit_price=1990, unit_cost=100, supplier_id=supplier)
        for sku, qty, supplier in lines
    ]
    return Order.received(cmd, Pricing(lines=priced), "standard", [], utcnow())


def test_no_matching_rule_leaves_the_sub_order_with_the_supplier_itself() -> None:
    assert choose_account([RoutingRule(tier="gold", account_id="a")], "m1", "standard") is None
    order = priced_order(("A", 1, "sup1"), ("B", 2, "sup2"))
    now = utcnow()
    subs = split_by_supplier(order, {"sup1": "acc_1"}, now)
    assert [(s.supplier_id, s.account_id) for s in subs] == [("sup1", "acc_1"), ("sup2", None)]
    # ids stay per supplier
    assert [s.id for s in subs] == [s.id for s in split_by_supplier(order, {}, now)]


def test_the_audit_rule_wants_every_line_in_exactly_one_sub_order() -> None:
    order = priced_order(("A", 1, "sup1"), ("B", 2, "sup2"), ("C", 1, "sup2"))
    subs = split_by_supplier(order, {}, utcnow())
    assert covers_lines_once(order, subs)
    assert not covers_lines_once(order, subs[:1])  # sup2's lines are nowhere
    assert not covers_lines_once(order, [*subs, subs[0]])  # sup1's line twice


def test_an_unpriced_order_cannot_be_split() -> None:
    cmd = place_order("1", ("A", 1))
    order = Order.received(cmd, Pricing(rejection="unknown_sku", bad_sku="A"), "standard", [], utcnow())
    with pytest.raises(ValueError, match="unpriced"):
        split_by_supplier(order, {}, utcnow())


R, A, S, C = SubOrderStatus.ROUTED, SubOrderStatus.ACCEPTED, SubOrderStatus.SHIPPED, SubOrderStatus.CANCELLED


@pytest.mark.parametrize(
    ("action", "status", "allowed"),
    [
        (SubOrderAction.ACCEPT, R, True),
        (SubOrderAction.ACCEPT, A, True),  # a repeat is harmless
        (SubOrderAction.ACCEPT, S, False),
        (SubOrderAction.SHIP, R, True),  # no acceptance needed first
        (SubOrderAction.SHIP, A, True),
        (SubOrderAction.SHIP, S, True),  # a repeat is harmless: the first shipment stays
        (SubOrderAction.ACCEPT, C, False),
        (SubOrderAction.SHIP, C, False),
    ],
)
def test_which_requests_a_sub_order_allows(
    action: SubOrderAction, status: SubOrderStatus, allowed: bool
) -> None:
    assert may_request(action, status) is allowed


def test_a_stored_order_line_omits_what_it_does_not_have() -> None:
    """A line of an order refused at pricing is stored (and shown) without cost or supplier."""
    assert OrderLine(sku="A", qty=1, unit_price=5).model_dump() == {"sku": "A", "qty": 1, "unit_price": 5}
