"""`juhe namespace drop` removes every queue and exchange a namespace declared."""

from __future__ import annotations

import asyncio
import os
import sys
import uuid

import aio_pika
from aio_pika.exceptions import ChannelClosed

from juhe.runtime import Runtime
from juhe.settings import Settings
from workers.host import WorkerHost
from workers.namespace import namespace_exchanges, namespace_queues
from workers.registry import WORKERS


async def exists(url: str, name: str, kind: str) -> bool:
    """A passive declare: answers whether it is there without creating it."""
    connection = await aio_pika.connect(url)
    async with connection:
        channel = await connection.channel()
        try:
            if kind == "queue":
                await channel.declare_queue(name, passive=True)
            else:
                await channel.declare_exchange(name, passive=True)
        except ChannelClosed:
            return False
    return True


async def test_drop_leaves_nothing_of_the_namespace(settings: Settings) -> None:
    namespace = f"juhe_drop_{uuid.uuid4().hex[:8]}"
    mine = settings.model_copy(update={"namespace": namespace})
    host = WorkerHost(Runtime.create(mine), list(WORKERS))
    await host.start()
    await host.stop()
    url = mine.amqp_url or ""
    queues, exchanges = namespace_queues(mine), namespace_exchanges(mine)
    assert await exists(url, queues[0], "queue")

    # The delay queues follow the settings (the funds hold): drop with the ones the namespace ran with.
    env = {
        **os.environ,
        "JUHE_AMQP_URL": url,
        "JUHE_MONGODB_URL": mine.mongodb_url or "",
        "JUHE_FUNDS_HOLD_SECONDS": str(mine.funds_hold_seconds),
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "juhe", "namespace", "drop", namespace, env=env, stdout=asyncio.subprocess.PIPE
    )
    out, _ = await process.communicate()

    assert process.returncode == 0
    assert (
        out.decode().strip()
        == f"namespace {namespace}: {len(queues) + len(exchanges)} queues and exchanges deleted"
    )
    left = [q for q in queues if await exists(url, q, "queue")]
    left += [x for x in exchanges if await exists(url, x, "exchange")]
    assert left == []
