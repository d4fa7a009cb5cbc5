"""Which CPUs the worker processes run on, from the `worker_cpus` setting and the CPUs of the
embedded store; and a process pinning itself before its threads start."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from pydantic import ValidationError

from juhe.affinity import as_setting, worker_cpus
from juhe.settings import Settings

needs_affinity = pytest.mark.skipif(not hasattr(os, "sched_setaffinity"), reason="no CPU affinity here")


@needs_affinity
def test_others_are_every_cpu_but_the_stores() -> None:
    assert worker_cpus("others", frozenset({1}), {0, 1}) == {0}
    assert worker_cpus("others", frozenset({3}), {0, 1, 2, 3}) == {0, 1, 2}


@needs_affinity
def test_others_pin_nothing_without_a_pinned_store_or_a_cpu_left() -> None:
    assert worker_cpus("others", None, {0, 1}) is None
    assert worker_cpus("others", frozenset({0}), {0}) is None
    assert worker_cpus("others", frozenset({0, 1}), {0, 1}) is None


@needs_affinity
def test_all_pins_nothing_and_a_list_is_taken_as_given() -> None:
    assert worker_cpus("all", frozenset({1}), {0, 1}) is None
    assert worker_cpus("0,2", frozenset({1}), {0, 1, 2}) == {0, 2}


def test_the_setting_text_of_cpus() -> None:
    assert as_setting(frozenset({2, 0})) == "0,2"
    assert as_setting(None) == "all"


@pytest.mark.parametrize("choice", ["", "other", "0,", "-1", "one", "0 1"])
def test_the_setting_refuses_anything_else(choice: str) -> None:
    with pytest.raises(ValidationError, match="worker_cpus"):
        Settings(worker_cpus=choice)


def test_the_default_is_the_cpus_the_store_leaves() -> None:
    assert Settings().worker_cpus == "others"


_THREADS_CPUS = """
import os, sys, threading
from juhe.affinity import pin_this_process
pin_this_process(sys.argv[1])
seen = []
thread = threading.Thread(target=lambda: seen.append(sorted(os.sched_getaffinity(0))))
thread.start(); thread.join()
print(sorted(os.sched_getaffinity(0)), seen[0])
"""


def _cpus_seen(choice: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", _THREADS_CPUS, choice], capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


@needs_affinity
def test_a_pinned_process_and_the_threads_it_starts_run_on_those_cpus() -> None:
    first = min(os.sched_getaffinity(0))
    assert _cpus_seen(str(first)) == f"[{first}] [{first}]"


@needs_affinity
@pytest.mark.parametrize("choice", ["others", "all"])
def test_a_process_told_others_or_all_stays_where_it_is(choice: str) -> None:
    mine = sorted(os.sched_getaffinity(0))
    assert _cpus_seen(choice) == f"{mine} {mine}"
