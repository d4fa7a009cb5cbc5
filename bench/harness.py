"""Starts the system under test in this process and tears it down again, namespace and all."""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
import socket
import sys
import tempfile
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Iterator
from contextlib import AsyncExitStack, asynccontextmanager, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

import aio_pika
import uvicorn
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.monitoring import CommandListener

from bench import recorder
from bench.metrics import CommandCounter, CommandCounts, Tally, published_counts
from bench.recorder import CommandRecorder
from bench.worker_processes import WorkerChildren
from edge_api.app import create_app
from juhe.affinity import ALL_CPUS, beside_store
from juhe.broker import local_or_configured
from juhe.niceness import lower_this_thread
from juhe.runtime import Runtime
from juhe.settings import Settings
from juhe.store.embedded import configured_store
from juhe.store.mongo import Store
from schemas import routing
from workers.host import WorkerHost
from workers.registry import WORKERS

Doc = dict[str, Any]
T = TypeVar("T")
_STARTUP_SECONDS = 60.0
_STOP_SECONDS = 30.0
_BROKER_PROBE_SECONDS = 15.0


@dataclass(frozen=True)
class Harness:
    settings: Settings
    base_url: str
    store_kind: str
    db: AsyncDatabase[Doc]  # the bench's own client: not counted
    edge_commands: CommandCounter
    #: The workers hosted in this process (none when they run in processes of their own).
    worker_commands: CommandCounter
    #: The store commands of this process (the edge, and the workers when they run here).
    recorder: CommandRecorder
    #: Processes hosting the workers; CPU is measured per pid.
    worker_pids: tuple[int, ...] = ()
    children: WorkerChildren | None = None

    async def reset_counters(self) -> None:
        self.edge_commands.reset()
        self.worker_commands.reset()
        if self.children is not None:
            await self.children.reset()

    async def tally(self) -> Tally:
        """Store commands and publishes counted so far, wherever the workers run."""
        workers, published = CommandCounts.of(self.worker_commands), published_counts()
        if self.children is not None:
            theirs, their_published = await self.children.counts()
            workers += theirs
            published = dict(Counter(published) + Counter(their_published))
        return Tally(CommandCounts.of(self.edge_commands), workers, published)

    async def start_recording(self) -> None:
        """Every process keeps the store commands it sends from now on (`bench.recorder`)."""
        self.recorder.start()
        if self.children is not None:
            await self.children.record()

    async def stop_recording(self, folder: Path) -> list[Path]:
        """One file per process in `folder`, each with what that process recorded."""
        mine = folder / "bench.bson"
        recorder.write(self.recorder.stop(), mine)
        theirs = await self.children.recorded(folder) if self.children is not None else []
        return [mine, *theirs]


class _EdgeServer(uvicorn.Server):
    """No signal handlers: Ctrl-C cancels the bench, whose exit stack then tears down."""

    @contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


@asynccontextmanager
async def running_system(
    prefetch: int, worker_copies: int = 1, worker_processes: int = 0
) -> AsyncIterator[Harness]:
    """Store (embedded unless JUHE_MONGODB_URL), every worker (`worker_copies` copies of each in
    this process, on connections of their own, or one copy in each of `worker_processes`
    processes: competing consumers of every queue), and the edge on a loopback port."""
    if worker_processes and worker_copies != 1:
        raise ValueError("worker copies are for workers in the bench process; processes host one each")
    async with AsyncExitStack() as stack:
        store = _store(stack)
        url, store_kind = store.url, store.kind
        settings = Settings(
            namespace=f"juhe_bench_{secrets.token_hex(4)}",
            database=store.database,
            worker_cpus=store.worker_cpus,
            amqp_url=local_or_configured(dict(os.environ)),
            mongodb_url=url,
            admin_token=secrets.token_hex(16),
            prefetch=prefetch,
        )
        client: AsyncMongoClient[Doc] = AsyncMongoClient(url, tz_aware=True)
        stack.push_async_callback(client.close)
        stack.push_async_callback(client.drop_database, settings.database_name)
        worker_commands, edge_commands, recording = CommandCounter(), CommandCounter(), CommandRecorder()
        hosts = [
            WorkerHost(
                Runtime.create(settings, store=Store(settings, [worker_commands, recording])), list(WORKERS)
            )
            for _ in range(1 if worker_processes else worker_copies)
        ]
        await _probe_broker(local_or_configured(dict(os.environ)))
        # With worker processes, hosts[0] is never started: it names the queues to delete.
        stack.push_async_callback(_within, _STOP_SECONDS, "namespace deletion", _delete_namespace(hosts[0]))
        children = await _start_workers(settings, hosts, worker_processes, stack)
        if children is not None:
            _lower_edge_priority(settings.edge_niceness, stack)
        base_url = await _serve_edge(settings, [edge_commands, recording], stack)
        db = client[settings.database_name]
        pids = children.pids if children else (os.getpid(),)
        yield Harness(
            settings, base_url, store_kind, db, edge_commands, worker_commands, recording, pids, children
        )


async def _start_workers(
    settings: Settings, hosts: list[WorkerHost], processes: int, stack: AsyncExitStack
) -> WorkerChildren | None:
    """The workers in `processes` processes of their own, else the hosts in this event loop."""
    if processes:
        children = await _within(
            _STARTUP_SECONDS, "worker startup", WorkerChildren.start(settings, processes)
        )
        stack.push_async_callback(_within, _STOP_SECONDS, "worker shutdown", children.stop())
        return children
    for host in hosts:
        stack.push_async_callback(_within, _STOP_SECONDS, "worker shutdown", host.stop())
        await _within(_STARTUP_SECONDS, "worker startup", host.start())
    return None


