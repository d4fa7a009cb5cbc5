"""The 快递100 subscription push, as it arrives: a form POST of `param` (JSON) and `sign`, the
upper-case hex MD5 of `param + salt` (the salt given when subscribing, `JUHE_KUAIDI100_SALT`).

`lastResult.data` is the whole history of the parcel, newest first; its times (`ftime`,
`yyyy-MM-dd HH:mm:ss`) are China Standard Time.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime, timedelta, timezone
from typing import Literal
from urllib.parse import parse_qs

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from edge_api.errors import ApiError
from schemas.tracking import CheckpointIn

#: China Standard Time: no daylight saving, so a fixed offset is exact.
CST = timezone(timedelta(hours=8), "CST")
FTIME = "%Y-%m-%d %H:%M:%S"
#: What 快递100 expects back once a push is taken in; anything else and it pushes again.
ACCEPTED = {"result": True, "returnCode": "200", "message": "成功"}


class Loose(BaseModel):
    model_config = ConfigDict(extra="ignore")


class Scan(Loose):
    context: str = Field(min_length=1, max_length=500)
    time: str = ""
    ftime: str
    status: str | None = Field(default=None, max_length=32)
    areaCode: str | None = Field(default=None, max_length=64)
    areaName: str | None = Field(default=None, max_length=200)

    def checkpoint(self) -> CheckpointIn:
        try:
            at = datetime.strptime(self.ftime, FTIME).replace(tzinfo=CST)
        except ValueError as exc:
            raise ApiError(422, "invalid_field", f"param.lastResult.data.ftime: {exc}") from exc
        return CheckpointIn(
            at=at,
            context=self.context,
            carrier_state=self.status or None,
            area_code=self.areaCode or None,
            area_name=self.areaName or None,
        )


class LastResult(Loose):
    nu: str = Field(min_length=1, max_length=64)
    com: str = Field(min_length=1, max_length=64)
    state: str = Field(default="", max_length=8)
    ischeck: str = "0"
    data: list[Scan] = Field(default_factory=list, max_length=1000)


class Push(Loose):
    status: Literal["polling", "shutdown", "abort", "updateall"]
    message: str = ""
    lastResult: LastResult


def form_fields(raw: bytes) -> tuple[str, str]:
    """`param` and `sign` of a form body; a body that is no such form is 422."""
    try:
        form = parse_qs(raw.decode("utf-8"), keep_blank_values=True, strict_parsing=bool(raw))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ApiError(422, "invalid_field", "body: not an application/x-www-form-urlencoded form") from exc
    param, sign = form.get("param", [""])[0], form.get("sign", [""])[0]
    if not param:
        raise ApiError(422, "invalid_field", "param: required")
    return param, sign


def signed_by(param: str, sign: str, salt: str | None) -> bool:
    """MD5(param + salt), upper-case hex, compared in constant time; no salt, no trust."""
    if salt is None or not sign:
        return False
    expected = hashlib.md5((param + salt).encode()).hexdigest().upper()
    return hmac.compare_digest(expected, sign.upper())


def parsed(param: str) -> Push:
    try:
        return Push.model_validate(json.loads(param))
    except (ValueError, ValidationError) as exc:
        raise ApiError(422, "invalid_field", f"param: not a 快递100 push ({_first_error(exc)})") from exc


def _first_error(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        error = exc.errors(include_url=False)[0]
        return f"{'.'.join(str(p) for p in error['loc'])}: {error['msg']}"
    return "invalid JSON"
