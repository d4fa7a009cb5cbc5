"""The broker topology of DESIGN.md: exchanges, quorum queues with DLQs, delay queues."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from faststream.rabbit import ExchangeType, QueueType, RabbitBroker, RabbitExchange, RabbitQueue

from schemas import routing
from schemas.envelope import Message

# Queue arguments are plain AMQP tables; FastStream's TypedDicts do not know the newer keys.
# Quorum queues dead-letter at-most-once unless told otherwise; at-least-once needs
# reject-publish overflow. Losing a dead letter would lose an accepted order.
_SAFE_DEAD_LETTERING = {"x-dead-letter-strategy": "at-least-once", "x-overflow": "reject-publish"}


@dataclass(frozen=True)
class Topology:
    """Names and declarations for one namespace (a deployment or a test run)."""

    namespace: str
    delivery_limit: int
    delay_seconds: tuple[int, ...] = field(default=routing.BACKOFF_SECONDS)

    @property
    def commands(self) -> RabbitExchange:
        return RabbitExchange(routing.exchange(self.namespace, routing.COMMANDS), ExchangeType.DIRECT)

    @property
    def events(self) -> RabbitExchange:
        return RabbitExchange(routing.exchange(self.namespace, routing.EVENTS), ExchangeType.TOPIC)

    @property
    def dead_letters(self) -> RabbitExchange:
        name = routing.exchange(self.namespace, routing.DEAD_LETTERS)
        return RabbitExchange(name, ExchangeType.DIRECT)

    def exchange_for(self, message: type[Message]) -> RabbitExchange:
        return self.commands if message.IS_COMMAND else self.events

    def queue_for(self, worker: str, message: type[Message]) -> RabbitQueue:
        name = routing.queue(self.namespace, worker, message.NAME)
        arguments: Any = {
            "x-delivery-limit": self.delivery_limit,
            "x-dead-letter-exchange": self.dead_letters.name,
            "x-dead-letter-routing-key": name,
            **_SAFE_DEAD_LETTERING,
        }
        return RabbitQueue(
            name,
            QueueType.QUORUM,
            arguments=arguments,
            routing_key=message.NAME,
        )

    def delay_exchange(self, seconds: int) -> RabbitExchange:
        return RabbitExchange(routing.delay_exchange(self.namespace, seconds), ExchangeType.FANOUT)

    async def declare_dead_letter_queue(self, broker: RabbitBroker, queue_name: str) -> None:
        dlx = await broker.declare_exchange(self.dead_letters)
        dlq = await broker.declare_queue(RabbitQueue(routing.dead_letter_queue(queue_name), QueueType.QUORUM))
        await dlq.bind(dlx, routing_key=queue_name)

    async def declare_delay_queues(self, broker: RabbitBroker) -> None:
        """A fanout exchange + TTL queue per delay that dead-letters back to the commands."""
        await broker.declare_exchange(self.commands)
        for seconds in self.delay_seconds:
            exchange = await broker.declare_exchange(self.delay_exchange(seconds))
            arguments: Any = {
                "x-message-ttl": seconds * 1000,
                "x-dead-letter-exchange": self.commands.name,
                **_SAFE_DEAD_LETTERING,
            }
            queue = await broker.declare_queue(
                RabbitQueue(
                    exchange.name,
                    QueueType.QUORUM,
                    arguments=arguments,
                )
            )
            await queue.bind(exchange)
