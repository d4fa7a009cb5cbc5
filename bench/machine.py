"""The machine alone: how flat a constant load runs here, for as long as the burst ran.

A burst's quarters can differ because the pipeline slowed or because the machine did. A shared
virtual machine changes speed without reporting steal: a neighbour on the same physical core, a
lower clock, a busier memory bus make every instruction take longer. So after the burst and
the ceilings, with the system idle, one child process per CPU, pinned to it, repeats the same
fixed piece of interpreter work (a document through JSON and back, a dict built and sorted: the
kind of work the embedded store and the workers do) as fast as it can, and counts the units it
did each second. Its quarters (four equal spans of time; the burst's are four equal numbers of
orders) get the same slowest/fastest ratio as the burst's; a machine on which they are not flat
cannot give a burst flat quarters either.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import sys
import time
from collections.abc import Sequence
from contextlib import suppress
from typing import Any

from bench.goals import quarter_flatness

WINDOW_SECONDS = 5
_DOCUMENT = {
    "order_key": "generic:shop-1:P-1001",
    "merchant_id": "mch_1",
    "lines": [{"sku": f"SKU-{i}", "quantity": i + 1, "unit_cost": 1000 + i} for i in range(2)],
    "status": "received",
    "log": [{"at": "2026-12-04T00:00:00+00:00", "event": "received"}],
}
_BATCH = 20  # units between looks at the clock


def unit() -> int:
    """The fixed piece of work, about 40 µs on a 2.6 GHz virtual CPU."""
    document = json.loads(json.dumps(_DOCUMENT))
    table = {f"key-{i}": i for i in range(200)}
    return len(sorted(table.values(), reverse=True)) + len(document)


def count_per_second(cpu: int, seconds: int) -> None:
    """The child: pinned to `cpu`, the units done in each whole second, one line each."""
    os.sched_setaffinity(0, {cpu})
    for _ in range(seconds):
        done, ends = 0, time.monotonic() + 1.0
        while time.monotonic() < ends:
            for _ in range(_BATCH):
                unit()
            done += _BATCH
        sys.stdout.write(f"{done}\n")
        sys.stdout.flush()


class MachineAloneFailed(RuntimeError):
    """A child of the constant load did not count every second."""


async def run_alone(seconds: int, cpus: Sequence[int] | None = None) -> dict[int, list[int]]:
    """Units per second on each CPU (all of this process's by default), every CPU at once."""
    chosen = sorted(cpus if cpus is not None else os.sched_getaffinity(0))
    children: list[asyncio.subprocess.Process] = []
    try:
        for cpu in chosen:
            children.append(
                await asyncio.create_subprocess_exec(
                    sys.executable,
                    "-m",
                    "bench.machine",
                    str(cpu),
                    str(seconds),
                    stdout=asyncio.subprocess.PIPE,
                )
            )
        outputs = await asyncio.gather(*(child.communicate() for child in children))
    finally:
        await _stop(children)
    counted = {
        cpu: [int(line) for line in out.split()] for cpu, (out, _) in zip(chosen, outputs, strict=True)
    }
    short = {cpu: len(per_second) for cpu, per_second in counted.items() if len(per_second) != seconds}
    if short or any(child.returncode != 0 for child in children):
        raise MachineAloneFailed(
            f"seconds counted per CPU, of {seconds}: {short or 'all, but a child failed'}"
        )
    return counted


async def _stop(children: list[asyncio.subprocess.Process]) -> None:
    """Every child still running killed first, then waited for, so a second cancel leaves none."""
    running = [child for child in children if child.returncode is None]
    for child in running:
        with suppress(ProcessLookupError):
            child.kill()
    await asyncio.gather(*(child.wait() for child in running))


def quarters(per_second: Sequence[int]) -> list[float | None]:
    """Units/s in each quarter of the seconds counted (a remainder of under four is left out)."""
    span = len(per_second) // 4
    if span == 0:
        return [None] * 4
    return [round(sum(per_second[k * span : (k + 1) * span]) / span, 1) for k in range(4)]


def windows(per_second: Sequence[int], width: int = WINDOW_SECONDS) -> list[int]:
    """Units per whole window of `width` seconds, as the burst's routed timeline counts them."""
    return [sum(per_second[i : i + width]) for i in range(0, len(per_second) - width + 1, width)]


def figures(per_cpu: dict[int, list[int]]) -> dict[str, Any]:
    """Per CPU: units/s, quarters and their flatness, and the units per 5 s with their spread."""
    cpus: dict[str, Any] = {}
    for cpu, per_second in sorted(per_cpu.items()):
        per_window = windows(per_second)
        per_quarter = quarters(per_second)
        cpus[str(cpu)] = {
            "seconds": len(per_second),
            "units_per_second": round(statistics.fmean(per_second), 1) if per_second else None,
            "quarters_per_second": per_quarter,
            "flatness": quarter_flatness(per_quarter),
            "per_window": per_window,
            "window_cv": _spread(per_window),
        }
    flat = [c["flatness"] for c in cpus.values() if c["flatness"] is not None]
    return {"window_seconds": WINDOW_SECONDS, "cpus": cpus, "flatness": min(flat) if flat else None}


def _spread(values: Sequence[int]) -> float | None:
    """Standard deviation over the mean."""
    if len(values) < 2 or not any(values):
        return None
    return round(statistics.pstdev(values) / statistics.fmean(values), 3)


if __name__ == "__main__":
    # Stopped by the bench's Ctrl-C or teardown: no traceback for a load that only counts.
    with suppress(KeyboardInterrupt, BrokenPipeError):
        count_per_second(int(sys.argv[1]), int(sys.argv[2]))
