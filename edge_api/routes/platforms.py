"""Operator: platform app credentials, and the raw archive of received pushes."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from edge_api.deps import Edge, Operator
from edge_api.errors import ApiError, not_found
from edge_api.openapi import errors
from juhe.platforms import adapter_for
from schemas.accounts import PlatformAppRegistered, RegisterPlatformApp
from workers.order.queries import OrderQueries, PayloadView

router = APIRouter(prefix="/v1", tags=["platforms"])


class PlatformAppIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    app_key: str = Field(min_length=1, max_length=128)
    app_secret: str = Field(min_length=1, max_length=256)


@router.put("/platforms/{platform}/app", responses=errors(404, 503))
async def register_app(platform: str, body: PlatformAppIn, edge: Edge, _: Operator) -> PlatformAppRegistered:
    """Our ISV app on a platform; its pushes are signed with this secret. Replaces the previous one."""
    adapter = adapter_for(platform)
    if adapter is None:
        raise not_found("platform adapter")
    if adapter.signer != "app":
        raise ApiError(422, "invalid_field", f"platform: {platform} pushes are signed by each shop's secret")
    command = RegisterPlatformApp(
        correlation_id=platform, platform=platform, app_key=body.app_key, app_secret=body.app_secret
    )
    return PlatformAppRegistered.model_validate(await edge.ask(command))


@router.get("/payloads/{payload_id}", responses=errors(404))
async def raw_payload(payload_id: str, edge: Edge, _: Operator) -> PayloadView:
    """A platform push as it was received (within the retention period)."""
    payload = await OrderQueries(edge.db).raw_payload(payload_id)
    if payload is None:
        raise not_found("payload")
    return payload
