"""`pdd`: an HTTP push signed the way the Pinduoduo open platform signs (MD5).

The body is form-encoded: `client_id`, `timestamp` (unix seconds), `type`, `data_type=JSON`,
`data` (JSON) and `sign` = upper hex MD5 of client_secret + every other parameter as
name+value sorted by name + client_secret. Type `pdd_trade_TradeConfirmed` carries the
order (pdd.order.information.get `order_info` fields plus `mall_id`); `pdd_refund_RefundCreated`
a refund. Prices (`goods_price`) are yuan.
"""

from __future__ import annotations

import time
from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict, Field

from juhe.platforms.base import (
    AppSignedAdapter,
    Doc,
    ParsedOrder,
    ParsedRefund,
    Verification,
    flatten,
    form_json,
    form_params,
    md5_sorted_params_sign,
    require_app,
    signed_form,
    validate,
    yuan_to_fen,
)
from juhe.signing import fresh, same
from schemas.common import OrderLineIn, Quantity, ShippingAddress, Sku

TYPE_CONFIRMED, TYPE_REFUND = "pdd_trade_TradeConfirmed", "pdd_refund_RefundCreated"
METHODS = {
    "shipment": "pdd.logistics.online.send",
    "listing.upsert": "pdd.goods.information.update",
    "listing.delist": "pdd.goods.sale.status.set",
    "stock": "pdd.goods.quantity.update",
}
Id = Field(min_length=1, max_length=64)


class Item(BaseModel):
    model_config = ConfigDict(extra="ignore", coerce_numbers_to_str=True)
    outer_id: Sku  # 商家外部编码 of the SKU: our SKU
    goods_count: Quantity
    goods_price: str = Field(min_length=1)


class OrderInfo(BaseModel):
    model_config = ConfigDict(extra="ignore", coerce_numbers_to_str=True)
    mall_id: str = Id
    order_sn: str = Id
    item_list: list[Item] = Field(min_length=1, max_length=200)
    receiver_name: str
    receiver_phone: str
    province: str
    city: str
    town: str
    address: str


class Refund(BaseModel):
    model_config = ConfigDict(extra="ignore", coerce_numbers_to_str=True)
    mall_id: str = Id
    refund_id: str = Id
    tid: str = Id  # the order_sn
    refund_amount: str | None = None
    reason: str = "pdd refund"


def _data(params: dict[str, str], kind: str) -> object | None:
    return form_json(params, "type", kind, "data")


def _order(info: OrderInfo) -> ParsedOrder:
    lines = [
        OrderLineIn(
            sku=it.outer_id,
            qty=it.goods_count,
            unit_price=yuan_to_fen(it.goods_price, f"data.item_list.{i}.goods_price"),
        )
        for i, it in enumerate(info.item_list)
    ]
    address = {
        "name": info.receiver_name,
        "phone": info.receiver_phone,
        "province": info.province,
        "city": info.city,
        "district": info.town,
        "detail": info.address,
    }
    shipping = validate(ShippingAddress, address, prefix="data.receiver")
    return ParsedOrder(info.order_sn, lines, shipping, shop_id=info.mall_id)


class PddAdapter(AppSignedAdapter):
    name = "pdd"

    def verify(self, headers: Mapping[str, str], raw_body: bytes, credentials: Doc, at: Verification) -> bool:
        params = form_params(raw_body)
        if not fresh(params.get("timestamp", ""), skew=at.skew_seconds, now=at.now.timestamp()):
            return False
        if not same(params.get("client_id", ""), credentials["app_key"]):
            return False
        return same(params.get("sign", ""), md5_sorted_params_sign(credentials["app_secret"], params))

    def parse_orders(self, raw_body: bytes) -> list[ParsedOrder]:
        data = _data(form_params(raw_body), TYPE_CONFIRMED)
        return [] if data is None else [_order(validate(OrderInfo, data, prefix="data"))]

    def parse_refunds(self, raw_body: bytes) -> list[ParsedRefund]:
        data = _data(form_params(raw_body), TYPE_REFUND)
        if data is None:
            return []
        refund = validate(Refund, data, prefix="data")
        details = {"refund_amount": refund.refund_amount}
        return [
            ParsedRefund(refund.refund_id, refund.tid, refund.reason, shop_id=refund.mall_id, details=details)
        ]

    def outbound(
        self, kind: str, body: Doc, shop: Doc, app: Doc | None = None
    ) -> tuple[bytes, dict[str, str]]:
        """A Pinduoduo open-API call as a signed form (the shop's access token is added by the sender)."""
        app = require_app(app, self.name)
        params = {
            "client_id": app["app_key"],
            "type": METHODS[kind],
            "timestamp": str(int(time.time())),
            "data_type": "JSON",
            **flatten(body),
        }
        return signed_form(app["app_secret"], params)


ADAPTER = PddAdapter()
