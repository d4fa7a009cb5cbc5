"""The edge's runtime: the broker to publish and request on, the store to read."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from edge_api.errors import from_reply
from juhe.messaging.bus import BrokerUnavailableError, amqp_properties
from juhe.runtime import Runtime
from schemas.envelope import Message
from workers.accounts.queries.cached import AccountsCache


class EdgeContext:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.settings = runtime.settings
        #: The shops and platform apps that sign platform pushes, kept per process
        #: (docs/reference-cache.md); a push they refuse is checked against the store.
        self.signers = AccountsCache(runtime.settings.reference_cache_seconds)

    @property
    def db(self) -> Any:
        return self.runtime.store.db

    async def publish(self, message: Message) -> None:
        await self.runtime.bus.publish(message)

    async def request(self, message: Message) -> dict[str, Any]:
        """Ask a worker and wait; the request expires unread if no worker takes it in time."""
        timeout = self.settings.request_timeout_seconds
        try:
            async with asyncio.timeout(timeout + 1):
                response = await self.runtime.broker.request(
                    exchange=self.runtime.topology.exchange_for(type(message)).name,
                    timeout=timeout,
                    expiration=int(timeout),
                    **amqp_properties(message),
                )
        except Exception as exc:
            raise BrokerUnavailableError(f"{message.NAME} got no answer: {exc}") from exc
        reply: dict[str, Any] = json.loads(response.body)
        return reply

    async def ask(self, message: Message) -> dict[str, Any]:
        """`request`, with a worker's refusal raised as the matching API error."""
        reply = await self.request(message)
        if "error" in reply:
            raise from_reply(reply)
        return reply
