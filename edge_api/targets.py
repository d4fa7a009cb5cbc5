"""The edge's early check of delivery and callback URLs: a 422 naming the field (juhe.targets)."""

from __future__ import annotations

from pydantic import AnyHttpUrl

from edge_api.context import EdgeContext
from edge_api.errors import ApiError
from juhe.targets import TargetRefusedError, check_target
from schemas.accounts import PullDelivery, WebhookDelivery


async def check_url(edge: EdgeContext, url: AnyHttpUrl | None, field: str) -> None:
    """422 `invalid_field` when `url` could reach an address requests may not go to."""
    if url is None:
        return
    try:
        await check_target(str(url), field, allow_private=edge.settings.allow_private_targets)
    except TargetRefusedError as exc:
        raise ApiError(422, "invalid_field", str(exc)) from exc


async def check_delivery(edge: EdgeContext, delivery: PullDelivery | WebhookDelivery | None) -> None:
    """A webhook delivery's URL is checked; a pull delivery has none."""
    if isinstance(delivery, WebhookDelivery):
        await check_url(edge, delivery.url, "delivery.url")
