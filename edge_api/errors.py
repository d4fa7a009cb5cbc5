"""Every error leaves the edge as {"error": {"code", "message"}} with the fitting status."""

from __future__ import annotations

from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from juhe.messaging.bus import BrokerUnavailableError
from juhe.store.pages import InvalidCursorError
from juhe.validation import describe_validation

__all__ = ["ApiError", "describe_validation", "error_body", "from_reply", "install", "not_found"]

_log = structlog.get_logger("edge.errors")

#: Domain refusal codes from request/reply workers, mapped once here.
REPLY_STATUS = {"not_found": 404, "conflict": 409, "invalid": 422, "gone": 410}


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.headers = headers


def not_found(what: str = "resource") -> ApiError:
    return ApiError(404, "not_found", f"{what} not found")


def error_body(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}


#: The codes of HTTP errors raised by the framework (and by the body limit, body_limit.py).
HTTP_CODE = {
    400: "malformed_json",  # a body FastAPI could not parse (invalid UTF-8, nested too deeply)
    401: "unauthorized",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
}

#: A worker says `invalid`; the API names it as the edge's own 422s do.
API_CODE = {"invalid": "invalid_field"}


def from_reply(reply: dict[str, Any]) -> ApiError:
    code = reply["error"]["code"]
    return ApiError(REPLY_STATUS.get(code, 409), API_CODE.get(code, code), reply["error"]["message"])


def install(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(error_body(exc.code, exc.message), status_code=exc.status, headers=exc.headers)

    @app.exception_handler(InvalidCursorError)
    async def _bad_cursor(_: Request, exc: InvalidCursorError) -> JSONResponse:
        return JSONResponse(error_body("invalid_field", str(exc)), status_code=422)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        status, code, message = describe_validation(list(exc.errors()))
        return JSONResponse(error_body(code, message), status_code=status)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = HTTP_CODE.get(exc.status_code, "error")
        # A 405 keeps its Allow header; the headers of any HTTP error are part of its answer.
        return JSONResponse(
            error_body(code, str(exc.detail)), status_code=exc.status_code, headers=exc.headers
        )

    @app.exception_handler(BrokerUnavailableError)
    async def _broker_down(_: Request, exc: BrokerUnavailableError) -> JSONResponse:
        _log.error("broker.unavailable", error=str(exc))
        return JSONResponse(
            error_body("broker_unavailable", "the message broker is unavailable; nothing was accepted"),
            status_code=503,
        )
