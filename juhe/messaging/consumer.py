"""The subscriber adapter: parse, bind log context, call the handler, publish, then ack."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

import structlog
from faststream import AckPolicy
from faststream.exceptions import RejectMessage
from faststream.rabbit.annotations import RabbitMessage
from prometheus_client import Counter
from pydantic import ValidationError

from juhe.outgoing import DeadLetterError, Outgoing
from juhe.replies import Reply
from juhe.runtime import Runtime
from schemas.envelope import Message

M = TypeVar("M", bound=Message)
Handler = Callable[[M], Awaitable[Sequence[Outgoing]]]
Responder = Callable[[M], Awaitable[Reply]]

_log = structlog.get_logger("juhe.consumer")
HANDLED = Counter("juhe_messages_handled", "Messages handled to completion, before the ack", ["message"])


def parse(message: type[M], raw: RabbitMessage, worker: str) -> M:
    """Validate the body; an invalid message can never succeed, so it is dead-lettered now."""
    structlog.contextvars.clear_contextvars()
    structlog.contextvars.bind_contextvars(worker=worker, message=message.NAME)
    try:
        parsed = message.model_validate_json(raw.body)
    except ValidationError as exc:
        _log.error("message.invalid", errors=exc.errors(include_url=False)[:5])
        raise RejectMessage from exc
    structlog.contextvars.bind_contextvars(message_id=parsed.message_id, correlation_id=parsed.correlation_id)
    return parsed


def _subscriber(
    runtime: Runtime, worker: str, message: type[Message], *, intake: bool = False
) -> Callable[[Callable[..., Awaitable[Any]]], Any]:
    """`worker`'s own quorum queue for `message`; an error nacks it for redelivery. An intake
    subscription (work entering the system) takes the intake channel's smaller prefetch."""
    return runtime.broker.subscriber(
        runtime.topology.queue_for(worker, message),
        runtime.topology.exchange_for(message),
        channel=runtime.intake_channel if intake else runtime.consumer_channel,
        ack_policy=AckPolicy.NACK_ON_ERROR,
        # Replies are sent by `respond` itself: see Bus.reply for why.
        no_reply=True,
        title=f"{worker}:{message.NAME}",
        description=message.__doc__,
    )


def consume(
    runtime: Runtime, worker: str, message: type[M], handle: Handler[M], *, intake: bool = False
) -> None:
    """Subscribe `handle` to `message`; errors nack for redelivery up to the delivery limit."""

    @_subscriber(runtime, worker, message, intake=intake)
    async def _consume(raw: RabbitMessage) -> None:
        parsed = parse(message, raw, worker)
        try:
            outgoing = await handle(parsed)
        except DeadLetterError as exc:
            _log.error("message.dead_lettered", why=str(exc))
            raise RejectMessage from exc
        runtime.faults.hit(f"{worker}.{message.NAME}.before_publish")
        await runtime.bus.publish_all(outgoing)
        HANDLED.labels(message.NAME).inc()
        _log.debug(
            "message.handled",
            published=[type(m).__name__ for m in outgoing],
            redelivered=bool(raw.raw_message.redelivered),
        )


def respond(runtime: Runtime, worker: str, message: type[M], handle: Responder[M]) -> None:
    """Answer a request/reply command; the reply is the handler's result."""

    @_subscriber(runtime, worker, message)
    async def _respond(raw: RabbitMessage) -> None:
        parsed = parse(message, raw, worker)
        reply, follow_ups = await handle(parsed)
        await runtime.bus.publish_all(follow_ups)
        if raw.reply_to:
            await runtime.bus.reply(raw.reply_to, raw.correlation_id, reply)
        HANDLED.labels(message.NAME).inc()
        _log.debug("request.answered", ok="error" not in reply)


async def declare_dead_letter_queues(runtime: Runtime) -> None:
    """Each subscription's DLQ; FastStream declares only the queues it consumes."""
    for subscriber in runtime.broker.subscribers:
        queue = getattr(subscriber, "queue", None)
        if queue is not None:
            await runtime.topology.declare_dead_letter_queue(runtime.broker, queue.name)
