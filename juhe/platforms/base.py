"""The one small interface every platform adapter implements, and what adapters share.

An adapter is pure: it checks a signature, turns a platform's payload into our order and
refund shapes, and signs outbound events. It never touches the broker or the store.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal, Protocol, TypeVar
from urllib.parse import parse_qsl, urlencode

from pydantic import BaseModel, ValidationError

from juhe.validation import describe_validation
from schemas.common import MAX_FEN, OrderLineIn, ShippingAddress, StockLine

Doc = dict[str, Any]
Kind = Literal["orders", "refunds"]
M = TypeVar("M", bound=BaseModel)


class PayloadError(Exception):
    """The payload is signed correctly but cannot become an order or refund (400/422)."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@dataclass(frozen=True)
class ParsedOrder:
    order_id: str
    lines: list[OrderLineIn]
    shipping_address: ShippingAddress
    #: The platform's shop id inside the payload; None when the signature named the shop.
    shop_id: str | None = None
    #: The platform's own message id, for platforms that push messages (douyin `msg_id`).
    message_id: str | None = None


@dataclass(frozen=True)
class ParsedRefund:
    refund_id: str
    order_id: str
    reason: str
    lines: list[StockLine] | None = None
    shop_id: str | None = None
    message_id: str | None = None
    #: Platform facts kept for the refund saga (amounts, platform line ids).
    details: Doc = field(default_factory=dict)


@dataclass(frozen=True)
class Verification:
    now: datetime
    skew_seconds: int


class PlatformAdapter(Protocol):
    #: The `{platform}` path segment and the first part of every order key.
    name: str
    #: Whose secret signs inbound pushes: the shop's (`shops`) or our ISV app's (`platform_apps`).
    signer: Literal["shop", "app"]
    #: True when the platform pushes every message kind to one URL (either endpoint takes both).
    one_url: bool

    def signer_id(self, headers: Mapping[str, str], raw_body: bytes) -> str | None:
        """The shop id claimed by a shop-signed request; app-signed adapters return None."""
        ...

    def verify(
        self, headers: Mapping[str, str], raw_body: bytes, credentials: Doc, at: Verification
    ) -> bool: ...

    def is_handshake(self, raw_body: bytes) -> bool:
        """A platform's URL check that must be answered and otherwise ignored."""
        ...

    def parse_orders(self, raw_body: bytes) -> list[ParsedOrder]: ...

    def parse_refunds(self, raw_body: bytes) -> list[ParsedRefund]: ...

    def acknowledge(self, kind: Kind, order_keys: list[str], refund_keys: list[str]) -> tuple[int, Doc]:
        """The HTTP status and body the platform expects when the push was accepted."""
        ...

    def outbound(
        self, kind: str, body: Doc, shop: Doc, app: Doc | None = None
    ) -> tuple[bytes, dict[str, str]]:
        """A signed outbound event for this platform (shipment sync, listing push, stock)."""
        ...


class AppSignedAdapter:
    """What platforms whose ISV app signs every push to one URL share (douyin, taobao, pdd).

    Subclasses set `name` and implement verify, parse_orders, parse_refunds and outbound;
    they override `is_handshake` and `acknowledge` where the platform expects otherwise.
    """

    signer: Literal["shop", "app"] = "app"
    one_url = True

    def signer_id(self, headers: Mapping[str, str], raw_body: bytes) -> str | None:
        return None

    def is_handshake(self, raw_body: bytes) -> bool:
        return False

    def acknowledge(self, kind: Kind, order_keys: list[str], refund_keys: list[str]) -> tuple[int, Doc]:
        return 202, {"order_keys": order_keys, "refund_keys": refund_keys}


def require_app(app: Doc | None, platform: str) -> Doc:
    """Outbound open-API calls are signed with the platform app's secret."""
    if app is None:
        raise ValueError(f"{platform} outbound calls are signed with the platform app's secret")
    return app


def form_json(params: Mapping[str, str], kind_param: str, kind: str, json_param: str) -> object | None:
    """The JSON parameter of a form push of this `kind`; None when the push is of another kind."""
    if params.get(kind_param) != kind:
        return None
    if json_param not in params:
        raise PayloadError(422, "invalid_field", f"{json_param}: Field required")
    decoded: object = load_json(params[json_param], json_param)
    return decoded


def validate(model: type[M], data: Any, prefix: str = "") -> M:
    """Validate into `model`; a failure names the field the way the edge's 422s do."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        status, code, message = describe_validation(list(exc.errors()), prefix=prefix)
        raise PayloadError(status, code, message) from exc


def load_json(text: str | bytes, what: str) -> Any:
    try:
        return json.loads(text)
    except (ValueError, TypeError) as exc:
        raise PayloadError(400, "malformed_json", f"{what} is not valid JSON: {exc}") from exc
    except RecursionError as exc:  # e.g. 100,000 nested `[`: the decoder gives up, so do we
        raise PayloadError(400, "malformed_json", f"{what} is nested too deeply") from exc


def form_params(raw_body: bytes) -> dict[str, str]:
    """An `application/x-www-form-urlencoded` body as a dict (the last value of a repeat wins)."""
    try:
        return dict(parse_qsl(raw_body.decode("utf-8"), keep_blank_values=True, strict_parsing=False))
    except UnicodeDecodeError:
        return {}


def yuan_to_fen(value: str | int | float | Decimal, field_name: str) -> int:
    """'19.90' -> 1990; more than two decimals, a negative or too large amount is a 422.

    NaN, Infinity and '1e999999' are Decimals too: they are refused before `int()`.
    """
    try:
        amount = Decimal(str(value)) * 100
        whole = amount.is_finite() and 0 <= amount <= MAX_FEN and amount == amount.to_integral_value()
    except ArithmeticError as exc:  # InvalidOperation, Overflow
        raise PayloadError(422, "invalid_field", f"{field_name}: not an amount in yuan") from exc
    if not whole:
        raise PayloadError(
            422,
            "invalid_field",
            f"{field_name}: not an amount in yuan with at most 2 decimals, at most {MAX_FEN // 100}",
        )
    return int(amount)


def md5_sorted_params_sign(secret: str, params: Mapping[str, str]) -> str:
    """Taobao/Pinduoduo MD5 signing: upper hex MD5 of secret + k1v1k2v2... (sorted) + secret."""
    joined = "".join(f"{key}{params[key]}" for key in sorted(params) if key != "sign")
    return hashlib.md5(f"{secret}{joined}{secret}".encode()).hexdigest().upper()


def flatten(body: Mapping[str, Any]) -> dict[str, str]:
    """Business parameters of an open-API call: strings stay, anything else becomes JSON."""
    return {
        key: value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        for key, value in body.items()
    }


def signed_form(secret: str, params: dict[str, str]) -> tuple[bytes, dict[str, str]]:
    """Sign with `md5_sorted_params_sign` and encode as a form body."""
    signed = {**params, "sign": md5_sorted_params_sign(secret, params)}
    return urlencode(signed).encode(), {"Content-Type": "application/x-www-form-urlencoded"}
