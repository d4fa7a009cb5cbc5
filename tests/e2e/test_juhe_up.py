"""`juhe up` as its own process: HTTP in, outcomes out, Ctrl-C stops it cleanly."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from juhe.broker import local_or_configured
from juhe.settings import Settings
from juhe.store.mongo import Store
from tests.support.api import Api
from tests.support.system import delete_namespace, eventually
from workers.registry import WORKERS

pytestmark = pytest.mark.e2e
ADMIN_TOKEN = "e2e-admin-token-0123456789abcdef"
#: A refusal is immediate; the bound leaves room for the interpreter's start on a busy machine.
REFUSAL_SECONDS = 20
#: Bounds for a hang, not timings: store, broker and worker processes start on a busy machine.
READY_SECONDS = 120
EDGE_NICENESS = Settings.model_fields["edge_niceness"].default


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class Running:
    base: str
    process: asyncio.subprocess.Process
    env: dict[str, str]


@pytest.fixture(scope="module")
async def juhe_up(mongodb_url: str, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Running]:
    port, namespace = free_port(), f"juhe_e2e_{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "JUHE_MONGODB_URL": mongodb_url,
        "JUHE_AMQP_URL": local_or_configured(dict(os.environ)),
        "JUHE_NAMESPACE": namespace,
        "JUHE_API_PORT": str(port),
        "JUHE_ADMIN_TOKEN": ADMIN_TOKEN,
        "JUHE_DATA_DIR": str(tmp_path_factory.mktemp("e2e")),
    }
    log = Path(env["JUHE_DATA_DIR"]) / "up.log"
    with log.open("wb") as sink:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "juhe", "up", env=env, stdout=sink, stderr=sink
        )
        running = Running(f"http://127.0.0.1:{port}", process, env)
        try:
            async with httpx.AsyncClient(base_url=running.base, timeout=10) as http:
                await eventually(lambda: _ready(http), within=READY_SECONDS, what="juhe up ready")
            yield running
        finally:  # also when it never became ready: nothing of it may outlive the module
            await _stop(process)
    settings = Settings(namespace=namespace, mongodb_url=mongodb_url, amqp_url=env["JUHE_AMQP_URL"])
    await delete_namespace(settings)
    store = Store(settings)
    await store.connect()
    await store.client.drop_database(settings.database_name)
    await store.close()


async def _stop(process: asyncio.subprocess.Process) -> None:
    """Ctrl-C, as a person would (its worker processes stop with it); kill if it hangs."""
    if process.returncode is not None:
        return
    process.send_signal(signal.SIGINT)
    try:
        await asyncio.wait_for(process.wait(), timeout=READY_SECONDS)
    except TimeoutError:
        process.kill()
        await process.wait()


async def refusal(env: dict[str, str], **changes: str) -> tuple[int, str]:
    """Run another `juhe up` that must refuse to start: its exit code and what it said."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "juhe",
        "up",
        env={**env, **changes},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _, err = await asyncio.wait_for(process.communicate(), timeout=REFUSAL_SECONDS)
    assert process.returncode is not None
    return process.returncode, err.decode().strip().splitlines()[-1]


async def test_a_second_juhe_on_the_same_data_dir_names_the_first(juhe_up: Running) -> None:
    code, said = await refusal(juhe_up.env, JUHE_API_PORT=str(free_port()))
    assert code == 1
    assert said == (
        f"juhe: the data dir {juhe_up.env['JUHE_DATA_DIR']} is in use by another juhe "
        f"(pid {juhe_up.process.pid}); stop it, or set JUHE_DATA_DIR to another folder"
    )


async def test_a_taken_port_is_refused_before_anything_starts(juhe_up: Running, tmp_path: Path) -> None:
    code, said = await refusal(juhe_up.env, JUHE_DATA_DIR=str(tmp_path))
    port = juhe_up.env["JUHE_API_PORT"]
    assert code == 1
    assert said == (
        f"juhe: cannot listen on 127.0.0.1:{port} (Address already in use); "
        "stop what holds it, or set JUHE_API_PORT"
    )
    assert not (tmp_path / "store").exists()


