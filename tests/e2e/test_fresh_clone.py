"""A fresh clone on a machine with nothing but Debian's Python, git and make: `make run` works.

Run as a newcomer would: a clean environment (no uv, Debian's externally managed Python, no
JUHE_AMQP_URL or JUHE_MONGODB_URL), so the first run bootstraps uv, installs the project and
starts the embedded store and broker. Ctrl-C stops everything; a second run has the order.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from juhe.settings import DEV_ADMIN_TOKEN
from tests.e2e.test_juhe_up import free_port
from tests.support.api import Api
from tests.support.system import eventually

pytestmark = pytest.mark.e2e
REPO = Path(__file__).resolve().parents[2]
#: The first run downloads uv and every dependency from the package registry.
FIRST_READY_SECONDS = 900
READY_SECONDS = 180
STOP_SECONDS = 90


@dataclass
class Clone:
    path: Path
    env: dict[str, str]
    base: str
    log: Path


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> Clone:
    root = tmp_path_factory.mktemp("fresh")
    path = root / "juhe"
    subprocess.run(["git", "clone", "-q", str(REPO), str(path)], check=True)
    (root / "home").mkdir()
    port = free_port()
    env = {
        "HOME": str(root / "home"),
        "PATH": "/usr/sbin:/usr/bin:/sbin:/bin",
        "JUHE_API_PORT": str(port),
    }
    return Clone(path, env, f"http://127.0.0.1:{port}", root / "run.log")


@pytest.fixture
async def make_run(clone: Clone) -> AsyncIterator[asyncio.subprocess.Process]:
    with clone.log.open("ab") as log:
        # Its own process group, as a terminal's foreground job: Ctrl-C reaches make, uv and juhe.
        process = await asyncio.create_subprocess_exec(
            "make", "run", cwd=clone.path, env=clone.env, stdout=log, stderr=log, start_new_session=True
        )
    yield process
    if process.returncode is None:
        os.killpg(process.pid, signal.SIGKILL)
        await process.wait()


async def ready_after(clone: Clone, process: asyncio.subprocess.Process, within: float) -> float:
    started = time.monotonic()
    async with httpx.AsyncClient(base_url=clone.base, timeout=10) as http:

        async def ready() -> bool:
            assert process.returncode is None, clone.log.read_text()[-3000:]
            try:
                return (await http.get("/readyz")).status_code == 200
            except httpx.TransportError:
                return False

        await eventually(ready, within=within, what="make run ready")
    return time.monotonic() - started


async def interrupt(clone: Clone, process: asyncio.subprocess.Process) -> None:
    """Ctrl-C: make reports the interrupt as it always does; juhe has stopped everything first."""
    os.killpg(process.pid, signal.SIGINT)
    code = await asyncio.wait_for(process.wait(), timeout=STOP_SECONDS)
    assert code in (0, -signal.SIGINT)
    this_run = clone.log.read_text().rsplit("Juhe is up", 1)[-1]
    assert '"event": "workers.stopped"' in this_run  # make may add its own line after it
    await eventually(lambda: _nothing_left(clone), within=STOP_SECONDS, what="no process of the clone left")


async def _nothing_left(clone: Clone) -> bool:
    ps = await asyncio.create_subprocess_exec("ps", "-eww", "-o", "args", stdout=asyncio.subprocess.PIPE)
    listing = (await ps.communicate())[0].decode()
    return not [line for line in listing.splitlines() if str(clone.path) in line and "ps -eww" not in line]


async def place_an_order(clone: Clone) -> str:
    async with httpx.AsyncClient(base_url=clone.base, timeout=10) as http:
        api = Api(http, DEV_ADMIN_TOKEN)
        supplier, merchant = await api.supplier(), await api.merchant()
        shop = await api.shop(merchant)
        await api.top_up(merchant, 5000)
        sku = await api.listed_sku(supplier, stock=3)
        await eventually(lambda: _on_hand(api, sku), what="stock")
        key: str = (await api.place(shop, "FRESH-1", [(sku, 1)])).json()["order_key"]
        order = await eventually(lambda: _status(api, key, "routed"), what="routed")
        assert order["charged"] == 1200
        return key


async def _on_hand(api: Api, sku: str) -> bool:
    return bool((await api.sku(sku))["on_hand"] == 3)


async def _status(api: Api, key: str, status: str) -> dict[str, object] | None:
    response = await api.http.get(f"/v1/orders/{key}", headers=api.admin)
    return response.json() if response.status_code == 200 and response.json()["status"] == status else None


async def test_first_run_from_a_fresh_clone(clone: Clone, make_run: asyncio.subprocess.Process) -> None:
    first = await ready_after(clone, make_run, FIRST_READY_SECONDS)
    (clone.path.parent / "order_key").write_text(await place_an_order(clone))
    await interrupt(clone, make_run)
    print(f"fresh clone to ready: {first:.0f} s")  # noqa: T201 - the figure the README quotes


async def test_second_run_on_the_same_data_dir_has_the_order(
    clone: Clone, make_run: asyncio.subprocess.Process
) -> None:
    second = await ready_after(clone, make_run, READY_SECONDS)
    key = (clone.path.parent / "order_key").read_text()
    async with httpx.AsyncClient(base_url=clone.base, timeout=10) as http:
        order = await _status(Api(http, DEV_ADMIN_TOKEN), key, "routed")
    assert order is not None
    await interrupt(clone, make_run)
    print(f"second run to ready: {second:.0f} s")  # noqa: T201
