"""Broker topology guarantees that no test of the saga would notice if they broke."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator

import aio_pika
import pytest
from aio_pika.abc import AbstractChannel

from juhe.messaging.bus import BrokerUnavailableError, Bus
from juhe.messaging.consumer import HANDLED
from juhe.messaging.topology import Topology
from schemas.commands import ExpireFundsHold
from schemas.envelope import Message
from schemas.events import ProductStatusChanged, StockChanged
from schemas.selection import ChangeSelectionPrice, PushListing, PushStock, RemoveSelection, SelectSku
from tests.support.api import Api
from tests.support.system import System, eventually


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
    prefix = f"{system.settings.namespace}."
    per_worker = Counter(s.queue.name.removeprefix(prefix).split(".")[0] for s in subscribers)  # type: ignore[attr-defined]
    assert per_worker == {
        "accounts": 14,
        "catalog": 11,
        "selection": 7,
        "inventory": 9,
        "wallet": 5,
        "order": 27,
        "settlement": 4,
        "coupon": 9,
        "sales": 4,
    }
    for subscriber in subscribers:
        queue = subscriber.queue  # type: ignore[attr-defined]
        assert queue.arguments["x-queue-type"] == "quorum"
        assert queue.arguments["x-delivery-limit"] == system.settings.delivery_limit
        assert queue.arguments["x-dead-letter-routing-key"] == queue.name
        await channel.declare_queue(f"{queue.name}.dlq", passive=True)  # raises if it is missing


async def test_only_new_orders_are_taken_in_at_the_intake_prefetch(system: System) -> None:
    """A burst waits in the intake queue, not spread half-done over every stage behind it."""
    settings = system.settings
    assert settings.intake_prefetch < settings.prefetch
    prefetch = {
        s.queue.name.removeprefix(f"{settings.namespace}."): s.channel.prefetch_count  # type: ignore[attr-defined]
        for s in system.workers.runtime.broker.subscribers
    }
    assert prefetch.pop("order.order.place") == settings.intake_prefetch
    assert set(prefetch.values()) == {settings.prefetch}


async def test_selection_is_a_worker_of_its_own(system: System) -> None:
    """Its queues are `<namespace>.selection.<message>`; the catalog keeps its own eleven."""
    namespace = system.settings.namespace
    names = {s.queue.name for s in system.workers.runtime.broker.subscribers}  # type: ignore[attr-defined]
    followed: list[type[Message]] = [SelectSku, ChangeSelectionPrice, RemoveSelection, PushListing, PushStock]
    followed += [StockChanged, ProductStatusChanged]
    assert sorted(n for n in names if n.startswith(f"{namespace}.selection.")) == sorted(
        f"{namespace}.selection.{message.NAME}" for message in followed
    )
    assert len([n for n in names if n.startswith(f"{namespace}.catalog.")]) == 11


async def test_a_request_is_answered_once_and_never_dead_lettered(
    system: System, channel: AbstractChannel, api: Api
) -> None:
    """The answer to a request/reply command must not count as a failed delivery."""
    answered = _handled("accounts.create_merchant")
    await api.merchant()

    queue = f"{system.settings.namespace}.accounts.accounts.create_merchant"
    await eventually(lambda: _is_empty(channel, queue), what="request acked")
    assert await _depth(channel, f"{queue}.dlq") == 0
    assert _handled("accounts.create_merchant") == answered + 1


async def _depth(channel: AbstractChannel, queue: str) -> int:
    declared = await channel.declare_queue(queue, passive=True)
    return int(declared.declaration_result.message_count or 0)


async def _is_empty(channel: AbstractChannel, queue: str) -> bool:
    return await _depth(channel, queue) == 0


def _handled(name: str) -> float:
    return HANDLED.labels(name)._value.get()
