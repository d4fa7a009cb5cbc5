"""The operator's set-up: channels with a budget, templates drawing on them, publishing."""

from __future__ import annotations

from juhe.replies import Reply, ok, refuse
from schemas.coupon import CreateChannel, CreateTemplate, PublishTemplate
from workers.coupon.handlers.ports import CouponRepository
from workers.coupon.model import Channel, Template, stored_now, template_problem


async def create_channel(cmd: CreateChannel, *, repo: CouponRepository) -> Reply:
    """409 when the id is taken by a different channel; the same request again answers the same."""
    wanted = Channel(
        id=cmd.channel_id, name=cmd.name, budget=cmd.budget, remaining=cmd.budget, created_at=stored_now()
    )
    stored = await repo.create_channel(wanted)
    if (stored.name, stored.budget) != (wanted.name, wanted.budget):
        return refuse("conflict", f"channel_id: {cmd.channel_id} already exists")
    return ok(stored.model_dump(mode="json", by_alias=False))


async def create_template(cmd: CreateTemplate, *, repo: CouponRepository) -> Reply:
    if problem := template_problem(cmd):
        return refuse("invalid", problem)
    if await repo.channel(cmd.channel_id) is None:
        return refuse("not_found", "channel not found")
    fields = cmd.model_dump(exclude={"message_id", "correlation_id", "occurred_at", "template_id"})
    stored = await repo.create_template(Template(id=cmd.template_id, created_at=stored_now(), **fields))
    return ok(stored.model_dump(mode="json"))


async def publish_template(cmd: PublishTemplate, *, repo: CouponRepository) -> Reply:
    template = await repo.set_published(cmd.template_id, cmd.published)
    if template is None:
        return refuse("not_found", "template not found")
    return ok(template.model_dump(mode="json"))
