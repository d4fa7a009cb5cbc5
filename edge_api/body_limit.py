"""Refuse a request body above `max_body_bytes` before it is read whole or parsed (413).

A pure ASGI middleware: a declared Content-Length above the limit is answered at once; a body
of unknown length (chunked) or a lying Content-Length is counted as it streams in, and reading
stops at the first chunk past the limit. Memory use is one chunk, whatever the body's size.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from edge_api.errors import HTTP_CODE, error_body


class PayloadTooLargeError(HTTPException):
    """Raised from `receive` while the app reads the body: the body is read only inside FastAPI's
    request handling, which re-raises an HTTPException met there, so the edge's error handler
    (errors.install) answers it as a 413 and the route never runs."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request body is larger than {limit} bytes")


class BodyLimit:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if _declared_length(scope) > self.max_bytes:
            refusal = PayloadTooLargeError(self.max_bytes)
            body = error_body(HTTP_CODE[refusal.status_code], refusal.detail)
            await JSONResponse(body, status_code=refusal.status_code)(scope, receive, send)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_bytes:
                raise PayloadTooLargeError(self.max_bytes)
            return message

        await self.app(scope, counted, send)


def _declared_length(scope: Scope) -> int:
    """The Content-Length header as a number; 0 when absent or not a number (then we count)."""
    for name, value in scope["headers"]:
        if name == b"content-length":
            return int(value) if value.isdigit() else 0
    return 0
