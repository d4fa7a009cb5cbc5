"""Which CPUs the worker processes run on, beside an embedded store pinned to one CPU.

The embedded store is what binds the pipeline, and it runs on one CPU (juhe.store.embedded).
Left to the kernel, a worker thread woken by the store's reply tends to run where the store
runs, and takes that CPU from it: in `make bench` bursts on 2 CPUs the store got 70 % of its
CPU while the edge took orders in, 87 % after. With the worker processes on the other CPUs the
first quarter of a burst kept up better with the rest (README, Performance).
"""

from __future__ import annotations

import os

#: `worker_cpus`: every CPU but the embedded store's, or no pinning.
OTHER_CPUS, ALL_CPUS = "others", "all"


def worker_cpus(
    choice: str, store: frozenset[int] | None, allowed: set[int] | None = None
) -> frozenset[int] | None:
    """The CPUs for the worker processes (`Settings.worker_cpus`), None for no pinning.
    `others` is every CPU this process may use that the store is not pinned to: none when the
    store is not pinned (or not embedded), or when it has every CPU there is."""
    if choice == ALL_CPUS or not hasattr(os, "sched_setaffinity"):
        return None
    if choice == OTHER_CPUS:
        usable = allowed if allowed is not None else os.sched_getaffinity(0)
        rest = frozenset(usable - store) if store is not None else frozenset()
        return rest or None
    return cpu_numbers(choice)


def beside_store(choice: str, store: frozenset[int] | None) -> str:
    """`worker_cpus` as the process that started the store hands it to its worker processes."""
    return as_setting(worker_cpus(choice, store))


def cpu_numbers(text: str) -> frozenset[int]:
    """The CPUs a setting such as `0,2` numbers."""
    return frozenset(int(part) for part in text.split(","))


def as_setting(cpus: frozenset[int] | None) -> str:
    """CPUs as the setting's text: their numbers, or `all` for no pinning."""
    return ALL_CPUS if cpus is None else ",".join(str(cpu) for cpu in sorted(cpus))


def pin_this_process(choice: str) -> None:
    """Run this process, and every thread it starts from now on, on the CPUs `choice` numbers.
    `others` and `all` leave it where it is: only the process that started the store knows
    which CPUs are the others, and it hands its children their numbers. Call it before any
    thread starts: a thread keeps the CPUs it had when it started."""
    if choice in (OTHER_CPUS, ALL_CPUS) or not hasattr(os, "sched_setaffinity"):
        return
    os.sched_setaffinity(0, cpu_numbers(choice))
