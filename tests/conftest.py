"""Session fixtures: one embedded store (unless JUHE_MONGODB_URL is set), one namespace per run."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import pytest

from juhe.broker import local_or_configured
from juhe.settings import Settings
from juhe.store.embedded import EmbeddedStore
from tests.support.api import Api
from tests.support.receiver import CallbackReceiver
from tests.support.system import System, delete_namespace, drop_database, start_system
from workers.audit import audit

FUNDS_HOLD_SECONDS = 4
#: Settlement periods of a few seconds, so a test sees two; statements are issued by hand only.
SETTLEMENT_PERIOD_SECONDS = 5
#: How long the end-of-run audit waits for trailing work before its findings count.
AUDIT_SETTLE_SECONDS = 20.0
#: The salt the 快递100 pushes of the tests are signed with.
KUAIDI100_SALT = "test-kuaidi100-salt"


@pytest.fixture(scope="session")
def mongodb_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if url := os.environ.get("JUHE_MONGODB_URL"):
        yield url
        return
    with EmbeddedStore(Path(tmp_path_factory.mktemp("store"))) as url:
        yield url


@pytest.fixture(scope="session")
def settings(mongodb_url: str) -> Settings:
    return Settings(
        namespace=f"juhe_test_{uuid.uuid4().hex[:8]}",
        amqp_url=local_or_configured(dict(os.environ)),
        mongodb_url=mongodb_url,
        admin_token="test-admin-token-0123456789abcdef",
        funds_hold_seconds=FUNDS_HOLD_SECONDS,
        delivery_limit=5,
        allow_private_targets=True,  # the callback receivers listen on 127.0.0.1
        settlement_period_days=SETTLEMENT_PERIOD_SECONDS / 86_400,
        settlement_hold_days=30,
        kuaidi100_salt=KUAIDI100_SALT,
        # The suite changes prices, tiers, promotions and routing and orders right after; the
        # reference cache's bound is tested on systems of their own (test_reference_cache.py).
        reference_cache_seconds=0,
    )


@pytest.fixture(scope="session")
async def system(settings: Settings) -> AsyncIterator[System]:
    try:
        async with AsyncExitStack() as stack:
            running = await start_system(settings, stack)
            yield running
            # Every test leaves the system quiet; whatever they did, the invariants must hold once
            # the trailing work (sales roll-ups batch their facts) has caught up.
            assert await settled_audit(running.db) == []
            # Every status the suite saw an operation answer is one the published contract documents.
            assert running.contract.undocumented() == []
    finally:  # a failed check above must not leave the run's queues on the broker
        await delete_namespace(settings)
        await drop_database(settings)


async def settled_audit(
    db: Any, within: float = AUDIT_SETTLE_SECONDS, concerning: Callable[[str], bool] = lambda _: True
) -> list[str]:
    """The audit's findings (those `concerning` a test's own data) once they stop changing: empty
    at once on a quiet system, and on a loaded machine after the last roll-up batch, which
    gathers its facts for a moment first; whatever is still found after `within` counts."""
    problems: list[str] = []
    for _ in range(int(within)):
        await asyncio.sleep(1.0)
        problems = [p for p in await audit(db) if concerning(p)]
        if not problems:
            break
    return problems


@pytest.fixture(scope="session")
def api(system: System) -> Api:
    return Api(system.http, system.settings.admin_token)


@pytest.fixture(scope="session")
async def receiver() -> AsyncIterator[CallbackReceiver]:
    running = CallbackReceiver()
    await running.start()
    yield running
    await running.stop()
