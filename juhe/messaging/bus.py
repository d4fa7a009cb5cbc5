"""Publishing: persistent, confirmed, and raising when a command would go nowhere."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any

import structlog
from faststream.rabbit import RabbitBroker
from prometheus_client import Counter
from pydantic_core import to_json

from juhe.messaging.topology import Topology
from juhe.outgoing import Later, Outgoing
from schemas.envelope import Message

PUBLISHED = Counter("juhe_messages_published", "Messages confirmed by the broker", ["message"])
_log = structlog.get_logger("juhe.bus")

ENVELOPE_FIELDS = {"message_id", "correlation_id", "occurred_at"}
#: Events a person watching the logs wants one line for, at info; everything else is debug.
BUSINESS_EVENTS = frozenset(
    {"order.routed", "order.shipped", "stock.rejected", "wallet.funds_insufficient", "wallet.credited"}
)


def amqp_properties(message: Message) -> dict[str, Any]:
    """Body and properties every Juhe message travels with, published or requested."""
    return {
        "message": message.model_dump_json().encode(),
        "routing_key": message.NAME,
        "persist": True,
        "message_id": message.message_id,
        "correlation_id": message.correlation_id,
        "content_type": "application/json",
    }


class BrokerUnavailableError(RuntimeError):
    """The broker did not confirm a publish; nothing may be assumed accepted."""


class Bus:
    """The one way Juhe code publishes messages."""

    def __init__(self, broker: RabbitBroker, topology: Topology, timeout: float) -> None:
        self._broker = broker
        self._topology = topology
        self._timeout = timeout

    async def publish(self, message: Message) -> None:
        exchange = self._topology.exchange_for(type(message))
        await self._send(message, exchange.name, mandatory=message.MUST_ROUTE)

    async def publish_all(self, messages: Iterable[Outgoing]) -> None:
        for message in messages:
            if isinstance(message, Later):
                await self.publish_after(message.message, message.seconds)
            else:
                await self.publish(message)

    async def publish_after(self, message: Message, seconds: int) -> None:
        """Deliver a command once `seconds` have passed, through that delay's TTL queue."""
        if seconds not in self._topology.delay_seconds:
            raise ValueError(f"no delay queue for {seconds}s; declared: {self._topology.delay_seconds}")
        exchange = self._topology.delay_exchange(seconds)
        await self._send(message, exchange.name, mandatory=True)

    async def reply(self, reply_to: str, correlation_id: str | None, body: dict[str, Any]) -> None:
        """Answer a request on its direct reply-to address.

        Not mandatory: RabbitMQ 3.10 returns a mandatory publish to a direct reply-to address
        as NO_ROUTE even when it delivered it, and an answer whose asker gave up is
        meaningless anyway. Treating that return as a failure redelivered every request
        until its delivery limit.
        """
        async with asyncio.timeout(self._timeout):
            await self._broker.publish(
                to_json(body),
                routing_key=reply_to,
                correlation_id=correlation_id,
                content_type="application/json",
                mandatory=False,
            )

    async def _send(self, message: Message, exchange: str, *, mandatory: bool) -> None:
        try:
            async with asyncio.timeout(self._timeout):
                await self._broker.publish(
                    exchange=exchange,
                    mandatory=mandatory,
                    message_type=message.NAME,
                    **amqp_properties(message),
                )
        except Exception as exc:  # any failure means the broker did not take it
            raise BrokerUnavailableError(f"publish of {message.NAME} not confirmed: {exc}") from exc
        PUBLISHED.labels(message.NAME).inc()
        if message.NAME in BUSINESS_EVENTS:
            _log.info(message.NAME, **message.model_dump(mode="json", exclude=ENVELOPE_FIELDS))
