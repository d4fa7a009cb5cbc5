"""The edge's niceness (`JUHE_EDGE_NICENESS`): it only ever lowers its own priority.

Each case runs in a child interpreter: a niceness once raised cannot be taken back without a
privilege, and the test process must keep its own."""

from __future__ import annotations

import subprocess
import sys

import pytest
from pydantic import ValidationError

from juhe.settings import Settings


def niceness_after(code: str) -> list[int]:
    """What a child interpreter prints: the niceness `lower_this_thread` returned, then its own."""
    script = f"import os\nfrom juhe.niceness import lower_this_thread\n{code}\n"
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    return [int(word) for word in done.stdout.split()]


def own_niceness() -> str:
    return "print(os.getpriority(os.PRIO_PROCESS, 0))"


def test_a_thread_at_normal_priority_takes_the_niceness() -> None:
    assert niceness_after(f"print(lower_this_thread(8))\n{own_niceness()}") == [8, 8]


def test_a_thread_already_nicer_keeps_its_own() -> None:
    assert niceness_after(f"os.nice(12)\nprint(lower_this_thread(8))\n{own_niceness()}") == [12, 12]


def test_zero_leaves_the_priority_as_it_is() -> None:
    assert niceness_after(f"print(lower_this_thread(0))\n{own_niceness()}") == [0, 0]


def test_what_the_thread_starts_afterwards_runs_at_the_niceness_too() -> None:
    started = (
        "import subprocess, sys\nlower_this_thread(8)\nsubprocess.run([sys.executable, '-c', "
        "'import os; print(os.getpriority(os.PRIO_PROCESS, 0))'], check=True)"
    )
    assert niceness_after(started) == [8]


@pytest.mark.parametrize("value", [-1, 20, "high"])
def test_the_setting_refuses_what_is_not_a_niceness(value: object) -> None:
    with pytest.raises(ValidationError, match="edge_niceness"):
        Settings(edge_niceness=value)


def test_the_default_is_eight() -> None:
    assert Settings().edge_niceness == 8
