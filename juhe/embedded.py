"""The embedded store and broker of one data dir: started when no URL is configured, announced
to sibling processes through files in the data dir, stopped in reverse order."""

from __future__ import annotations

from contextlib import ExitStack, suppress
from pathlib import Path

import structlog

from juhe.affinity import beside_store
from juhe.broker import broker_url_file
from juhe.broker.embedded import EmbeddedBroker
from juhe.settings import Settings
from juhe.store.embedded import configured_store
from juhe.store.mongo import store_url_file

_log = structlog.get_logger("juhe.embedded")


def _announce(stack: ExitStack, file: Path, url: str) -> None:
    file.write_text(url)
    stack.callback(lambda: file.unlink(missing_ok=True))


def start_store(settings: Settings, stack: ExitStack) -> Settings:
    """Settings pointing at the configured store, or at an embedded one started now (with the
    worker processes' CPUs resolved beside it)."""
    if settings.mongodb_url:
        return settings
    store = configured_store(settings.data_dir, settings)
    url = store.start()
    stack.callback(store.stop)
    _announce(stack, store_url_file(settings.data_dir), url)
    _log.info("store.started", url=url, data_dir=str(settings.data_dir))
    workers = beside_store(settings.worker_cpus, store.cpus)
    return settings.model_copy(update={"mongodb_url": url, "worker_cpus": workers})


def start_broker(settings: Settings, stack: ExitStack) -> tuple[Settings, str | None]:
    """Settings pointing at the configured broker, or at a private node started now (with its
    management URL)."""
    if settings.amqp_url:
        return settings, None
    broker = EmbeddedBroker(settings.data_dir)
    urls = broker.start()
    stack.callback(broker.stop)
    _announce(stack, broker_url_file(settings.data_dir), urls.amqp)
    _log.info("broker.started", url=urls.amqp, management=urls.management)
    running = settings.model_copy(update={"amqp_url": urls.amqp, "rabbitmq_management_url": urls.management})
    return running, urls.management


def forget(settings: Settings) -> None:
    """Remove stale announcements a killed `juhe` could not remove itself."""
    for file in (store_url_file(settings.data_dir), broker_url_file(settings.data_dir)):
        with suppress(FileNotFoundError):
            file.unlink()
