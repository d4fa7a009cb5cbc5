"""`GET /v1/ops/queues` on the real broker, without its management API: every queue of the
namespace with its consumers, and a dead letter counted on the queue it came from."""

from __future__ import annotations

import aio_pika

from juhe.broker import resolve_amqp_url
from schemas.routing import BACKOFF_SECONDS, delay_exchange
from tests.support.api import Api, bearer
from tests.support.system import System, eventually


async def queue_list(api: Api) -> dict[str, dict[str, object]]:
    body = await api.ok(await api.http.get("/v1/ops/queues", headers=api.admin), 200)
    return {item["name"]: item for item in body["items"]}


async def test_every_subscription_queue_is_listed_with_its_consumers(system: System, api: Api) -> None:
    ns = system.settings.namespace
    queues = await queue_list(api)
    place = queues[f"{ns}.order.order.place"]
    assert place["consumers"] == 1
    assert (place["dead_letters"], place["unacked"], place["publish_rate"]) == (0, None, None)
    assert all(name.startswith(f"{ns}.") for name in queues)
    assert not any(name.endswith(".dlq") for name in queues)
    delays = [delay_exchange(ns, seconds) for seconds in BACKOFF_SECONDS]
    assert [queues[name]["dead_letters"] for name in delays] == [None] * len(BACKOFF_SECONDS)


async def test_a_dead_letter_counts_on_its_queue(system: System, api: Api) -> None:
    name = f"{system.settings.namespace}.order.order.place"
    connection = await aio_pika.connect(resolve_amqp_url(system.settings))
    async with connection:
        channel = await connection.channel()
        await channel.default_exchange.publish(aio_pika.Message(b"{}"), routing_key=f"{name}.dlq")

        async def counted() -> bool:
            return (await queue_list(api))[name]["dead_letters"] == 1

        await eventually(counted, what="the dead letter counted")
        dlq = await channel.declare_queue(f"{name}.dlq", passive=True)
        await dlq.purge()
    assert (await queue_list(api))[name]["dead_letters"] == 0


async def test_queues_are_for_the_operator_only(system: System, api: Api) -> None:
    merchant = await api.merchant()
    refused = await api.http.get("/v1/ops/queues", headers=bearer(merchant.key))
    assert refused.status_code == 403
    assert (await api.http.get("/v1/ops/queues")).status_code == 401