async def test_an_unreachable_broker_is_one_line(juhe_up: Running, tmp_path: Path) -> None:
    code, said = await refusal(
        juhe_up.env,
        JUHE_DATA_DIR=str(tmp_path),
        JUHE_API_PORT=str(free_port()),
        JUHE_AMQP_URL="amqp://guest:s3cret@127.0.0.1:1/",
    )
    assert code == 1
    assert said == (
        "juhe: the broker at amqp://guest:***@127.0.0.1:1/ is unreachable ([Errno 111] Connection refused); "
        "start RabbitMQ there, or unset JUHE_AMQP_URL to run a private broker under the data dir"
    )


async def test_the_edge_leaves_the_cpu_to_its_workers_first(juhe_up: Running) -> None:
    """Once its worker process has started, `juhe up` lowers its own priority, which serves the
    edge, to `JUHE_EDGE_NICENESS`; the worker process keeps the priority it started with."""
    [worker] = _worker_pids((Path(juhe_up.env["JUHE_DATA_DIR"]) / "up.log").read_text())
    assert _niceness(worker) == _own_niceness()
    assert _niceness(juhe_up.process.pid) == max(_own_niceness(), EDGE_NICENESS)


async def test_order_flows_through_a_running_system(juhe_up: Running) -> None:
    base, process = juhe_up.base, juhe_up.process
    async with httpx.AsyncClient(base_url=base, timeout=10) as http:
        order = await _route_one_order(Api(http, ADMIN_TOKEN), "E2E-1")
        assert (order["charged"], order["lines"][0]["unit_cost"]) == (1200, 1200)

    process.send_signal(signal.SIGINT)
    assert await asyncio.wait_for(process.wait(), timeout=READY_SECONDS) == 0


async def _route_one_order(api: Api, order_id: str) -> dict[str, object]:
    """A supplier, a funded merchant, a listed SKU, one order of it: the order once routed."""
    supplier, merchant = await api.supplier(), await api.merchant()
    shop = await api.shop(merchant)
    await api.top_up(merchant, 5000)
    sku = await api.listed_sku(supplier, stock=3)
    await eventually(lambda: _on_hand(api, sku, 3), what="stock")
    key = (await api.place(shop, order_id, [(sku, 1)])).json()["order_key"]
    return await eventually(lambda: _routed(api, key), what="routed")


async def _ready(http: httpx.AsyncClient) -> bool:
    try:
        return (await http.get("/readyz")).status_code == 200
    except httpx.TransportError:
        return False


async def _on_hand(api: Api, sku: str, n: int) -> bool:
    return (await api.sku(sku))["on_hand"] == n


async def _routed(api: Api, key: str) -> dict[str, object] | None:
    response = await api.http.get(f"/v1/orders/{key}", headers=api.admin)
    order: dict[str, object] | None = response.json() if response.status_code == 200 else None
    return order if order is not None and order["status"] == "routed" else None


async def test_an_unknown_worker_in_the_plan_is_one_line(juhe_up: Running, tmp_path: Path) -> None:
    code, said = await refusal(
        juhe_up.env,
        JUHE_DATA_DIR=str(tmp_path),
        JUHE_API_PORT=str(free_port()),
        JUHE_WORKER_PROCESSES="order;nope",
    )
    assert code == 2
    assert said.startswith("juhe: invalid setting JUHE_WORKER_PROCESSES: unknown worker nope; known: ")


