"""The machine alone: a constant load per CPU, counted per second, judged in quarters."""

from __future__ import annotations

import os
from typing import Any

import pytest

from bench import machine, run
from bench.summary import machine_lines, render


def test_quarters_split_the_seconds_evenly_leaving_out_a_remainder() -> None:
    assert machine.quarters([10, 10, 20, 20, 30, 30, 40, 40, 99]) == [10.0, 20.0, 30.0, 40.0]
    assert machine.quarters([5, 5, 5]) == [None, None, None, None]


def test_windows_count_whole_windows_only() -> None:
    assert machine.windows(list(range(12)), width=5) == [0 + 1 + 2 + 3 + 4, 5 + 6 + 7 + 8 + 9]
    assert machine.windows([1, 2, 3], width=5) == []


def test_each_cpu_gets_its_quarters_and_the_machine_its_least_flat_cpu() -> None:
    figures = machine.figures({1: [100] * 10, 0: [80, 80, 100, 100, 100, 100, 100, 100, 100, 100]})
    assert list(figures["cpus"]) == ["0", "1"]
    assert figures["cpus"]["0"] == {
        "seconds": 10,
        "units_per_second": 96.0,
        "quarters_per_second": [80.0, 100.0, 100.0, 100.0],
        "flatness": 0.8,
        "per_window": [460, 500],
        "window_cv": round(20 / 480, 3),
    }
    assert figures["cpus"]["1"]["flatness"] == 1.0
    assert figures["cpus"]["1"]["window_cv"] == 0.0
    assert figures["flatness"] == 0.8
    assert figures["window_seconds"] == machine.WINDOW_SECONDS


def test_too_few_seconds_judge_nothing() -> None:
    figures = machine.figures({0: [100, 100]})
    assert figures["cpus"]["0"]["flatness"] is None
    assert figures["cpus"]["0"]["window_cv"] is None
    assert figures["flatness"] is None


async def test_a_child_counts_every_second_asked_and_leaves_this_process_s_cpus_alone() -> None:
    affinity = os.sched_getaffinity(0)
    cpu = min(affinity)
    counted = await machine.run_alone(1, cpus=[cpu])
    assert list(counted) == [cpu]
    assert len(counted[cpu]) == 1
    assert counted[cpu][0] > 0
    assert counted[cpu][0] % 20 == 0  # whole batches
    assert os.sched_getaffinity(0) == affinity


async def test_a_child_that_cannot_pin_itself_fails_the_phase_loudly() -> None:
    with pytest.raises(machine.MachineAloneFailed, match="seconds counted per CPU, of 1"):
        await machine.run_alone(1, cpus=[os.cpu_count() or 1])  # a CPU that does not exist


def test_the_summary_prints_each_cpu_s_quarters_and_windows() -> None:
    alone = machine.figures({1: [100, 100, 80, 80, 100, 100, 100, 100]}) | {"niceness": 8}
    assert machine_lines(alone) == [
        "Machine alone (the same fixed work on every CPU at once, the system idle, at niceness 8)",
        "  cpu 1            : units/s by qtr 100 | 80 | 100 | 100  (slowest/fastest 0.800, over 8 s)",
        "  units per 5 s    : 460  (std dev / mean -)",
    ]


@pytest.mark.parametrize(
    ("machine_seconds", "burst_seconds", "expected"),
    [
        (None, 71.6, 72),
        (30.0, 71.6, 30),
        (30.0, None, 30),
        (0.0, 71.6, None),
        (None, 3.0, None),
        (None, None, None),
    ],
)
async def test_the_phase_runs_as_long_as_the_burst_unless_told(
    monkeypatch: pytest.MonkeyPatch,
    machine_seconds: float | None,
    burst_seconds: float | None,
    expected: int | None,
) -> None:
    asked: list[int] = []

    async def counted(seconds: int) -> dict[int, list[int]]:
        asked.append(seconds)
        return {0: [100] * seconds}

    monkeypatch.setattr(machine, "run_alone", counted)
    result: dict[str, Any] = {"routing": {"seconds": burst_seconds}}
    alone = await run.machine_alone(run.Options(machine_seconds=machine_seconds), result)
    assert asked == ([] if expected is None else [expected])
    assert (alone is None) == (expected is None)
    if expected is not None:
        assert alone == machine.figures({0: [100] * expected}) | {
            "niceness": os.getpriority(os.PRIO_PROCESS, 0)
        }


def test_the_goals_show_the_machine_s_own_flatness_beside_the_quarters() -> None:
    result: dict[str, Any] = {
        "config": {"orders": 0, "lines": "2", "merchants": 1, "skus": 2, "concurrency": 4, "prefetch": 64},
        "machine": {"cpu_count": 2},
        "machine_alone": machine.figures({0: [100] * 8, 1: [100, 100, 80, 80, 100, 100, 100, 100]}),
        "goals": [],
    }
    lines = render(result, "bench/results/x.json").splitlines()
    # Last among the goals, just before the results file.
    assert lines[-2] == (
        "  quarters of a constant load on this machine, alone, over 8 s: 0.800 on its least flat CPU"
    )
    assert lines.index("Goals") < len(lines) - 2
    assert "Machine alone (the same fixed work on every CPU at once, the system idle)" in lines
