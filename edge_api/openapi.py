"""The contract as published: the error shape, and the statuses each operation can answer.

A route declares the errors of its own rules (`responses=errors(404, 409)`); the statuses that
follow from how it is called (credentials, a JSON body, parameters) are added to every route
here, from its signature, so no route can forget them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import APIRouter
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from pydantic import BaseModel, Field


class ErrorDetail(BaseModel):
    code: str = Field(description="snake_case, stable: clients branch on it")
    message: str = Field(description="for people; names the offending field on a 422")


class ErrorResponse(BaseModel):
    """Every error the API answers has this shape."""

    error: ErrorDetail


DESCRIPTIONS = {
    400: "The body is not JSON.",
    401: "Missing or invalid credentials or signature.",
    403: "These credentials may not call this operation.",
    404: "Unknown, or not yours.",
    409: "Conflicts with the current state.",
    410: "Gone: it can be had only once.",
    413: "The body is larger than the configured limit.",
    422: "An invalid field; the message names it.",
    429: "Too many requests; see Retry-After.",
    503: "The message broker is unavailable; nothing was accepted.",
}

F = TypeVar("F", bound=Callable[..., Any])

#: Marks the dependency functions whose refusals are implied by a route's signature.
IMPLIES = "__juhe_implies__"


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` entries for these statuses, in the error shape."""
    return {status: {"model": ErrorResponse, "description": DESCRIPTIONS[status]} for status in statuses}


def implies(*statuses: int) -> Callable[[F], F]:
    """Decorate a dependency: any route depending on it can answer these statuses."""

    def mark(func: F) -> F:
        setattr(func, IMPLIES, statuses)
        return func

    return mark


#: Methods that carry a body: the body limit can refuse any of them, whatever the route reads.
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


def implied_statuses(route: APIRoute) -> set[int]:
    statuses: set[int] = {413} if (route.methods or set()) & BODY_METHODS else set()
    if route.body_field is not None:
        statuses |= {400, 422}
    if _has_params(route.dependant):
        statuses.add(422)
    for dependant in _walk(route.dependant):
        statuses.update(getattr(dependant.call, IMPLIES, ()))
    return statuses


def document_errors(router: APIRouter) -> APIRouter:
    """Add each route's implied error statuses to its `responses`; call before including it."""
    for route in router.routes:
        if isinstance(route, APIRoute):
            for status, spec in errors(*sorted(implied_statuses(route))).items():
                route.responses.setdefault(status, spec)
    return router


def _walk(dependant: Dependant) -> list[Dependant]:
    found = [dependant]
    for sub in dependant.dependencies:
        found += _walk(sub)
    return found


def _has_params(dependant: Dependant) -> bool:
    return any(
        d.path_params or d.query_params or d.header_params or d.cookie_params for d in _walk(dependant)
    )
