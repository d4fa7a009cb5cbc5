"""Order pushes as three platforms send them, signed as each signs them.

generic: our own contract (HMAC-SHA256 of the shop); douyin: a 抖店 TradePaid message with the
order detail inside (MD5 of app key + body + app secret); taobao: a TOP message, form-encoded
and MD5-signed over the sorted parameters. The same shapes the adapters in juhe/platforms read.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from urllib.parse import urlencode

from juhe.platforms.base import md5_sorted_params_sign
from juhe.signing import signature

BEIJING = timezone(timedelta(hours=8))
ADDRESS: dict[str, str] = {"name": "张三", "phone": "13800000000", "province": "广东省", "city": "深圳市"}


@dataclass(frozen=True)
class Line:
    sku: str
    qty: int
    unit_price: int  # fen, what the buyer paid the merchant


@dataclass(frozen=True)
class Push:
    url: str
    body: bytes
    headers: dict[str, str]


def compact(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def generic(shop_id: str, secret: str, order_id: str, lines: list[Line]) -> Push:
    body = compact(
        {
            "order_id": order_id,
            "lines": [{"sku": ln.sku, "qty": ln.qty, "unit_price": ln.unit_price} for ln in lines],
            "shipping_address": ADDRESS | {"district": "南山区", "detail": "科技园 1 号"},
        }
    ).encode()
    ts = str(int(time.time()))
    headers = {
        "X-Juhe-Shop": shop_id,
        "X-Juhe-Timestamp": ts,
        "X-Juhe-Signature": signature(secret, ts, body),
    }
    return Push("/v1/webhooks/generic/orders", body, {"Content-Type": "application/json", **headers})


def douyin(app_key: str, app_secret: str, shop_id: str, order_id: str, lines: list[Line]) -> Push:
    detail = {
        "p_id": order_id,
        "shop_id": shop_id,
        "order_id": order_id,
        "order_status": 2,
        "pay_time": int(time.time()),
        "pay_amount": sum(ln.qty * ln.unit_price for ln in lines),
        "sku_order_list": [
            {
                "order_id": f"{order_id}{i}",
                "code": ln.sku,
                "item_num": ln.qty,
                "origin_amount": ln.qty * ln.unit_price,
            }
            for i, ln in enumerate(lines)
        ],
        "post_receiver": "王小明",
        "post_tel": "13912345678",
        "post_addr": {
            "province": {"name": "浙江省"},
            "city": {"name": "杭州市"},
            "town": {"name": "西湖区"},
            "detail": "文一西路 100 号",
        },
    }
    body = compact([{"tag": "101", "msg_id": f"demo-{order_id}", "data": compact(detail)}]).encode()
    sign = hashlib.md5(app_key.encode() + body + app_secret.encode()).hexdigest()  # 抖店's own scheme
    headers = {"Content-Type": "application/json", "app-id": app_key, "event-sign": sign}
    return Push("/v1/webhooks/douyin/orders", body, headers)


def taobao(app_key: str, app_secret: str, seller_nick: str, tid: str, lines: list[Line]) -> Push:
    trade = {
        "tid": tid,
        "seller_nick": seller_nick,
        "status": "WAIT_SELLER_SEND_GOODS",
        "orders": {
            "order": [
                {
                    "oid": f"{tid}{i}",
                    "outer_sku_id": ln.sku,
                    "num": ln.qty,
                    "price": f"{ln.unit_price / 100:.2f}",
                }
                for i, ln in enumerate(lines)
            ]
        },
        "receiver_name": "李雷",
        "receiver_mobile": "13700000000",
        "receiver_state": "上海",
        "receiver_city": "上海市",
        "receiver_district": "浦东新区",
        "receiver_address": "祖冲之路 887 号",
    }
    params = {
        "app_key": app_key,
        "timestamp": datetime.now(UTC).astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S"),
        "sign_method": "md5",
        "v": "2.0",
        "topic": "taobao_trade_TradeBuyerPay",
        "content": compact(trade),
    }
    params["sign"] = md5_sorted_params_sign(app_secret, params)
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    return Push("/v1/webhooks/taobao/orders", urlencode(params).encode(), headers)
