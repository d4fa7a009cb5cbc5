"""快递100 subscription pushes as 快递100 sends them: a signed form with the whole history."""

from __future__ import annotations

import hashlib
import json
from typing import Any
from urllib.parse import urlencode


def scan(ftime: str, context: str, status: str | None = None) -> dict[str, Any]:
    item = {"context": context, "time": ftime, "ftime": ftime}
    return item if status is None else {**item, "status": status}


def push_form(
    com: str, nu: str, state: str, scans: list[dict[str, Any]], salt: str
) -> tuple[bytes, dict[str, str]]:
    """The form body and its headers; `scans` newest first, as 快递100 orders them."""
    param = json.dumps(
        {
            "status": "shutdown" if state == "3" else "polling",
            "message": "",
            "lastResult": {
                "message": "ok",
                "nu": nu,
                "com": com,
                "state": state,
                "ischeck": "1" if state == "3" else "0",
                "status": "200",
                "data": scans,
            },
        },
        ensure_ascii=False,
    )
    sign = hashlib.md5((param + salt).encode()).hexdigest().upper()
    body = urlencode({"param": param, "sign": sign}).encode()
    return body, {"Content-Type": "application/x-www-form-urlencoded"}
