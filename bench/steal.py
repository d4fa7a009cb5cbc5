"""CPU time the hypervisor gave to other guests (`steal` in /proc/stat) during a phase.

On a shared virtual machine a burst's rate can dip because the machine was taken away, not
because the pipeline slowed: the burst samples steal every second and reports it per window of
its routed timeline, so a dip can be laid beside it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

STAT = Path("/proc/stat")
INTERVAL_SECONDS = 1.0
_STEAL = 7  # user nice system idle iowait irq softirq steal: the eighth figure


@dataclass(frozen=True)
class Sample:
    at: datetime
    steal: int  # clock ticks, all CPUs
    total: int


def parse(stat: str, at: datetime) -> Sample | None:
    """The machine-wide `cpu` line; None where the kernel does not report steal."""
    for line in stat.splitlines():
        fields = line.split()
        if fields and fields[0] == "cpu" and len(fields) > _STEAL + 1:
            ticks = [int(value) for value in fields[1 : _STEAL + 2]]
            return Sample(at, ticks[_STEAL], sum(ticks))
    return None


def _read() -> Sample | None:
    try:
        return parse(STAT.read_text(), datetime.now(UTC))
    except OSError:
        return None


@asynccontextmanager
async def sampling(interval: float = INTERVAL_SECONDS) -> AsyncIterator[list[Sample]]:
    """Samples every `interval` seconds while the block runs (and one at each end)."""
    samples: list[Sample] = []

    async def sample() -> None:
        while True:
            if (one := _read()) is not None:
                samples.append(one)
            await asyncio.sleep(interval)

    task = asyncio.create_task(sample())
    try:
        yield samples
    finally:
        task.cancel()
        with suppress(asyncio.CancelledError):
            await task
        if (last := _read()) is not None:
            samples.append(last)


def share(first: Sample, last: Sample) -> float | None:
    total = last.total - first.total
    return round((last.steal - first.steal) / total, 3) if total > 0 else None


def figures(samples: list[Sample], start: datetime, seconds: float) -> dict[str, Any]:
    """Steal over the whole phase, and per `seconds` window from `start` (the routed timeline's
    windows): a window's share is taken between the first and last samples inside it."""
    if len(samples) < 2:
        return {"share": None, "per_window": []}
    per_window: list[float | None] = []
    low = start.timestamp()
    while low < samples[-1].at.timestamp():
        inside = [s for s in samples if low <= s.at.timestamp() <= low + seconds]
        per_window.append(share(inside[0], inside[-1]) if len(inside) > 1 else None)
        low += seconds
    return {"share": share(samples[0], samples[-1]), "per_window": per_window}
