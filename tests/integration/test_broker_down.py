"""Broker unreachable at the edge: 503 in the documented shape, nothing accepted."""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

import httpx

from edge_api.app import create_app
from juhe.runtime import Runtime
from tests.support.api import Api, order_body, signed
from tests.support.flows import published, scene
from tests.support.proxy import CuttableProxy
from tests.support.system import System


async def test_webhook_while_broker_is_down_is_503_and_nothing_accepted(system: System, api: Api) -> None:
    s = await scene(api, stock=5, funds=10_000)
    amqp = urlsplit(system.settings.amqp_url)
    proxy = CuttableProxy(amqp.hostname or "127.0.0.1", amqp.port or 5672)
    await proxy.start()
    settings = system.settings.model_copy(
        update={
            "amqp_url": f"amqp://guest:guest@127.0.0.1:{proxy.port}/",
            "publish_timeout_seconds": 2.0,
        }
    )
    app = create_app(settings, Runtime.create(settings))
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://edge") as edge,
    ):
        body = order_body("DOWN-1", [(s.sku, 1)])
        warm = await edge.get("/readyz")
        assert warm.json() == {"status": "ready", "broker": True, "store": True}
        await proxy.cut()
        before = published("order.place")

        response = await edge.post("/v1/webhooks/generic/orders", content=body, headers=signed(s.shop, body))

        assert response.status_code == 503
        assert response.json()["error"]["code"] == "broker_unavailable"
        assert published("order.place") == before
        await asyncio.sleep(1.0)
        assert await system.db["orders"].count_documents({"shop_id": s.shop.shop_id}) == 0
