"""The shape of request/reply answers; the edge maps `error.code` to an HTTP status."""

from __future__ import annotations

from typing import Any

from schemas.envelope import Message

Reply = tuple[dict[str, Any], list[Message]]


def ok(body: dict[str, Any], *follow_ups: Message) -> Reply:
    return body, list(follow_ups)


def refuse(code: str, message: str) -> Reply:
    """A domain refusal; `code` is one of not_found, conflict, invalid, with a detail message."""
    return {"error": {"code": code, "message": message}}, []
