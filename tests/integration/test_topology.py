"""Broker topology guarantees that no test of the saga would notice if they broke."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aio_pika
import pytest
from aio_pika.abc import AbstractChannel

from juhe.messaging.bus import BrokerUnavailableError, Bus
from juhe.messaging.topology import Topology
from schemas.commands import ExpireFundsHold
from tests.support.system import System


@pytest.fixture
async def channel(system: System) -> AsyncIterator[AbstractChannel]:
    connection = await aio_pika.connect(system.settings.amqp_url)
    async with connection:
        yield await connection.channel()


async def test_a_command_no_queue_would_receive_raises(system: System, channel: AbstractChannel) -> None:
    """Publishing into a namespace where nobody subscribes is refused, not silently dropped."""
    runtime = system.workers.runtime
    stray = Topology(f"{system.settings.namespace}_nobody", delivery_limit=1)
    await runtime.broker.declare_exchange(stray.commands)
    try:
        with pytest.raises(BrokerUnavailableError, match=r"order\.expire_funds_hold"):
            await Bus(runtime.broker, stray, timeout=5.0).publish(
                ExpireFundsHold(correlation_id="k", order_key="k")
            )
    finally:
        await channel.exchange_delete(stray.commands.name)


async def test_every_subscription_is_a_quorum_queue_with_its_dead_letter_queue(
    system: System, channel: AbstractChannel
) -> None:
    subscribers = system.workers.runtime.broker.subscribers
    assert len(subscribers) == 30  # accounts 4, catalog 9, inventory 4, wallet 2, order 11
    for subscriber in subscribers:
        queue = subscriber.queue  # type: ignore[attr-defined]
        assert queue.arguments["x-queue-type"] == "quorum"
        assert queue.arguments["x-delivery-limit"] == system.settings.delivery_limit
        assert queue.arguments["x-dead-letter-routing-key"] == queue.name
        await channel.declare_queue(f"{queue.name}.dlq", passive=True)  # raises if it is missing
