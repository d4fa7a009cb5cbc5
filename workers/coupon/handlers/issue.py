"""Issuing coupons: to one merchant (the operator's issue, or a merchant's claim 领取), and the
fan-out to a tier or a list, a page of merchants per message so no request waits on thousands.

Issuing takes nothing from the channel's budget (the budget is taken when an order locks a
coupon, see `apply`): an issue is refused only when the channel could not pay this one coupon
now. The coupon first claims the merchant's first free slot (`<template>:<merchant>:<slot>`,
slot ≤ the per-merchant limit) as `issuing`, unique by reference too; then the template's
quantity is taken with a conditional count, and the coupon becomes available (or is dropped:
sold out). Neither the quantity nor the limit can be exceeded under any concurrency; a crash
between taking the quantity and finishing can only leave the template under-issued by one.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from datetime import datetime

from juhe.replies import Reply, ok, refuse
from schemas.coupon import CouponIssueRefused, IssueCoupon, IssueCoupons
from schemas.envelope import Message
from workers.coupon.handlers.ports import CouponRepository, MerchantDirectory
from workers.coupon.model import (
    LIMIT_REACHED,
    NOT_FOUND,
    NOT_PUBLISHED,
    SOLD_OUT,
    Coupon,
    CouponStatus,
    IssueRefusal,
    Template,
    coupon_id,
    issue_refusal,
    stored_now,
)

#: Merchants per fan-out message.
FAN_OUT_PAGE = 200
#: How long a repeat of an issue waits for the attempt already issuing it (40 x 50 ms).
WAIT_ROUNDS = 40
WAIT_SECONDS = 0.05


async def issue_coupon(cmd: IssueCoupon, *, repo: CouponRepository) -> Reply:
    """The coupon issued for this reference (the same one on a repeat), or a refusal: 404 for
    no such template, 409 for sold out, limit reached, budget exhausted or not published."""
    coupon, reason = await issue(cmd, repo, stored_now())
    if coupon is not None:
        return ok(coupon.model_dump(mode="json"))
    code = "not_found" if reason == NOT_FOUND else "conflict"
    body, _ = refuse(code, f"{reason}: template {cmd.template_id}")
    return body, await refused(cmd, reason, repo)


async def issue(cmd: IssueCoupon, repo: CouponRepository, now: datetime) -> tuple[Coupon | None, str]:
    template = await repo.template(cmd.template_id)
    if template is None:
        return None, NOT_FOUND
    done = await repo.coupon_for(template.id, cmd.merchant_id, cmd.reference)
    if done is not None and done.status != CouponStatus.ISSUING:
        return done, ""
    if cmd.claim and not template.published:
        return None, NOT_PUBLISHED
    channel = await repo.channel(template.channel_id)
    if channel is None:
        return None, NOT_FOUND
    if reason := issue_refusal(channel, template.terms):
        return None, reason
    token = uuid.uuid4().hex
    claimed = done or await take_slot(cmd, template, repo, now, token)
    if claimed is None:
        return None, LIMIT_REACHED
    if claimed.status == CouponStatus.ISSUING and claimed.owner != token:
        claimed = await settled(claimed, token, repo)  # another attempt of this reference
        if claimed is None:
            return None, SOLD_OUT  # that attempt found the template sold out
    if claimed.status != CouponStatus.ISSUING:
        return claimed, ""
    if not await repo.take_quantity(template.id):
        await repo.drop_issuing(claimed.id, token)
        return None, SOLD_OUT
    if not await repo.finish_issuing(claimed.id, token):
        await repo.give_quantity(template.id)  # taken over meanwhile: the new owner takes its own
        return await settled(claimed, token, repo), ""
    return claimed.model_copy(update={"status": CouponStatus.AVAILABLE, "owner": None}), ""


async def settled(claimed: Coupon, token: str, repo: CouponRepository) -> Coupon | None:
    """Wait for the attempt that claimed the coupon to finish (None: it dropped it, sold out);
    an attempt silent for longer than the wait is taken to have died, and this one goes on
    with its coupon (its quantity, if it took it, stays counted: under-issued, never over)."""
    current: Coupon | None = claimed
    for _ in range(WAIT_ROUNDS):
        await asyncio.sleep(WAIT_SECONDS)
        current = await repo.coupon(claimed.id)
        if current is None or current.status != CouponStatus.ISSUING:
            return current
    assert current is not None
    assert current.owner is not None
    if await repo.take_over(current.id, current.owner, token):
        return current.model_copy(update={"owner": token})
    raise RuntimeError(f"coupon {claimed.id}: still being issued, will be redelivered")


async def take_slot(
    cmd: IssueCoupon, template: Template, repo: CouponRepository, now: datetime, token: str
) -> Coupon | None:
    """The merchant's first free slot, claimed as `issuing` (the reference is then taken, so a
    repeat never takes quantity of its own); a concurrent issue of the same reference may have
    claimed first, and its coupon is the answer."""
    start, end = template.validity(now)
    for slot in range(1, template.per_merchant_limit + 1):
        coupon = Coupon(
            id=coupon_id(template.id, cmd.merchant_id, slot),
            template_id=template.id,
            channel_id=template.channel_id,
            merchant_id=cmd.merchant_id,
            reference=cmd.reference,
            issue_id=cmd.issue_id,
            terms=template.terms,
            valid_from=start,
            valid_to=end,
            issued_at=now,
            status=CouponStatus.ISSUING,
            owner=token,
        )
        if await repo.insert_coupon(coupon):
            return coupon
        if (same := await repo.coupon_for(template.id, cmd.merchant_id, cmd.reference)) is not None:
            return same
    return None


async def refused(cmd: IssueCoupon, reason: str, repo: CouponRepository) -> list[Message]:
    """A fan-out keeps its refusals for the issue's report, and announces them."""
    if cmd.issue_id is None:
        return []
    refusal = IssueRefusal(
        id=f"{cmd.issue_id}:{cmd.merchant_id}",
        issue_id=cmd.issue_id,
        merchant_id=cmd.merchant_id,
        reason=reason,
    )
    await repo.record_refusal(refusal)
    event = CouponIssueRefused(
        correlation_id=cmd.issue_id,
        template_id=cmd.template_id,
        merchant_id=cmd.merchant_id,
        reference=cmd.reference,
        reason=reason,
    )
    return [event]


