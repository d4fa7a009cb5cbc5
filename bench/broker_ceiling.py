"""The broker's raw ceiling: confirmed publishes into, and acked deliveries out of, a quorum queue.

A scratch quorum queue (`juhe_bench_ceiling_<random>`, deleted afterwards) takes persistent
messages of a typical envelope's size from `window` concurrent publishers, each awaiting its
publisher confirm, while one consumer (prefetch `window`) acks them; the pipeline's messages
travel the same way (confirmed publish, quorum queue, ack after the work).
"""

from __future__ import annotations

import asyncio
import secrets
import time
from contextlib import suppress
from typing import Any

import aio_pika
from aio_pika.abc import AbstractIncomingMessage
from tqdm import tqdm

BODY_BYTES = 600  # about one order command's JSON envelope
_DRAIN_SECONDS = 30.0


async def broker_ceiling(url: str, seconds: float, window: int) -> dict[str, Any]:
    """Publish for `seconds`, then drain; confirmed publishes/s and consumed (acked) messages/s."""
    name = f"juhe_bench_ceiling_{secrets.token_hex(4)}"
    publisher = await aio_pika.connect(url)
    consumer = await aio_pika.connect(url)
    async with publisher, consumer:
        channel = await publisher.channel(publisher_confirms=True)
        await channel.declare_queue(name, durable=True, arguments={"x-queue-type": "quorum"})
        try:
            return {"queue_name": name} | await _measure(
                channel, await consumer.channel(), name, seconds, window
            )
        finally:
            await channel.queue_delete(name)


async def _measure(
    channel: aio_pika.abc.AbstractChannel,
    consuming: aio_pika.abc.AbstractChannel,
    name: str,
    seconds: float,
    window: int,
) -> dict[str, Any]:
    consumed, published = [0], [0]
    publishing_done, drained = asyncio.Event(), asyncio.Event()

    async def on_message(message: AbstractIncomingMessage) -> None:
        await message.ack()
        consumed[0] += 1
        if publishing_done.is_set() and consumed[0] >= published[0]:
            drained.set()

    await consuming.set_qos(prefetch_count=window)
    queue = await consuming.get_queue(name, ensure=False)
    start = time.monotonic()
    tag = await queue.consume(on_message)
    body = b"x" * BODY_BYTES
    deadline = start + seconds

    async def publish(bar: tqdm[Any]) -> None:
        while time.monotonic() < deadline:
            message = aio_pika.Message(body, delivery_mode=aio_pika.DeliveryMode.PERSISTENT)
            await channel.default_exchange.publish(message, routing_key=name)  # returns on confirm
            published[0] += 1
            bar.update()

    with tqdm(desc="broker ceiling", unit="msg", dynamic_ncols=True) as bar:
        await asyncio.gather(*(publish(bar) for _ in range(window)))
    published_seconds = time.monotonic() - start
    publishing_done.set()
    if consumed[0] >= published[0]:
        drained.set()
    with suppress(TimeoutError):
        await asyncio.wait_for(drained.wait(), _DRAIN_SECONDS)
    consumed_seconds = time.monotonic() - start
    await queue.cancel(tag)  # before the queue goes, so the broker need not cancel it
    return {
        "queue": "quorum (scratch, deleted)",
        "window": window,
        "published": published[0],
        "consumed": consumed[0],
        "published_per_second": round(published[0] / published_seconds, 1),
        "consumed_per_second": round(consumed[0] / consumed_seconds, 1),
    }
