"""Platform webhooks: each platform's adapter verifies its own signature on the raw body."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from edge_api.deps import Edge
from edge_api.intake import accept_push
from juhe.platforms.base import Kind

router = APIRouter(prefix="/v1/webhooks", tags=["webhooks"])


async def _accept(platform: str, kind: Kind, request: Request, edge: Edge) -> JSONResponse:
    accepted = await accept_push(edge, platform, kind, request.headers, await request.body())
    return JSONResponse(accepted.body, status_code=accepted.status)


@router.post("/{platform}/orders", status_code=202)
async def order_webhook(platform: str, request: Request, edge: Edge) -> JSONResponse:
    """202 `{"order_key"}` for generic; douyin answers 200 `{"code": 0, "msg": "success"}`."""
    return await _accept(platform, "orders", request, edge)


@router.post("/{platform}/refunds", status_code=202)
async def refund_webhook(platform: str, request: Request, edge: Edge) -> JSONResponse:
    """202 `{"refund_key"}` for generic; idempotent on the platform's refund id."""
    return await _accept(platform, "refunds", request, edge)