@dataclass(frozen=True)
class FanOutDeps:
    merchants: MerchantDirectory


async def issue_many(cmd: IssueCoupons, *, deps: FanOutDeps) -> list[Message]:
    """One page of merchants becomes one `IssueCoupon` each, and the next page one more
    `IssueCoupons`; every id derives from the issue and the page, so a repeat sends the same."""
    later: list[str] = []
    if cmd.tier is not None:
        page = await deps.merchants.merchant_ids_of_tier(cmd.tier, cmd.after, FAN_OUT_PAGE)
    else:
        listed = sorted(m for m in set(cmd.merchant_ids) if cmd.after is None or m > cmd.after)
        page, later = listed[:FAN_OUT_PAGE], listed[FAN_OUT_PAGE:]
    issues: list[Message] = [
        IssueCoupon(
            correlation_id=cmd.issue_id,
            template_id=cmd.template_id,
            merchant_id=merchant_id,
            reference=f"issue:{cmd.issue_id}",
            issue_id=cmd.issue_id,
        )
        for merchant_id in page
    ]
    more = bool(later) if cmd.tier is None else len(page) == FAN_OUT_PAGE
    if more:  # the next page carries only the ids still to issue
        rest = cmd.model_dump(include={"correlation_id", "issue_id", "template_id", "tier"})
        issues.append(IssueCoupons(**rest, merchant_ids=later, after=page[-1]))
    return issues
