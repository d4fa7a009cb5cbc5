"""Reading the broker's management API: the namespace's queues only, with unacked and rates."""

from __future__ import annotations

import httpx

from juhe.messaging.queue_stats import QueueDepth, management_depths

ROWS = [
    {
        "name": "juhe.order.order.place",
        "messages_ready": 3,
        "messages_unacknowledged": 2,
        "consumers": 1,
        "message_stats": {"publish_details": {"rate": 4.5}, "deliver_get_details": {"rate": 4.0}},
    },
    {"name": "juhe.order.order.place.dlq", "messages_ready": 1, "consumers": 0},
    {"name": "other.order.order.place", "messages_ready": 9, "consumers": 1},
]


async def test_management_rows_become_depths_of_this_namespace_only() -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=ROWS)

    transport = httpx.MockTransport(answer)
    depths = await management_depths("http://mq:15672/", "amqp://ops:pw@mq:5672/prod", "juhe.", transport)
    assert depths == {
        "juhe.order.order.place": QueueDepth("juhe.order.order.place", 3, 1, 2, 4.5, 4.0),
        "juhe.order.order.place.dlq": QueueDepth("juhe.order.order.place.dlq", 1, 0, 0, 0.0, 0.0),
    }
    [request] = seen
    assert str(request.url) == "http://mq:15672/api/queues/prod"
    assert request.headers["Authorization"] == httpx.BasicAuth("ops", "pw")._auth_header


async def test_the_default_vhost_is_escaped() -> None:
    urls: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        urls.append(str(request.url))
        return httpx.Response(200, json=[])

    await management_depths(
        "http://mq:15672", "amqp://guest:guest@mq:5672/", "juhe.", httpx.MockTransport(answer)
    )
    assert urls == ["http://mq:15672/api/queues/%2F"]
