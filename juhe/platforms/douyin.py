"""`douyin`: the 抖店 open platform's message push (消息推送).

Inbound: headers `app-id` and `event-sign` = hex MD5 of app_key + raw body + app_secret; the
body is a JSON array of `{"tag", "msg_id", "data"}` with `data` a JSON-encoded string. Tag "0"
is the URL check sent when the push URL is configured; tag "101" (doudian_trade_TradePaid) is
a paid order, tag "200" (doudian_refund_RefundCreated) a buyer's after-sale request. Other
tags are acknowledged and ignored. 抖店 expects HTTP 200 `{"code": 0, "msg": "success"}`.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from pydantic import BaseModel, ConfigDict, Field

from juhe.platforms.base import (
    AppSignedAdapter,
    Doc,
    Kind,
    ParsedOrder,
    ParsedRefund,
    PayloadError,
    Verification,
    load_json,
    require_app,
    validate,
)
from juhe.signing import same
from schemas.common import Fen, OrderLineIn, Quantity, ShippingAddress, Sku

TAG_CHECK, TAG_PAID, TAG_REFUND_CREATED = "0", "101", "200"
#: 抖店 open-API methods our outbound event kinds correspond to.
METHODS = {
    "shipment": "order.logisticsAdd",
    "listing.upsert": "product.editV2",
    "listing.delist": "product.setOffline",
    "stock": "sku.syncStock",
}


class Message(BaseModel):
    model_config = ConfigDict(extra="ignore", coerce_numbers_to_str=True)
    tag: str
    msg_id: str = Field(min_length=1, max_length=128)
    data: str = ""


class Named(BaseModel):
    name: str = Field(min_length=1)


class PostAddr(BaseModel):
    province: Named
    city: Named
    town: Named
    street: Named | None = None
    detail: str = Field(min_length=1)


class SkuOrder(BaseModel):
    code: Sku  # 商家编码: the merchant's code, which is our SKU
    item_num: Quantity
    origin_amount: Fen  # fen, for item_num units


class PaidOrder(BaseModel):
    """doudian_trade_TradePaid with the order detail (order.orderDetail) fields it is joined to."""

    model_config = ConfigDict(extra="ignore", coerce_numbers_to_str=True)
    p_id: str = Field(min_length=1, max_length=64)
    shop_id: str = Field(min_length=1, max_length=64)
    sku_order_list: list[SkuOrder] = Field(min_length=1, max_length=200)
    post_receiver: str
    post_tel: str
    post_addr: PostAddr


class RefundCreated(BaseModel):
    model_config = ConfigDict(extra="ignore", coerce_numbers_to_str=True)
    aftersale_id: str = Field(min_length=1, max_length=64)
    p_id: str = Field(min_length=1, max_length=64)
    shop_id: str = Field(min_length=1, max_length=64)
    s_id: str | None = None
    aftersale_type: int | None = None
    reason_code: int | None = None
    refund_amount: Fen | None = None


def messages(raw_body: bytes) -> list[Message]:
    decoded = load_json(raw_body, "request body")
    if not isinstance(decoded, list):
        raise PayloadError(422, "invalid_field", "body: 抖店 pushes a JSON array of messages")
    return [validate(Message, item, prefix=str(i)) for i, item in enumerate(decoded)]


def _data(message: Message, i: int, model: type[Any]) -> Any:
    data = load_json(message.data, f"{i}.data")
    if isinstance(data, dict) and "p_id" not in data and "order_id" in data:
        data = {**data, "p_id": data["order_id"]}  # the order detail names the same id order_id
    return validate(model, data, prefix=f"{i}.data")


def _unit_price(line: SkuOrder) -> int:
    """origin_amount is for all units; round half up to a whole fen per unit."""
    return (2 * line.origin_amount + line.item_num) // (2 * line.item_num)


def _order(message: Message, i: int) -> ParsedOrder:
    paid: PaidOrder = _data(message, i, PaidOrder)
    addr = paid.post_addr
    detail = f"{addr.street.name}{addr.detail}" if addr.street else addr.detail
    address = validate(
        ShippingAddress,
        {
            "name": paid.post_receiver,
            "phone": paid.post_tel,
            "province": addr.province.name,
            "city": addr.city.name,
            "district": addr.town.name,
            "detail": detail,
        },
        prefix=f"{i}.data.post_addr",
    )
    lines = [
        OrderLineIn(sku=ln.code, qty=ln.item_num, unit_price=_unit_price(ln)) for ln in paid.sku_order_list
    ]
    return ParsedOrder(paid.p_id, lines, address, shop_id=paid.shop_id, message_id=message.msg_id)


def _refund(message: Message, i: int) -> ParsedRefund:
    created: RefundCreated = _data(message, i, RefundCreated)
    details = created.model_dump(include={"s_id", "aftersale_type", "refund_amount", "reason_code"})
    return ParsedRefund(
        created.aftersale_id,
        created.p_id,
        reason=f"douyin reason_code {created.reason_code}",
        shop_id=created.shop_id,
        message_id=message.msg_id,
        details=details,
    )


class DouyinAdapter(AppSignedAdapter):
    name = "douyin"

    def verify(self, headers: Mapping[str, str], raw_body: bytes, credentials: Doc, at: Verification) -> bool:
        app_key, secret = credentials["app_key"], credentials["app_secret"]
        if not same(headers.get("app-id", ""), app_key):
            return False
        expected = hashlib.md5(app_key.encode() + raw_body + secret.encode()).hexdigest()
        return same(headers.get("event-sign", "").lower(), expected)

    def is_handshake(self, raw_body: bytes) -> bool:
        try:
            return all(m.tag == TAG_CHECK for m in messages(raw_body))
        except PayloadError:
            return False

    def parse_orders(self, raw_body: bytes) -> list[ParsedOrder]:
        return [_order(m, i) for i, m in enumerate(messages(raw_body)) if m.tag == TAG_PAID]

    def parse_refunds(self, raw_body: bytes) -> list[ParsedRefund]:
        return [_refund(m, i) for i, m in enumerate(messages(raw_body)) if m.tag == TAG_REFUND_CREATED]

    def acknowledge(self, kind: Kind, order_keys: list[str], refund_keys: list[str]) -> tuple[int, Doc]:
        return 200, {"code": 0, "msg": "success"}

    def outbound(
        self, kind: str, body: Doc, shop: Doc, app: Doc | None = None
    ) -> tuple[bytes, dict[str, str]]:
        """An 抖店 open-API call: param_json sorted and compact, MD5-signed with the app secret."""
        app = require_app(app, self.name)
        param_json = json.dumps(
            {**body, "shop_id": shop["shop_id"]}, ensure_ascii=False, separators=(",", ":"), sort_keys=True
        )
        params = {
            "app_key": app["app_key"],
            "method": METHODS[kind],
            "param_json": param_json,
            "timestamp": str(int(time.time())),
            "v": "2",
        }
        joined = "".join(f"{k}{params[k]}" for k in sorted(params))
        params["sign"] = hashlib.md5(f"{app['app_secret']}{joined}{app['app_secret']}".encode()).hexdigest()
        params["sign_method"] = "md5"
        return urlencode(params).encode(), {"Content-Type": "application/x-www-form-urlencoded"}


ADAPTER = DouyinAdapter()
