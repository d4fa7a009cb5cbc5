"""What ops watch: how full every queue of this namespace is, and its dead letters."""

from __future__ import annotations

import httpx
import structlog
from aio_pika.exceptions import AMQPError
from fastapi import APIRouter
from pydantic import BaseModel

from edge_api.deps import Edge, Operator
from edge_api.openapi import errors
from juhe.broker import resolve_amqp_url
from juhe.messaging.bus import BrokerUnavailableError
from juhe.messaging.queue_stats import DLQ_SUFFIX, QueueDepth, management_depths, passive_depths
from juhe.settings import Settings
from workers.namespace import namespace_queues

router = APIRouter(prefix="/v1/ops", tags=["ops"])
_log = structlog.get_logger("edge.ops")


class QueueItem(BaseModel):
    name: str
    ready: int
    #: Null where the broker's management API is not configured (`JUHE_RABBITMQ_MANAGEMENT_URL`).
    unacked: int | None
    consumers: int
    #: Messages its subscription gave up on, waiting in `<name>.dlq`; null for a delay queue.
    dead_letters: int | None
    #: Messages per second over the management API's last sample; null without it.
    publish_rate: float | None
    deliver_rate: float | None


class QueueList(BaseModel):
    items: list[QueueItem]


#: Per namespace: its queues as the workers declare them, and which of those have a DLQ.
_KNOWN: dict[str, tuple[list[str], frozenset[str]]] = {}


def _queues_of(settings: Settings) -> tuple[list[str], frozenset[str]]:
    if settings.namespace not in _KNOWN:
        names = namespace_queues(settings)
        with_dlq = frozenset(n.removesuffix(DLQ_SUFFIX) for n in names if n.endswith(DLQ_SUFFIX))
        _KNOWN[settings.namespace] = [n for n in names if not n.endswith(DLQ_SUFFIX)], with_dlq
    return _KNOWN[settings.namespace]


@router.get("/queues", responses=errors(503))
async def queues(edge: Edge, _: Operator) -> QueueList:
    """Every queue of the namespace, subscriptions and delays, with its dead letters."""
    settings = edge.settings
    names, with_dlq = _queues_of(settings)
    depths = await _depths(settings, [*names, *(n + DLQ_SUFFIX for n in sorted(with_dlq))])
    items = [_item(depths[n], depths, n in with_dlq) for n in names if n in depths]
    return QueueList(items=items)


async def _depths(settings: Settings, names: list[str]) -> dict[str, QueueDepth]:
    amqp_url = resolve_amqp_url(settings)
    if settings.rabbitmq_management_url:
        try:
            prefix = f"{settings.namespace}."
            return await management_depths(settings.rabbitmq_management_url, amqp_url, prefix)
        except (httpx.HTTPError, ValueError) as exc:  # fall back to what AMQP can tell
            _log.warning("ops.management_unavailable", error=type(exc).__name__)
    try:
        return await passive_depths(amqp_url, names)
    except (AMQPError, OSError, TimeoutError) as exc:
        raise BrokerUnavailableError(str(exc)) from exc


def _item(depth: QueueDepth, depths: dict[str, QueueDepth], has_dlq: bool) -> QueueItem:
    dlq = depths.get(depth.name + DLQ_SUFFIX)
    return QueueItem(
        name=depth.name,
        ready=depth.ready,
        unacked=depth.unacked,
        consumers=depth.consumers,
        dead_letters=(dlq.ready if dlq else 0) if has_dlq else None,
        publish_rate=depth.publish_rate,
        deliver_rate=depth.deliver_rate,
    )
