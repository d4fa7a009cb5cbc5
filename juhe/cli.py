"""`juhe`: run the whole system (`up`), one worker, the API, the embedded store or broker."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import ExitStack, asynccontextmanager, contextmanager
from typing import TYPE_CHECKING, Annotated

import httpx
import typer

from juhe import console
from juhe.affinity import pin_this_process
from juhe.console import fail
from juhe.embedded import forget, start_broker, start_store
from juhe.niceness import lower_this_thread
from juhe.preflight import Refused, lock_data_dir, require_broker, require_free_port, require_store
from juhe.settings import Settings
from juhe.worker_plan import resolve_groups
from juhe.worker_processes import WorkerProcess, WorkerProcesses

if TYPE_CHECKING:
    from workers.host import WorkerHost

#: How long a worker process may take to stop cleanly before it just exits.
WORKER_STOP_SECONDS = 10.0

cli = typer.Typer(
    help="Juhe aggregated supply chain. Every command reads its settings from JUHE_* variables.",
    epilog=console.settings_help(),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)
namespace_cli = typer.Typer(help="A namespace's queues and exchanges on the broker.", no_args_is_help=True)
cli.add_typer(namespace_cli, name="namespace")


@contextmanager
def _services(settings: Settings, stack: ExitStack) -> Iterator[tuple[Settings, str | None]]:
    """The store and the broker, embedded where no URL is set, each checked before use."""
    settings = start_store(settings, stack)
    require_store(settings.mongodb_url or "")
    settings, management = start_broker(settings, stack)
    require_broker(settings.amqp_url or "")
    yield settings, management


@cli.command()
def up() -> None:
    """Run everything: store, broker (embedded unless configured), workers, API."""
    from workers.registry import WORKERS

    settings = console.setup()
    try:
        groups = resolve_groups(settings.worker_groups, list(WORKERS))
    except ValueError as exc:
        fail.now(f"invalid setting JUHE_WORKER_PROCESSES: {exc}", code=2)
    with ExitStack() as stack, fail.on_refusal():
        stack.enter_context(lock_data_dir(settings.data_dir))
        forget(settings)
        require_free_port(settings.api_host, settings.api_port)
        with _services(settings, stack) as (running, management):
            asyncio.run(_run_up(running, management, groups))


async def _run_up(settings: Settings, management: str | None, groups: list[list[str]]) -> None:
    from juhe.serve import api_server

    async with _workers(settings, groups) as processes:
        if processes:  # the store and the broker started before: they keep their priority
            lower_this_thread(settings.edge_niceness)
        server = api_server(settings)
        typer.echo("\n".join(console.banner(settings, management, processes)))
        await server.serve()  # returns on Ctrl-C / SIGTERM


@asynccontextmanager
async def _workers(settings: Settings, groups: list[list[str]]) -> AsyncIterator[list[WorkerProcess]]:
    """The workers in their own processes, or in this one when the plan has no groups."""
    from workers.host import WorkerHost
    from workers.registry import WORKERS

    if not groups:
        host = WorkerHost(console.runtime(settings), list(WORKERS))
        await host.start()
        try:
            yield []
        finally:
            await host.stop()
        return
    children = WorkerProcesses(settings, groups)
    with fail.on_refusal():
        processes = await asyncio.to_thread(children.start)
    try:
        yield processes
    finally:
        await asyncio.to_thread(children.stop)


@cli.command()
def worker(
    names: Annotated[list[str], typer.Argument(help="worker names, e.g. order inventory")],
    supervised: Annotated[bool, typer.Option("--supervised", hidden=True)] = False,
) -> None:
    """Run some workers in this process (run several copies to scale out)."""
    from workers.host import WorkerHost
    from workers.registry import WORKERS

    unknown = sorted(set(names) - WORKERS.keys())
    if unknown:
        fail.now(f"unknown worker {', '.join(unknown)}; known: {', '.join(sorted(WORKERS))}", code=2)
    settings = console.setup()
    try:
        pin_this_process(settings.worker_cpus)
    except (OSError, ValueError) as exc:
        fail.now(
            f"invalid setting JUHE_WORKER_CPUS: cannot run on CPUs {settings.worker_cpus}: {exc}", code=2
        )

    async def run() -> None:
        host = WorkerHost(console.runtime(settings), names)
        await host.start()
        if supervised:  # `juhe up` waits for this line: the subscriptions are consuming
            sys.stdout.write(f"READY {os.getpid()}\n")
            sys.stdout.flush()
        try:
            await console.until_signalled(or_stdin_closed=supervised)
        finally:
            await _stop_within(host, WORKER_STOP_SECONDS)

    asyncio.run(run())


async def _stop_within(host: WorkerHost, seconds: float) -> None:
    """Stop cleanly, then exit even if the broker client's reconnect task will not end: with
    the broker gone it retries for ever and swallows cancellation, and asyncio.run would wait
    for it. Whatever was in hand unacked is redelivered anyway."""
    stopping = asyncio.ensure_future(host.stop())
    stopped, _ = await asyncio.wait({stopping}, timeout=seconds)
    others = asyncio.all_tasks() - {asyncio.current_task(), stopping}
    for task in others:
        task.cancel()
    _, stuck = await asyncio.wait(others, timeout=seconds) if others else (set(), set())
    if stopped and not stuck:
        return
    typer.echo(f"juhe: workers did not stop within {seconds:g} s; exiting", err=True)
    sys.stderr.flush()
    os._exit(0 if stopped else 1)


@cli.command()
def api() -> None:
    """Run the HTTP edge alone (finds embedded services via the data dir)."""
    from juhe.serve import api_server

    settings = console.setup()
    with fail.on_refusal():
        require_free_port(settings.api_host, settings.api_port)
    lower_this_thread(settings.edge_niceness)
    asyncio.run(api_server(settings).serve())


@cli.command()
def store() -> None:
    """Run the embedded store alone, for sibling processes."""
    _run_embedded(lambda s, stack: start_store(s.model_copy(update={"mongodb_url": None}), stack))


@cli.command()
def broker() -> None:
    """Run the embedded broker alone, for sibling processes."""
    _run_embedded(lambda s, stack: start_broker(s.model_copy(update={"amqp_url": None}), stack)[0])


def _run_embedded(start: Callable[[Settings, ExitStack], Settings]) -> None:
    settings = console.setup()
    with ExitStack() as stack, fail.on_refusal():
        started = start(settings, stack)
        typer.echo(f"store: {started.mongodb_url}" if started.mongodb_url else f"broker: {started.amqp_url}")
        asyncio.run(console.until_signalled())


@cli.command("audit")
def audit_command() -> None:
    """Check the invariants; exit 1 listing each violation."""
    problems = asyncio.run(console.run_audit(console.setup()))
    for problem in problems:
        typer.echo(problem)
    typer.echo(f"{len(problems)} violation(s)" if problems else "all invariants hold")
    raise typer.Exit(1 if problems else 0)


@cli.command()
def demo() -> None:
    """Seed a small world and push a few dozen signed orders through the running system."""
    from juhe.demo.run import demo as run_demo

    settings = console.setup()
    if settings.env == "production":
        fail.now("the demo registers platform apps and test shops; it does not run in production", code=2)

    async def run() -> None:
        base = f"http://{settings.api_host}:{settings.api_port}"
        async with httpx.AsyncClient(base_url=base, timeout=30) as http:
            await run_demo(http, settings.admin_token, typer.echo)

    with fail.on_refusal():
        asyncio.run(run())


@namespace_cli.command("drop")
def drop(name: Annotated[str, typer.Argument(help="the namespace, as JUHE_NAMESPACE names it")]) -> None:
    """Delete a namespace's queues (with their messages) and exchanges; its data stays.

    Run it with the settings the namespace ran with: its delay queues follow JUHE_FUNDS_HOLD_SECONDS.
    """
    from workers.namespace import drop_namespace

    settings = console.setup().model_copy(update={"namespace": name})
    with fail.on_refusal():
        count = asyncio.run(drop_namespace(settings))
    typer.echo(f"namespace {name}: {count} queues and exchanges deleted")


def main() -> None:
    cli()


__all__ = ["Refused", "cli", "main"]