async def test_worker_groups_route_an_order_and_die_with_a_killed_juhe(
    juhe_up: Running, tmp_path: Path
) -> None:
    """Two worker processes, each hosting some workers: an order crosses both; kill -9 of
    `juhe up` takes them down (their pipe from it closes). Both keep the priority they were
    started with; the edge's process runs at the edge's niceness."""
    others = ",".join(sorted(set(WORKERS) - {"order", "inventory"}))
    async with another_up(juhe_up, tmp_path, JUHE_WORKER_PROCESSES=f"order,inventory;{others}") as up:
        pids = _worker_pids(up.log.read_text())
        assert len(pids) == 2
        assert [_niceness(pid) for pid in pids] == [_own_niceness(), _own_niceness()]
        assert _niceness(up.process.pid) == max(_own_niceness(), EDGE_NICENESS)
        await _route_one_order(Api(up.http, ADMIN_TOKEN), "E2E-GROUPS")
    await eventually(lambda: _all_gone(pids), within=30, what="worker processes gone")


async def test_workers_in_the_edges_process_keep_its_priority(juhe_up: Running, tmp_path: Path) -> None:
    """`JUHE_WORKER_PROCESSES=0`: the edge shares its process with the workers, so it does not
    lower its priority below the store's and the broker's."""
    async with another_up(juhe_up, tmp_path, JUHE_WORKER_PROCESSES="0") as up:
        assert "  workers: in the API's process" in up.log.read_text().splitlines()
        assert _niceness(up.process.pid) == _own_niceness()


@pytest.mark.skipif(not hasattr(os, "sched_setaffinity"), reason="no CPU affinity here")
async def test_worker_processes_run_on_the_cpus_they_are_given(juhe_up: Running, tmp_path: Path) -> None:
    """`JUHE_WORKER_CPUS` names CPUs: the worker process and every thread it started run there,
    while the edge's process keeps every CPU."""
    first, every = min(os.sched_getaffinity(0)), os.sched_getaffinity(0)
    async with another_up(juhe_up, tmp_path, JUHE_WORKER_CPUS=str(first)) as up:
        [worker] = _worker_pids(up.log.read_text())
        threads = _cpus_of_threads(worker)
        assert len(threads) > 1
        assert set(threads.values()) == {frozenset({first})}
        assert os.sched_getaffinity(up.process.pid) == every


@dataclass(frozen=True)
class AnotherUp:
    process: asyncio.subprocess.Process
    http: httpx.AsyncClient
    log: Path


@asynccontextmanager
async def another_up(juhe_up: Running, tmp_path: Path, **changes: str) -> AsyncIterator[AnotherUp]:
    """A second `juhe up` on the same store and broker with other settings, killed (-9) after."""
    port = free_port()
    env = {**juhe_up.env, "JUHE_DATA_DIR": str(tmp_path), "JUHE_API_PORT": str(port), **changes}
    log = tmp_path / "up.log"
    with log.open("wb") as sink:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "juhe", "up", env=env, stdout=sink, stderr=sink
        )
        try:
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=10) as http:
                await eventually(lambda: _ready(http), within=READY_SECONDS, what="juhe up ready")
                yield AnotherUp(process, http, log)
        finally:
            if process.returncode is None:
                process.kill()
            await process.wait()


def _worker_pids(banner: str) -> list[int]:
    [line] = [line for line in banner.splitlines() if line.strip().startswith("workers: pid")]
    return [int(part.split()[0]) for part in line.split("pid ")[1:]]


async def _all_gone(pids: list[int]) -> bool:
    return not any(_alive(pid) for pid in pids)


def _cpus_of_threads(pid: int) -> dict[int, frozenset[int]]:
    """The CPUs each thread of a process may run on (a thread that ended meanwhile is left out)."""
    cpus = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        with suppress(ProcessLookupError):
            cpus[int(tid)] = frozenset(os.sched_getaffinity(int(tid)))
    return cpus


def _own_niceness() -> int:
    return os.getpriority(os.PRIO_PROCESS, 0)


def _niceness(pid: int) -> int:
    """The niceness of a process's main thread (Linux keeps it per thread)."""
    return os.getpriority(os.PRIO_PROCESS, pid)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
