"""Every route and dependency of the edge is a coroutine: FastAPI runs a plain `def` one in its
thread pool, a hand-off to a thread and back on every request (it showed as 14 % of the edge's
CPU while it took a burst of webhooks in)."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from typing import Any

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from edge_api.app import ROUTES, create_app
from juhe.broker import LOCAL_BROKER_URL
from juhe.settings import Settings


def _calls(dependant: Dependant) -> Iterator[Callable[..., Any]]:
    for dependency in dependant.dependencies:
        if dependency.call is not None:
            yield dependency.call
        yield from _calls(dependency)


def _is_async(call: Callable[..., Any]) -> bool:
    # A dependency may be an instance with an async __call__ (the bearer scheme).
    return inspect.iscoroutinefunction(call) or inspect.iscoroutinefunction(type(call).__call__)


def test_no_route_or_dependency_runs_in_the_thread_pool() -> None:
    create_app(Settings(namespace="async_check", amqp_url=LOCAL_BROKER_URL))  # routers as served
    routes = [route for module in ROUTES for route in module.router.routes if isinstance(route, APIRoute)]
    assert len(routes) > 50
    sync = {
        f"{route.path}: {getattr(call, '__qualname__', repr(call))}"
        for route in routes
        for call in [route.endpoint, *_calls(route.dependant)]
        if not _is_async(call)
    }
    assert sync == set()
