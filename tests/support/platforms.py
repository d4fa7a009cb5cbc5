"""Signed platform pushes built from the sample payloads in tests/fixtures/platforms."""

from __future__ import annotations

import hashlib
import json
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from juhe.platforms.base import md5_sorted_params_sign

FIXTURES = Path(__file__).parent.parent / "fixtures" / "platforms"
BEIJING = timezone(timedelta(hours=8))


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / f"{name}.json").read_text())


def compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def douyin_push(name: str, *, msg_id: str | None = None, **data: Any) -> bytes:
    """The fixture's messages with `data` fields replaced (e.g. shop_id, p_id) and re-encoded."""
    messages = fixture(name)
    for message in messages:
        if message["data"]:
            message["data"] = compact({**json.loads(message["data"]), **data})
        if msg_id is not None:
            message["msg_id"] = msg_id
    return compact(messages).encode()


def douyin_headers(app: dict[str, str], body: bytes) -> dict[str, str]:
    sign = hashlib.md5(app["app_key"].encode() + body + app["app_secret"].encode()).hexdigest()
    return {"Content-Type": "application/json", "app-id": app["app_key"], "event-sign": sign}


def form_push(name: str, app: dict[str, str], *, at: float | None = None, **content: Any) -> bytes:
    """A taobao/pdd fixture with its JSON parameter patched, re-timestamped and signed."""
    params = fixture(name)
    field, key = ("content", "app_key") if "content" in params else ("data", "client_id")
    params[field] = compact({**json.loads(params[field]), **content})
    params[key] = app["app_key"]
    sent = time.time() if at is None else at
    if key == "app_key":
        params["timestamp"] = datetime.fromtimestamp(sent, BEIJING).strftime("%Y-%m-%d %H:%M:%S")
    else:
        params["timestamp"] = str(int(sent))
    params["sign"] = md5_sorted_params_sign(app["app_secret"], params)
    return urlencode(params).encode()


FORM = {"Content-Type": "application/x-www-form-urlencoded"}
