"""At send time: the outbound client connects only to checked addresses, and a refused target is a
visible failure (logged, dead-lettered at once), not a retry. No connection is ever opened here.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpcore
import pytest

from juhe.broker import LOCAL_BROKER_URL
from juhe.outbound import VettedBackend, http_client
from juhe.outgoing import DeadLetterError
from juhe.runtime import Runtime
from juhe.settings import Settings
from juhe.targets import TargetRefusedError
from schemas.commands import DeliverShipment
from tests.unit.order.test_deliveries import logged, shipped
from tests.unit.order.world import World
from tests.unit.test_targets import resolver
from workers.order.handlers.deliveries import deliver_shipment


class Inner(httpcore.AsyncNetworkBackend):
    """Records where a connection would go; connects nowhere."""

    def __init__(self, failing: tuple[str, ...] = ()) -> None:
        self.attempts: list[tuple[str, int]] = []
        self.failing = failing

    async def connect_tcp(self, host: str, port: int, *args: Any, **kwargs: Any) -> Any:
        self.attempts.append((host, port))
        if host in self.failing:
            raise httpcore.ConnectError(f"{host} unreachable")
        return "a stream"


async def test_a_name_that_resolves_to_loopback_is_refused_before_connecting() -> None:
    inner = Inner()
    backend = VettedBackend(resolver("127.0.0.1"), inner)
    with pytest.raises(TargetRefusedError, match=r"shop\.example is a loopback address"):
        await backend.connect_tcp("shop.example", 443)
    assert inner.attempts == []


async def test_the_connection_goes_to_a_checked_address_trying_each_in_turn() -> None:
    inner = Inner(failing=("93.184.216.34",))
    backend = VettedBackend(resolver("93.184.216.34", "93.184.216.35"), inner)
    assert await backend.connect_tcp("shop.example", 443) == "a stream"
    assert inner.attempts == [("93.184.216.34", 443), ("93.184.216.35", 443)]


async def test_a_name_that_does_not_resolve_now_is_a_connect_error_to_retry() -> None:
    async def fails(host: str, port: int) -> list[str]:
        raise OSError("temporary failure in name resolution")

    with pytest.raises(httpcore.ConnectError):
        await VettedBackend(fails, Inner()).connect_tcp("shop.example", 443)


async def test_the_outbound_client_refuses_a_name_that_now_resolves_to_loopback() -> None:
    client = http_client(
        Settings(allow_private_targets=False), resolve=resolver("93.184.216.34", "127.0.0.1")
    )
    async with client:
        with pytest.raises(TargetRefusedError, match=r"shop\.example is a loopback address"):
            await client.post("https://shop.example/cb", content=b"{}")


async def test_the_runtime_posts_through_the_checked_client() -> None:
    runtime = Runtime.create(Settings(allow_private_targets=False, amqp_url=LOCAL_BROKER_URL))
    try:
        with pytest.raises(TargetRefusedError, match="localhost is a loopback address"):
            await runtime.post("http://localhost:9/cb", b"{}", {})
    finally:
        await runtime.close_http()


async def test_a_refused_target_is_logged_as_failed_and_dead_lettered_at_once() -> None:
    """Through the runtime's real client, refused before connecting; not retried: the first
    attempt, long before the give-up time, ends it. The shop's callback URL was fine when it was
    added; its name now means loopback."""
    w = World()
    w.accounts.add_shop("generic", "shop1", callback_url="http://localhost:9/cb")
    key, sub_id = await shipped(w)
    runtime = Runtime.create(Settings(allow_private_targets=False, amqp_url=LOCAL_BROKER_URL))
    cmd = DeliverShipment(correlation_id=key, order_key=key, sub_order_id=sub_id)
    try:
        with pytest.raises(DeadLetterError, match=r"order\.deliver_shipment was refused"):
            await deliver_shipment(cmd, deps=w.deliveries(runtime.post, timedelta(days=1)))
    finally:
        await runtime.close_http()
    assert [(e.type, e.data["attempts"], e.data["error"]) for e in logged(w, key)] == [
        (
            "shipment_synced_failed",
            1,
            "refused target: localhost is a loopback address (127.0.0.1); requests may not go there",
        )
    ]
