"""`juhe`: run the whole system (`up`), one worker, the API, the embedded store or broker."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import Annotated

import httpx
import typer

from juhe import console
from juhe.console import fail
from juhe.embedded import forget, start_broker, start_store
from juhe.preflight import Refused, lock_data_dir, require_broker, require_free_port, require_store
from juhe.settings import Settings

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
    settings = console.setup()
    with ExitStack() as stack, fail.on_refusal():
        stack.enter_context(lock_data_dir(settings.data_dir))
        forget(settings)
        require_free_port(settings.api_host, settings.api_port)
        with _services(settings, stack) as (running, management):
            asyncio.run(_run_up(running, management))


async def _run_up(settings: Settings, management: str | None) -> None:
    from juhe.serve import api_server
    from workers.host import WorkerHost
    from workers.registry import WORKERS

    host = WorkerHost(console.runtime(settings), list(WORKERS))
    await host.start()
    try:
        server = api_server(settings)
        typer.echo("\n".join(console.banner(settings, management)))
        await server.serve()  # returns on Ctrl-C / SIGTERM
    finally:
        await host.stop()


@cli.command()
def worker(names: Annotated[list[str], typer.Argument(help="worker names, e.g. order inventory")]) -> None:
    """Run some workers in this process (run several copies to scale out)."""
    from workers.host import WorkerHost
    from workers.registry import WORKERS

    unknown = sorted(set(names) - WORKERS.keys())
    if unknown:
        fail.now(f"unknown worker {', '.join(unknown)}; known: {', '.join(sorted(WORKERS))}", code=2)
    settings = console.setup()

    async def run() -> None:
        host = WorkerHost(console.runtime(settings), names)
        await host.start()
        try:
            await console.until_signalled()
        finally:
            await host.stop()

    asyncio.run(run())


@cli.command()
def api() -> None:
    """Run the HTTP edge alone (finds embedded services via the data dir)."""
    from juhe.serve import api_server

    settings = console.setup()
    with fail.on_refusal():
        require_free_port(settings.api_host, settings.api_port)
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
