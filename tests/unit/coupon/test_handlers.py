"""The coupon handlers on the in-memory twin: issue limits, the lock under contention, redeem
and give back (each idempotent), and the budget they move."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from datetime import UTC, datetime

import pytest

from schemas.coupon import (
    ApplyCoupon,
    CouponLine,
    CreateChannel,
    CreateTemplate,
    IssueCoupon,
    IssueCoupons,
    ReleaseCoupon,
)
from schemas.events import OrderClosed, OrderRouted
from workers.coupon.handlers import apply, issue, settle, setup
from workers.coupon.memory import MemoryCoupons
from workers.coupon.model import Coupon, CouponStatus, Hold


class NoCategories:
    async def sku_categories(self, skus: list[str]) -> Mapping[str, frozenset[str]]:
        return {}


async def world(budget: int = 1000, off: int = 600, quantity: int = 10, limit: int = 1) -> MemoryCoupons:
    repo = MemoryCoupons()
    await setup.create_channel(
        CreateChannel(correlation_id="c", channel_id="ch", name="n", budget=budget), repo=repo
    )
    template = CreateTemplate(
        correlation_id="t",
        template_id="t",
        channel_id="ch",
        name="n",
        terms={"kind": "amount", "amount_off": off},  # type: ignore[arg-type]
        valid_to=datetime(2099, 1, 1, tzinfo=UTC),
        quantity=quantity,
        per_merchant_limit=limit,
        published=True,
    )
    body, _ = await setup.create_template(template, repo=repo)
    assert "error" not in body
    return repo


async def give(repo: MemoryCoupons, merchant: str, ref: str = "r") -> dict[str, object]:
    cmd = IssueCoupon(correlation_id=ref, template_id="t", merchant_id=merchant, reference=ref)
    body, _ = await issue.issue_coupon(cmd, repo=repo)
    return body


def order(key: str, merchant: str = "m", cost: int = 1200) -> ApplyCoupon:
    line = CouponLine(sku="A", cost=cost, supplier_id="s")
    return ApplyCoupon(correlation_id=key, order_key=key, merchant_id=merchant, tier="standard", lines=[line])


async def lock(repo: MemoryCoupons, key: str, merchant: str = "m") -> tuple[str | None, int, str | None]:
    [answer] = await apply.apply_coupon(order(key, merchant), deps=apply.ApplyDeps(repo, NoCategories()))
    return answer.coupon_id, answer.discount, answer.reason


async def test_the_per_merchant_limit_and_the_quantity_are_never_exceeded() -> None:
    repo = await world(quantity=3, limit=2)
    assert (await give(repo, "m", "a"))["id"] == "t:m:1"
    assert (await give(repo, "m", "a"))["id"] == "t:m:1"  # the same reference again
    assert (await give(repo, "m", "b"))["id"] == "t:m:2"
    assert await give(repo, "m", "c") == {
        "error": {"code": "conflict", "message": "limit_reached: template t"}
    }
    assert (await give(repo, "n", "a"))["id"] == "t:n:1"
    assert await give(repo, "o", "a") == {"error": {"code": "conflict", "message": "sold_out: template t"}}
    assert (repo.templates["t"].issued, len(repo.coupons)) == (3, 3)


async def test_an_issue_the_remaining_budget_cannot_pay_is_refused() -> None:
    repo = await world(budget=500, off=600)
    assert await give(repo, "m") == {"error": {"code": "conflict", "message": "budget_exhausted: template t"}}
    assert (repo.coupons, repo.templates["t"].issued) == ({}, 0)


async def test_concurrent_orders_lock_one_single_use_coupon_once() -> None:
    repo = await world()
    await give(repo, "m")
    answers = await asyncio.gather(*(lock(repo, f"o{i}") for i in range(50)))
    assert sorted(a for a in answers if a[0]) == [("t:m:1", 600, None)]
    assert repo.coupons["t:m:1"].order_key is not None
    channel = repo.channels["ch"]
    assert (channel.remaining, channel.spent, [h.amount for h in channel.holds]) == (400, 0, [600])


async def test_a_repeated_lock_answers_the_same_coupon_and_holds_once() -> None:
    repo = await world()
    await give(repo, "m")
    assert await lock(repo, "o1") == ("t:m:1", 600, None)
    assert await lock(repo, "o1") == ("t:m:1", 600, None)
    assert repo.channels["ch"].remaining == 400


async def test_a_lock_the_budget_cannot_cover_gives_nothing_and_says_why() -> None:
    repo = await world(budget=1000)
    await give(repo, "m")
    await give(repo, "n")
    assert await lock(repo, "o1", "m") == ("t:m:1", 600, None)
    assert await lock(repo, "o2", "n") == (None, 0, "budget_exhausted")
    assert repo.coupons["t:n:1"].status == CouponStatus.AVAILABLE


def routed(key: str) -> OrderRouted:
    return OrderRouted(correlation_id=key, order_key=key, merchant_id="m", coupon_id="t:m:1")


def closed(key: str) -> OrderClosed:
    return OrderClosed(correlation_id=key, order_key=key, merchant_id="m", status="rejected")


async def test_redeem_spends_the_hold_once() -> None:
    repo = await world()
    await give(repo, "m")
    await lock(repo, "o1")
    await settle.on_order_routed(routed("o1"), repo=repo)
    await settle.on_order_routed(routed("o1"), repo=repo)
    channel = repo.channels["ch"]
    assert (channel.spent, channel.remaining, channel.holds) == (600, 400, [])
    assert repo.coupons["t:m:1"].status == CouponStatus.USED


@pytest.mark.parametrize("paid", [False, True])
async def test_give_back_returns_coupon_and_budget_once_locked_or_used(paid: bool) -> None:
    repo = await world()
    await give(repo, "m")
    await lock(repo, "o1")
    if paid:
        await settle.on_order_routed(routed("o1"), repo=repo)
    await settle.on_order_closed(closed("o1"), repo=repo)
    await settle.release_coupon(ReleaseCoupon(correlation_id="o1", order_key="o1"), repo=repo)
    channel = repo.channels["ch"]
    assert (channel.spent, channel.remaining, channel.holds, channel.returns) == (0, 1000, [], [])
    coupon = repo.coupons["t:m:1"]
    assert (coupon.status, coupon.order_key, coupon.discount) == (CouponStatus.AVAILABLE, None, 0)
    assert channel.violations(0) == []


async def test_a_redeem_arriving_after_the_give_back_changes_nothing() -> None:
    repo = await world()
    await give(repo, "m")
    await lock(repo, "o1")
    await settle.on_order_closed(closed("o1"), repo=repo)
    await settle.on_order_routed(routed("o1"), repo=repo)
    channel = repo.channels["ch"]
    assert (channel.spent, channel.remaining, repo.coupons["t:m:1"].status) == (
        0,
        1000,
        CouponStatus.AVAILABLE,
    )


async def test_a_hold_left_by_a_crash_before_the_lock_is_resumed_by_the_repeat() -> None:
    repo = await world()
    await give(repo, "m")
    coupon = repo.coupons["t:m:1"]
    await repo.hold("ch", Hold(coupon_id=coupon.id, order_key="o1", amount=600))
    assert await lock(repo, "o1") == ("t:m:1", 600, None)
    assert (repo.channels["ch"].remaining, len(repo.channels["ch"].holds)) == (400, 1)


class Directory:
    def __init__(self, merchants: list[str]) -> None:
        self.merchants = merchants

    async def merchant_ids_of_tier(self, tier: str, after: str | None, limit: int) -> list[str]:
        return [m for m in self.merchants if after is None or m > after][:limit]


@pytest.mark.parametrize("by_tier", [True, False])
async def test_a_fan_out_sends_one_issue_per_merchant_a_page_at_a_time(by_tier: bool) -> None:
    merchants = [f"m{i:03d}" for i in range(issue.FAN_OUT_PAGE + 5)]
    target = {"tier": "gold"} if by_tier else {"merchant_ids": list(reversed(merchants))}
    first = IssueCoupons(correlation_id="i", issue_id="i", template_id="t", **target)  # type: ignore[arg-type]
    deps = issue.FanOutDeps(Directory(merchants))
    sent = await issue.issue_many(first, deps=deps)
    *page, following = sent
    assert [m.merchant_id for m in page if isinstance(m, IssueCoupon)] == merchants[: issue.FAN_OUT_PAGE]
    assert isinstance(following, IssueCoupons)
    assert following.after == merchants[issue.FAN_OUT_PAGE - 1]
    assert following.merchant_ids == ([] if by_tier else merchants[issue.FAN_OUT_PAGE :])
    last = await issue.issue_many(following, deps=deps)
    assert [m.merchant_id for m in last if isinstance(m, IssueCoupon)] == merchants[issue.FAN_OUT_PAGE :]
    assert not any(isinstance(m, IssueCoupons) for m in last)
    assert {m.reference for m in [*page, *last] if isinstance(m, IssueCoupon)} == {"issue:i"}
    repeat = await issue.issue_many(first, deps=deps)  # the same messages (ids) again
    assert [m.message_id for m in repeat] == [m.message_id for m in sent]


async def test_an_issue_left_half_done_by_a_dead_attempt_is_taken_over_by_its_repeat(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The first attempt claimed the slot and died; the repeat waits, takes it over, finishes."""
    monkeypatch.setattr(issue, "WAIT_SECONDS", 0)
    repo = await world(quantity=2)
    template = repo.templates["t"]
    start, end = template.validity(datetime(2026, 5, 1, tzinfo=UTC))
    half_done = Coupon(
        id="t:m:1",
        template_id="t",
        channel_id="ch",
        merchant_id="m",
        reference="a",
        terms=template.terms,
        valid_from=start,
        valid_to=end,
        issued_at=start,
        status=CouponStatus.ISSUING,
        owner="gone",
    )
    assert await repo.insert_coupon(half_done)
    answer = await give(repo, "m", "a")
    assert (answer["id"], answer["status"]) == ("t:m:1", "available")
    stored = repo.coupons["t:m:1"]
    assert (stored.status, stored.owner, repo.templates["t"].issued) == (CouponStatus.AVAILABLE, None, 1)
