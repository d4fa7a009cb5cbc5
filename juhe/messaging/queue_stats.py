"""How full each queue of a namespace is: from the management API when there is one, else from
passive declarations over AMQP (ready and consumers only; the broker tells no more that way)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

import aio_pika
import httpx
from aio_pika.exceptions import ChannelNotFoundEntity

DLQ_SUFFIX = ".dlq"


@dataclass(frozen=True)
class QueueDepth:
    name: str
    ready: int
    consumers: int
    unacked: int | None = None
    publish_rate: float | None = None
    deliver_rate: float | None = None


async def passive_depths(amqp_url: str, names: Sequence[str]) -> dict[str, QueueDepth]:
    """Each existing queue's ready count and consumers; a queue not declared yet is left out."""
    depths: dict[str, QueueDepth] = {}
    connection = await aio_pika.connect(amqp_url, timeout=5)
    async with connection:
        channel = await connection.channel()
        for name in names:
            try:
                queue = await channel.declare_queue(name, passive=True)
            except ChannelNotFoundEntity:  # the broker closes the channel on an unknown queue
                channel = await connection.channel()
                continue
            result = queue.declaration_result
            depths[name] = QueueDepth(name, result.message_count or 0, result.consumer_count or 0)
    return depths


async def management_depths(
    management_url: str, amqp_url: str, prefix: str, transport: httpx.AsyncBaseTransport | None = None
) -> dict[str, QueueDepth]:
    """Every queue whose name starts with `prefix`, with unacked counts and rates."""
    parts = urlsplit(amqp_url)
    vhost = quote(parts.path[1:] or "/", safe="")
    auth = (parts.username or "guest", parts.password or "guest")
    url = f"{management_url.rstrip('/')}/api/queues/{vhost}"
    async with httpx.AsyncClient(auth=auth, timeout=5, transport=transport) as client:
        response = await client.get(url)
        response.raise_for_status()
        rows: list[dict[str, Any]] = response.json()
    return {row["name"]: _from_management(row) for row in rows if str(row.get("name", "")).startswith(prefix)}


def _from_management(row: dict[str, Any]) -> QueueDepth:
    stats = row.get("message_stats") or {}
    return QueueDepth(
        name=row["name"],
        ready=int(row.get("messages_ready") or 0),
        consumers=int(row.get("consumers") or 0),
        unacked=int(row.get("messages_unacknowledged") or 0),
        publish_rate=float((stats.get("publish_details") or {}).get("rate", 0.0)),
        deliver_rate=float((stats.get("deliver_get_details") or {}).get("rate", 0.0)),
    )
