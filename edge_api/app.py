"""Composition root of the edge: `create_app(settings)`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi_offline import FastAPIOffline

from edge_api import errors
from edge_api.body_limit import BodyLimit
from edge_api.context import EdgeContext
from edge_api.openapi import document_errors
from edge_api.request_context import RequestContext
from edge_api.routes import (
    applications,
    catalog,
    coupons,
    health,
    merchant_catalog,
    merchant_coupons,
    merchant_orders,
    onboarding,
    ops,
    orders,
    platforms,
    product_list,
    promotions,
    refunds,
    reships,
    returns,
    rotation,
    sales,
    sales_stream,
    selections,
    settlement,
    stock_syncs,
    supplier_accounts,
    taxonomy,
    tiers,
    tracking,
    wallet,
    webhooks,
)
from juhe.heap import settle_heap
from juhe.runtime import Runtime
from juhe.settings import Settings

ROUTES = (
    health,
    onboarding,
    applications,
    tiers,
    rotation,
    supplier_accounts,
    catalog,
    taxonomy,
    product_list,
    stock_syncs,
    promotions,
    merchant_catalog,
    selections,
    platforms,
    webhooks,
    orders,
    merchant_orders,
    reships,
    refunds,
    returns,
    wallet,
    ops,
    settlement,
    tracking,
    coupons,
    merchant_coupons,
    sales,
    sales_stream,
)


def create_app(settings: Settings, runtime: Runtime | None = None) -> FastAPI:
    runtime = runtime or Runtime.create(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await runtime.store.connect()
        await runtime.broker.connect()
        await runtime.broker.declare_exchange(runtime.topology.commands)
        await runtime.broker.declare_exchange(runtime.topology.events)
        app.state.edge = EdgeContext(runtime)
        settle_heap()
        yield
        await runtime.broker.stop()
        await runtime.store.close()

    # Docs assets come from the installed package: Juhe's machines may have no internet.
    app = FastAPIOffline(title="Juhe API", version="1", lifespan=lifespan, redoc_url=None)
    errors.install(app)
    for module in ROUTES:
        app.include_router(document_errors(module.router))
    # Added first, so it runs inside the request-context middleware below, next to the
    # routes: its 413 raised while FastAPI reads a body reaches errors.install's handler.
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(RequestContext)
    return app
