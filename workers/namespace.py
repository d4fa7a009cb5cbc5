"""A namespace's footprint on the broker: every queue and exchange a full system declares in it.

Quorum queues are durable and each holds file handles, so a namespace that is no longer used
(a test run, a demo, a bench) is dropped, not left behind.
"""

from __future__ import annotations

import aio_pika

from juhe.broker import resolve_amqp_url
from juhe.runtime import Runtime
from juhe.settings import Settings
from workers.host import WorkerHost
from workers.registry import WORKERS


def namespace_queues(settings: Settings) -> list[str]:
    """Every queue a full system declares in this namespace, derived from its subscriptions."""
    runtime = Runtime.create(settings)
    WorkerHost(runtime, list(WORKERS))  # registers subscribers; connects nothing
    queues = [s.queue.name for s in runtime.broker.subscribers]  # type: ignore[attr-defined]
    delays = [runtime.topology.delay_exchange(s).name for s in runtime.topology.delay_seconds]
    return [*queues, *(f"{q}.dlq" for q in queues), *delays]


def namespace_exchanges(settings: Settings) -> list[str]:
    topology = Runtime.create(settings).topology
    exchanges = [topology.commands, topology.events, topology.dead_letters]
    exchanges += [topology.delay_exchange(s) for s in topology.delay_seconds]
    return [exchange.name for exchange in exchanges]


async def drop_namespace(settings: Settings) -> int:
    """Delete the namespace's queues (with any messages in them) and exchanges; returns how many."""
    queues, exchanges = namespace_queues(settings), namespace_exchanges(settings)
    connection = await aio_pika.connect(resolve_amqp_url(settings))
    async with connection:
        channel = await connection.channel()
        for queue in queues:
            await channel.queue_delete(queue)
        for exchange in exchanges:
            await channel.exchange_delete(exchange)
    return len(queues) + len(exchanges)
