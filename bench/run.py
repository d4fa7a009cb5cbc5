"""One benchmark run: start the system, set up, then its phases, tear down, write JSON.

Phases of the default run, in order: the burst (every order at once), the ceilings (the store
replaying the burst's own commands, the broker's confirmed rate), the machine alone (a constant
load on every CPU for as long as the burst ran), and the steady phase (open loop at half the
burst's routed rate, or `--rate`). `steady` runs only the burst (skipped
when `--rate` is given) and the steady phase.
"""

from __future__ import annotations

import asyncio
import json
import os
import platform
import signal
import sys
from collections.abc import Awaitable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import httpx

from bench import cpu, goals, machine
from bench.burst import BurstPlan, measure_burst, process_roles, quiesce, store_commands
from bench.ceilings import burst_and_ceilings
from bench.harness import Harness, running_system
from bench.load import plan_orders
from bench.seed import World, build_world
from bench.steady import Pace, run_steady
from tests.support.api import Api
from workers.audit import audit

T = TypeVar("T")
RESULTS = Path(__file__).resolve().parent / "results"
#: The steady phase offers this share of the burst's routed rate when no `--rate` is given.
STEADY_SHARE = 0.5
_AUDIT_SHOWN = 10


@dataclass(frozen=True)
class Options:
    mode: str = "all"  # "all", "steady" or "burst" (the burst alone, for `bench.ab`)
    orders: int = 2000
    merchants: int = 20
    skus: int = 100
    suppliers: int = 5
    concurrency: int = 32
    prefetch: int = 64
    worker_copies: int = 1
    #: Processes hosting the workers apart from the edge, as `juhe up` runs them (0: this one).
    worker_processes: int = 1
    seed: int = 1
    lines: str = "2"
    timeout: float = 600.0
    ceiling_seconds: float = 10.0
    ceiling_concurrency: int = 32
    #: The machine alone: seconds of constant load per CPU; None: as long as the burst, 0 skips.
    machine_seconds: float | None = None
    rate: float | None = None
    steady_seconds: float = 30.0
    results: str = str(RESULTS)


def say(text: str) -> None:
    sys.stderr.write(text + "\n")


async def run(opts: Options) -> tuple[dict[str, Any], Path]:
    async with (
        running_system(opts.prefetch, opts.worker_copies, opts.worker_processes) as system,
        httpx.AsyncClient(
            base_url=system.base_url, timeout=60.0, limits=httpx.Limits(max_connections=opts.concurrency + 8)
        ) as http,
    ):
        api = Api(http, system.settings.admin_token)
        say(
            f"setup: {opts.suppliers} suppliers, {opts.skus} SKUs, {opts.merchants} merchants "
            f"(edge at {system.base_url})"
        )
        world = await build_world(
            api,
            suppliers=opts.suppliers,
            skus=opts.skus,
            merchants=opts.merchants,
            tiers=system.settings.tiers,
        )
        await quiesce(system)
        result = header(opts, system) | await phases(opts, system, api, world)
        result["audit"] = await audit_figures(system)
        result["goals"] = goals.burst_goals(result)
        say("tearing down")
    return result, write(result, Path(opts.results))


async def cancellable(run: Awaitable[T]) -> T:
    """SIGTERM cancels the run like Ctrl-C does, so its teardown still removes queues and data.

    Only the first: `uv run` passes on a SIGTERM sent to it, so a process group given one gets
    two, and a second cancel would stop the teardown half-way and leave the queues behind.
    """
    task = asyncio.current_task()
    assert task is not None
    loop = asyncio.get_running_loop()

    def cancel_once() -> None:
        loop.add_signal_handler(signal.SIGTERM, lambda: None)
        task.cancel()

    loop.add_signal_handler(signal.SIGTERM, cancel_once)
    try:
        return await run
    finally:
        loop.remove_signal_handler(signal.SIGTERM)


async def phases(opts: Options, system: Harness, api: Api, world: World) -> dict[str, Any]:
    result: dict[str, Any] = {"ceilings": None, "steady": None}
    plan = BurstPlan(opts.orders, opts.concurrency, opts.seed, opts.lines, opts.timeout)
    if opts.mode == "all" and opts.ceiling_seconds > 0:
        result |= await burst_and_ceilings(
            plan, system, api, world, opts.ceiling_seconds, opts.ceiling_concurrency
        )
    elif opts.mode == "all" or opts.rate is None:
        result |= await measure_burst(plan, system, api, world)
    if opts.mode == "all":
        await quiesce(system)
        result["machine_alone"] = await machine_alone(opts, result)
    rate = opts.rate or STEADY_SHARE * (result.get("routing", {}).get("per_second") or 0.0)
    if opts.steady_seconds > 0 and rate > 0:
        result["steady"] = await steady_phase(opts, system, api, world, rate)
    return result


async def steady_phase(opts: Options, system: Harness, api: Api, world: World, rate: float) -> dict[str, Any]:
    """Open loop at `rate`, with what it cost: store commands and CPU per order."""
    count = int(rate * opts.steady_seconds) + 1
    orders = plan_orders(world, count, opts.seed + 1, opts.lines, prefix="STEADY")
    await system.reset_counters()
    processes = cpu.group_roles(process_roles(system))
    steady = await run_steady(
        api, system.db, orders, Pace(rate, opts.steady_seconds, opts.timeout), processes
    )
    # Inserts are grouped only while others queue: at a steady rate, fewer share a command.
    steady["store_commands"] = store_commands(await system.tally(), steady["routed"])
    return steady


async def machine_alone(opts: Options, result: dict[str, Any]) -> dict[str, Any] | None:
    """How flat a constant load runs on this machine, over as long as the burst ran."""
    burst_seconds = result.get("routing", {}).get("seconds") or 0.0
    seconds = round(burst_seconds if opts.machine_seconds is None else opts.machine_seconds)
    if seconds < 4:
        if seconds > 0:
            say(f"machine alone skipped: {seconds} s is less than a second per quarter")
        return None
    # The children take this thread's niceness: the edge's, lowered for the burst.
    niceness = os.getpriority(os.PRIO_PROCESS, 0)
    say(f"machine alone: a constant load on every CPU for {seconds} s at niceness {niceness}")
    try:
        counted = await machine.run_alone(seconds)
    except machine.MachineAloneFailed as exc:
        say(f"machine alone failed: {exc}")
        return None
    return machine.figures(counted) | {"niceness": niceness}


async def audit_figures(system: Harness) -> dict[str, Any]:
    """`juhe audit`'s checks on what the run left: stock, wallets, orders, roll-ups... exact."""
    await quiesce(system)
    problems = await audit(system.db)
    return {"problems": len(problems), "first": problems[:_AUDIT_SHOWN]}


def header(opts: Options, system: Harness) -> dict[str, Any]:
    return header_of(asdict(opts), system)


def header_of(config: dict[str, Any], system: Harness) -> dict[str, Any]:
    return {
        "timestamp": datetime.now(UTC).isoformat(),
        "config": {**config, "namespace": system.settings.namespace},
        "machine": {
            "cpu_count": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
        },
    }


def write(result: dict[str, Any], folder: Path, kind: str = "bench") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{kind}-{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}.json"
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False, default=str) + "\n")
    return path
