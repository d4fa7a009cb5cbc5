"""Holiday promotions: create (claiming each SKU's time span atomically) and end early.

Each SKU's windows are claimed one conditional write at a time ("add mine unless another
promotion's window overlaps it"), so two promotions can never price the same SKU at the same
moment, without a read-check-write. The order worker prices from these windows.
"""

from __future__ import annotations

from juhe.replies import Reply, ok, refuse
from schemas.catalog import CreatePromotion, EndPromotion
from schemas.envelope import utcnow
from workers.catalog.handlers.ports import PromotionStore
from workers.catalog.model import Promotion, check_items, check_window


async def create_promotion(cmd: CreatePromotion, *, promotions: PromotionStore) -> Reply:
    stored = await promotions.get(cmd.promotion_id)
    if stored is None:
        skus = await promotions.skus([item.sku for item in cmd.items])
        if problem := check_window(cmd.starts_at, cmd.ends_at) or check_items(cmd.items, skus):
            return refuse("invalid", problem)
        stored = await promotions.insert(Promotion.new(cmd, utcnow()))
    if stored.state == "open":  # a redelivery of a request already answered
        return _answer(stored)
    for i, item in enumerate(stored.items):
        clash = await promotions.claim(item.sku, stored.window(item))
        if clash is not None:
            await promotions.drop(stored.id, stored.skus)
            return refuse(
                "conflict", f"items.{i}.sku: {item.sku!r} is in promotion {clash} during this window"
            )
    opened = await promotions.open(stored.id)
    return _answer(opened or stored)


async def end_promotion(cmd: EndPromotion, *, promotions: PromotionStore) -> Reply:
    promotion = await promotions.get(cmd.promotion_id)
    if promotion is None or promotion.state != "open":
        return refuse("not_found", "promotion not found")
    if promotion.ended_at is None:
        moment = promotion.end_moment(cmd.occurred_at)
        if moment is None:
            return refuse("conflict", "the promotion is already over")
        ended = await promotions.mark_ended(cmd.promotion_id, moment, cmd.occurred_at)
        promotion = ended or await promotions.get(cmd.promotion_id) or promotion
    # From the stored end, so a redelivery (or a lost race) converges on the same windows.
    await promotions.close_windows(promotion)
    return _answer(promotion)


def _answer(promotion: Promotion) -> Reply:
    return ok(promotion.view(utcnow()).model_dump(mode="json"))
