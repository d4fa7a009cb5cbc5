"""`taobao`: an HTTP push signed the way the Taobao open platform signs (MD5 method).

The body is form-encoded: `app_key`, `timestamp` (yyyy-MM-dd HH:mm:ss, Beijing time),
`sign_method=md5`, `topic`, `content` (JSON) and `sign` = upper hex MD5 of
app_secret + every other parameter as name+value sorted by name + app_secret.
Topic `taobao_trade_TradeBuyerPay` carries the trade (taobao.trade.fullinfo.get fields);
`taobao_refund_RefundCreate` a refund. Prices are yuan strings.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta, timezone

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
from juhe.signing import same
from schemas.common import OrderLineIn, Quantity, ShippingAddress, Sku

TOPIC_PAID, TOPIC_REFUND = "taobao_trade_TradeBuyerPay", "taobao_refund_RefundCreate"
BEIJING = timezone(timedelta(hours=8))
METHODS = {
    "shipment": "taobao.logistics.offline.send",
    "listing.upsert": "taobao.item.update",
    "listing.delist": "taobao.item.update.delisting",
    "stock": "taobao.item.quantity.update",
}
Id = Field(min_length=1, max_length=64)


class TradeOrder(BaseModel):
    model_config = ConfigDict(extra="ignore")
    outer_sku_id: Sku  # 商家编码 of the SKU: our SKU
    num: Quantity
    price: str = Field(min_length=1)


class TradeOrders(BaseModel):
    order: list[TradeOrder] = Field(min_length=1, max_length=200)


class Trade(BaseModel):
    model_config = ConfigDict(extra="ignore", coerce_numbers_to_str=True)
    tid: str = Id
    seller_nick: str = Id
    orders: TradeOrders
    receiver_name: str
    receiver_mobile: str
    receiver_state: str
    receiver_city: str
    receiver_district: str
    receiver_address: str


class Refund(BaseModel):
    model_config = ConfigDict(extra="ignore", coerce_numbers_to_str=True)
    refund_id: str = Id
    tid: str = Id
    seller_nick: str = Id
    oid: str | None = None
    refund_fee: str | None = None
    reason: str = "taobao refund"


def sent_at(timestamp: str) -> datetime | None:
    try:
        return datetime.strptime(timestamp, "%Y-%m-%d %H:%M:%S").replace(tzinfo=BEIJING)
    except ValueError:
        return None


def _content(params: dict[str, str], topic: str) -> object | None:
    return form_json(params, "topic", topic, "content")


def _order(trade: Trade) -> ParsedOrder:
    lines = [
        OrderLineIn(
            sku=o.outer_sku_id, qty=o.num, unit_price=yuan_to_fen(o.price, f"content.orders.order.{i}.price")
        )
        for i, o in enumerate(trade.orders.order)
    ]
    address = {
        "name": trade.receiver_name,
        "phone": trade.receiver_mobile,
        "province": trade.receiver_state,
        "city": trade.receiver_city,
        "district": trade.receiver_district,
        "detail": trade.receiver_address,
    }
    shipping = validate(ShippingAddress, address, prefix="content.receiver")
    return ParsedOrder(trade.tid, lines, shipping, shop_id=trade.seller_nick)


class TaobaoAdapter(AppSignedAdapter):
    name = "taobao"

    def verify(self, headers: Mapping[str, str], raw_body: bytes, credentials: Doc, at: Verification) -> bool:
        params = form_params(raw_body)
        when = sent_at(params.get("timestamp", ""))
        if when is None or abs((at.now - when).total_seconds()) > at.skew_seconds:
            return False
        if params.get("sign_method", "md5") != "md5" or not same(
            params.get("app_key", ""), credentials["app_key"]
        ):
            return False
        return same(params.get("sign", ""), md5_sorted_params_sign(credentials["app_secret"], params))

    def parse_orders(self, raw_body: bytes) -> list[ParsedOrder]:
        content = _content(form_params(raw_body), TOPIC_PAID)
        return [] if content is None else [_order(validate(Trade, content, prefix="content"))]

    def parse_refunds(self, raw_body: bytes) -> list[ParsedRefund]:
        content = _content(form_params(raw_body), TOPIC_REFUND)
        if content is None:
            return []
        refund = validate(Refund, content, prefix="content")
        details = {"oid": refund.oid, "refund_fee": refund.refund_fee}
        return [
            ParsedRefund(
                refund.refund_id, refund.tid, refund.reason, shop_id=refund.seller_nick, details=details
            )
        ]

    def outbound(
        self, kind: str, body: Doc, shop: Doc, app: Doc | None = None
    ) -> tuple[bytes, dict[str, str]]:
        """A Taobao open-API call as a signed form (the shop's session token is added by the sender)."""
        app = require_app(app, self.name)
        params = {
            "app_key": app["app_key"],
            "method": METHODS[kind],
            "timestamp": datetime.now(BEIJING).strftime("%Y-%m-%d %H:%M:%S"),
            "format": "json",
            "v": "2.0",
            "sign_method": "md5",
            **flatten(body),
        }
        return signed_form(app["app_secret"], params)


ADAPTER = TaobaoAdapter()
