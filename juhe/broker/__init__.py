"""Where the broker is: the configured URL, or the private node a `juhe up` announced."""

from __future__ import annotations

from pathlib import Path

from juhe.announced import announced_url
from juhe.settings import Settings

#: The broker a machine's own RabbitMQ package runs: what the tests and the bench use by default.
LOCAL_BROKER_URL = "amqp://guest:guest@127.0.0.1:5672/"


def local_or_configured(environ: dict[str, str]) -> str:
    return environ.get("JUHE_AMQP_URL") or LOCAL_BROKER_URL


def broker_url_file(data_dir: Path) -> Path:
    """Where `juhe up` / `juhe broker` writes the embedded broker's URL for sibling processes."""
    return data_dir / "broker.url"


def resolve_amqp_url(settings: Settings) -> str:
    """The configured URL, else the one a running embedded broker announced."""
    return announced_url(settings.amqp_url, broker_url_file(settings.data_dir), "JUHE_AMQP_URL", "broker")
