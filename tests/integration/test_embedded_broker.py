"""The private RabbitMQ node `juhe up` runs when JUHE_AMQP_URL is unset."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import aio_pika
import pytest

from juhe.broker.embedded import BrokerUrls, EmbeddedBroker
from juhe.broker.node import answers_amqp

QUEUE = "juhe.embedded_check"


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[tuple[EmbeddedBroker, Path]]:
    running = EmbeddedBroker(tmp_path)
    yield running, tmp_path
    running.stop()


async def publish_one(url: str, body: bytes) -> None:
    connection = await aio_pika.connect(url)
    async with connection:
        channel = await connection.channel()
        await channel.declare_queue(QUEUE, durable=True, arguments={"x-queue-type": "quorum"})
        message = aio_pika.Message(body, delivery_mode=aio_pika.DeliveryMode.PERSISTENT)
        await channel.default_exchange.publish(message, routing_key=QUEUE)


async def take_one(url: str) -> bytes | None:
    connection = await aio_pika.connect(url)
    async with connection:
        channel = await connection.channel()
        queue = await channel.declare_queue(QUEUE, durable=True, arguments={"x-queue-type": "quorum"})
        message = await queue.get(fail=False)
        if message is None:
            return None
        await message.ack()
        return message.body


def port_of(urls: BrokerUrls) -> int:
    port = urlsplit(urls.amqp).port
    assert port is not None
    return port


async def test_queued_messages_survive_a_restart_on_the_same_data_dir(
    broker: tuple[EmbeddedBroker, Path],
) -> None:
    node, _ = broker
    first = await asyncio.to_thread(node.start)
    await publish_one(first.amqp, b"kept")
    await asyncio.to_thread(node.stop)
    assert not answers_amqp(port_of(first))

    second = await asyncio.to_thread(node.start)
    assert await take_one(second.amqp) == b"kept"
    assert await take_one(second.amqp) is None


def beam_of(data_dir: Path) -> list[str]:
    """Erlang VMs running this data dir's node (its home is under the data dir)."""
    home = str(data_dir.resolve() / "broker" / "home")
    listing = subprocess.run(["ps", "-eww", "-o", "args"], capture_output=True, text=True, check=True).stdout
    return [line for line in listing.splitlines() if "beam" in line and home in line]


async def test_the_node_goes_down_with_a_parent_killed_with_minus_nine(tmp_path: Path) -> None:
    script = (
        "import sys, time, pathlib\n"
        "from juhe.broker.embedded import EmbeddedBroker\n"
        "urls = EmbeddedBroker(pathlib.Path(sys.argv[1])).start()\n"
        "print(urls.amqp, flush=True)\n"
        "time.sleep(600)\n"
    )
    parent = await asyncio.create_subprocess_exec(
        sys.executable, "-c", script, str(tmp_path), stdout=asyncio.subprocess.PIPE
    )
    try:
        assert parent.stdout is not None
        url = (await asyncio.wait_for(parent.stdout.readline(), timeout=180)).decode().strip()
        port = urlsplit(url).port
        assert port is not None
        assert answers_amqp(port)
        assert beam_of(tmp_path) != []
    finally:
        parent.send_signal(signal.SIGKILL)
        await parent.wait()
    for _ in range(120):
        if not answers_amqp(port) and beam_of(tmp_path) == []:
            break
        await asyncio.sleep(0.5)
    assert not answers_amqp(port)
    assert beam_of(tmp_path) == []