def _lower_edge_priority(niceness: int, stack: AsyncExitStack) -> None:
    """The edge's niceness as `juhe up` sets it, here shared by the load generator, which on a
    real deployment would not run on the system's machine at all. Restored on teardown, so that
    the next system a run starts (`bench ab`) begins from the same priority."""
    before = os.getpriority(os.PRIO_PROCESS, 0)
    lower_this_thread(niceness)
    stack.callback(_restore_priority, before)


def _restore_priority(niceness: int) -> None:
    try:
        os.setpriority(os.PRIO_PROCESS, 0, niceness)
    except PermissionError:  # raising priority needs CAP_SYS_NICE; the topology line says so
        stays = os.getpriority(os.PRIO_PROCESS, 0)
        sys.stderr.write(f"bench: this process stays at niceness {stays}, not {niceness}\n")


class _RunStore(NamedTuple):
    url: str
    kind: str
    #: The database to use there; None: the run's own namespace.
    database: str | None = None
    #: The worker processes' CPUs beside it, as `juhe up` resolves them.
    worker_cpus: str = ALL_CPUS


def _store(stack: AsyncExitStack) -> _RunStore:
    """The configured store, or an embedded one in a fresh temporary data dir.

    In a store of its own the run uses the database name `juhe up` would: the embedded store
    keeps several collections' documents in one table, chosen by a hash of the database and
    collection names, so a run's random name would measure a layout the deployment does not
    have. One such layout (`raw_payloads` beside `sales_rollups`) slows every roll-up write
    about eightfold during some checkpoints (README, Performance)."""
    if url := os.environ.get("JUHE_MONGODB_URL"):
        return _RunStore(url, "external (JUHE_MONGODB_URL)")
    data_dir = Path(tempfile.mkdtemp(prefix="juhe-bench-"))
    stack.callback(shutil.rmtree, data_dir, ignore_errors=True)
    settings = Settings()
    store = configured_store(data_dir, settings)
    stack.callback(store.stop)
    workers = beside_store(settings.worker_cpus, store.cpus)
    kind = (
        f"embedded SecantusDB (child process, embedded_store_cpus={settings.embedded_store_cpus}, "
        f"cache {store.cache_size}, database {settings.database_name}); worker processes on CPUs {workers}"
    )
    return _RunStore(store.start(), kind, settings.database_name, workers)


async def _serve_edge(settings: Settings, listeners: list[CommandListener], stack: AsyncExitStack) -> str:
    """Serve the edge app with uvicorn on a free loopback port in this event loop."""
    runtime = Runtime.create(settings, store=Store(settings, listeners))
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    stack.callback(sock.close)
    config = uvicorn.Config(create_app(settings, runtime), log_config=None, access_log=False, lifespan="on")
    server = _EdgeServer(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    stack.push_async_callback(_stop_server, server, task)
    async with asyncio.timeout(_STARTUP_SECONDS):
        while not server.started:
            if task.done():
                task.result()
                raise RuntimeError("the edge server stopped during startup")
            await asyncio.sleep(0.05)
    return f"http://127.0.0.1:{sock.getsockname()[1]}"


async def _stop_server(server: uvicorn.Server, task: asyncio.Task[None]) -> None:
    """Graceful once started; a server stuck in its startup is cancelled."""
    if server.started:
        server.should_exit = True
        with suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(task), _STOP_SECONDS)
    task.cancel()
    with suppress(asyncio.CancelledError):
        await task


async def _within(seconds: float, what: str, step: Awaitable[T]) -> T:
    """Bound a start or stop step, so a wedged broker or store cannot hang the bench."""
    try:
        async with asyncio.timeout(seconds):
            return await step
    except TimeoutError as exc:
        raise RuntimeError(f"{what} did not finish within {seconds:g} s") from exc


async def _probe_broker(url: str) -> None:
    """Fail fast, with the likely cause, when the broker accepts TCP but not AMQP connections."""
    try:
        connection = await aio_pika.connect(url, timeout=_BROKER_PROBE_SECONDS)
    except Exception as exc:
        raise RuntimeError(
            f"RabbitMQ did not accept an AMQP connection within {_BROKER_PROBE_SECONDS:g} s ({exc!r}); "
            "on RabbitMQ 3.x check `rabbitmqctl eval 'file_handle_cache:info().'` for exhausted handles"
        ) from exc
    await connection.close()


async def _delete_namespace(host: WorkerHost) -> None:
    """Worker queues with their DLQs, the delay queues, and the namespace's exchanges."""
    settings, topology = host.runtime.settings, host.runtime.topology
    queues = [q.name for s in host.runtime.broker.subscribers if (q := getattr(s, "queue", None))]
    queues += [routing.dead_letter_queue(q) for q in queues]
    delays = [topology.delay_exchange(s).name for s in topology.delay_seconds]
    exchanges = [topology.commands.name, topology.events.name, topology.dead_letters.name, *delays]
    connection = await aio_pika.connect(settings.amqp_url, timeout=_BROKER_PROBE_SECONDS)
    async with connection:
        channel = await connection.channel()
        for queue in [*queues, *delays]:  # a delay queue is named after its exchange
            await channel.queue_delete(queue)
        for exchange in exchanges:
            await channel.exchange_delete(exchange)
