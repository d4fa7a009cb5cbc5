"""The per-process composition: broker, topology, bus, store and outbound HTTP, wired once."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import httpx
from faststream.rabbit import Channel, RabbitBroker

from juhe.broker import resolve_amqp_url
from juhe.faults import Faults
from juhe.messaging.bus import Bus
from juhe.messaging.topology import Topology
from juhe.outbound import http_client
from juhe.periodic import PeriodicJobs
from juhe.settings import Settings
from juhe.store.mongo import Store
from schemas import routing


def build_topology(settings: Settings) -> Topology:
    delays = tuple(sorted({*routing.BACKOFF_SECONDS, settings.funds_hold_seconds}))
    return Topology(settings.namespace, settings.delivery_limit, delays)


@dataclass
class Runtime:
    """Everything a worker or the edge needs; clients open in `start()`, never at import."""

    settings: Settings
    broker: RabbitBroker
    topology: Topology
    bus: Bus
    store: Store
    faults: Faults = field(default_factory=Faults)
    consumer_channel: Channel = field(default_factory=Channel)
    intake_channel: Channel = field(default_factory=Channel)
    periodic: PeriodicJobs = field(default_factory=PeriodicJobs)
    _http: httpx.AsyncClient | None = None

    @classmethod
    def create(cls, settings: Settings, faults: Faults | None = None, store: Store | None = None) -> Runtime:
        broker = RabbitBroker(
            resolve_amqp_url(settings),
            default_channel=Channel(publisher_confirms=True, on_return_raises=True),
            graceful_timeout=15.0,
            logger=None,
        )
        topology = build_topology(settings)
        return cls(
            settings=settings,
            broker=broker,
            topology=topology,
            bus=Bus(broker, topology, settings.publish_timeout_seconds),
            store=store or Store(settings),
            faults=faults or Faults(),
            consumer_channel=Channel(prefetch_count=settings.prefetch),
            intake_channel=Channel(prefetch_count=settings.intake_prefetch),
        )

    @property
    def http(self) -> httpx.AsyncClient:
        if self._http is None:
            self._http = http_client(self.settings)
        return self._http

    async def post(self, url: str, body: bytes, headers: dict[str, str]) -> int:
        """One outbound POST (a `juhe.outbound.Poster`): the HTTP status, or raises on network trouble."""
        response = await self.http.post(url, content=body, headers=headers)
        return response.status_code

    @property
    def give_up_after(self) -> timedelta:
        """How long an outbound push is retried before it is dead-lettered."""
        return timedelta(seconds=self.settings.callback_give_up_seconds)

    async def close_http(self) -> None:
        if self._http is not None:
            await self._http.aclose()
            self._http = None
