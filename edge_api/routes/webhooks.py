"""Platform webhooks: each platform's adapter verifies its own signature on the raw body.

Each platform expects its own acknowledgement (see the adapters' `acknowledge`); the body is
checked against the acknowledgements declared here before it is sent.
"""

from __future__ import annotations

from typing import TypeVar

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, TypeAdapter

from edge_api.deps import Edge
from edge_api.openapi import errors
from edge_api.platform_intake import accept_push
from juhe.platforms.base import Kind

router = APIRouter(prefix="/v1/webhooks", tags=["webhooks"])
A = TypeVar("A")


class Ack(BaseModel):
    model_config = ConfigDict(extra="forbid")


class OrderKeyAck(Ack):
    """generic: the key of the order taken in."""

    order_key: str


class RefundKeyAck(Ack):
    """generic: the key of the refund request taken in."""

    refund_key: str


class BatchAck(Ack):
    """taobao, pdd: every order and refund key the push carried."""

    order_keys: list[str]
    refund_keys: list[str]


class DouyinAck(Ack):
    """douyin (抖店) answers 200 with its own success body."""

    code: int
    msg: str


OrderAck = OrderKeyAck | BatchAck | DouyinAck
RefundAck = RefundKeyAck | BatchAck | DouyinAck
ORDER_ACK: TypeAdapter[OrderAck] = TypeAdapter(OrderAck)
REFUND_ACK: TypeAdapter[RefundAck] = TypeAdapter(RefundAck)
RESPONSES = {
    **errors(400, 401, 404, 422, 503),
    200: {"model": DouyinAck, "description": "douyin: accepted, in 抖店's own words."},
}


async def _accept(
    platform: str, kind: Kind, request: Request, edge: Edge, ack: TypeAdapter[A]
) -> JSONResponse:
    accepted = await accept_push(edge, platform, kind, request.headers, await request.body())
    body = ack.dump_python(ack.validate_python(accepted.body), mode="json")
    return JSONResponse(body, status_code=accepted.status)


@router.post("/{platform}/orders", status_code=202, response_model=OrderAck, responses=RESPONSES)
async def order_webhook(platform: str, request: Request, edge: Edge) -> JSONResponse:
    """202 `{"order_key"}` for generic; douyin answers 200 `{"code": 0, "msg": "success"}`."""
    return await _accept(platform, "orders", request, edge, ORDER_ACK)


@router.post("/{platform}/refunds", status_code=202, response_model=RefundAck, responses=RESPONSES)
async def refund_webhook(platform: str, request: Request, edge: Edge) -> JSONResponse:
    """202 `{"refund_key"}` for generic; idempotent on the platform's refund id."""
    return await _accept(platform, "refunds", request, edge, REFUND_ACK)
