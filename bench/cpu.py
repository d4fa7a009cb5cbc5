"""CPU time per process, from /proc: which pids play which role, and their ticks over a phase.

Roles map to pids, so the workers moving into child processes only changes the pids given for
them; roles sharing a pid (today the load generator, the edge and the workers) are reported as
one process, since /proc cannot split one process's time between them.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PROC = Path("/proc")
TCP_LISTEN = "0A"


def ticks_of(stat_line: str) -> int:
    """utime + stime of a `/proc/<pid>/stat` line (fields 14 and 15), in clock ticks.

    The command name (field 2) may hold spaces and parentheses, so fields are counted after its
    closing parenthesis: field 3 (state) is the first there.
    """
    rest = stat_line.rsplit(")", 1)[1].split()
    return int(rest[11]) + int(rest[12])


def read_ticks(pids: Iterable[int], proc: Path = PROC) -> dict[int, int]:
    """Ticks of each pid still running; a pid that has exited is left out."""
    ticks = {}
    for pid in pids:
        try:
            ticks[pid] = ticks_of((proc / str(pid) / "stat").read_text())
        except (OSError, IndexError, ValueError):
            continue
    return ticks


@dataclass(frozen=True)
class Process:
    label: str  # the roles it plays, e.g. "bench+edge+workers"
    pids: tuple[int, ...]


def group_roles(roles: Mapping[str, Iterable[int]]) -> list[Process]:
    """One entry per distinct set of pids, labelled with every role that runs on it."""
    grouped: dict[tuple[int, ...], list[str]] = {}
    for role, pids in roles.items():
        key = tuple(sorted(set(pids)))
        if key:
            grouped.setdefault(key, []).append(role)
    return [Process("+".join(names), pids) for pids, names in grouped.items()]


@dataclass(frozen=True)
class Ticks:
    """The ticks of a set of processes at one moment."""

    processes: list[Process]
    ticks: dict[int, int]


def sample(processes: list[Process]) -> Ticks:
    return Ticks(processes, read_ticks(pid for process in processes for pid in process.pids))


def used_per_order(start: Ticks, end: Ticks, orders: int) -> dict[str, dict[str, Any]]:
    """Each process's CPU between two samples of the same processes, per order."""
    return cpu_per_order(start.processes, start.ticks, end.ticks, orders, os.sysconf("SC_CLK_TCK"))


def cpu_per_order(
    processes: list[Process],
    before: Mapping[int, int],
    after: Mapping[int, int],
    orders: int,
    ticks_per_second: int,
) -> dict[str, dict[str, Any]]:
    """CPU seconds of each process over the phase, and milliseconds per order.

    A pid missing from either sample (not found, or exited during the phase) makes its process
    unmeasured (None) rather than silently low.
    """
    report: dict[str, dict[str, Any]] = {}
    for process in processes:
        measured = all(pid in before and pid in after for pid in process.pids)
        ticks = sum(after[pid] - before[pid] for pid in process.pids) if measured else None
        seconds = None if ticks is None else ticks / ticks_per_second
        per_order = None if seconds is None or orders <= 0 else round(seconds * 1000 / orders, 2)
        report[process.label] = {
            "pids": list(process.pids),
            "cpu_seconds": None if seconds is None else round(seconds, 2),
            "ms_per_order": per_order,
        }
    return report


def listening_inodes(table: str, port: int) -> set[int]:
    """Socket inodes listening on `port` in a /proc/net/tcp(6) table."""
    inodes = set()
    for line in table.splitlines()[1:]:
        fields = line.split()
        if len(fields) > 9 and fields[3] == TCP_LISTEN and int(fields[1].rsplit(":", 1)[1], 16) == port:
            inodes.add(int(fields[9]))
    return inodes


def listening_pid(port: int, proc: Path = PROC) -> int | None:
    """The local process listening on `port`, if this machine runs it and we may look."""
    inodes: set[int] = set()
    for table in ("tcp", "tcp6"):
        try:
            inodes |= listening_inodes((proc / "net" / table).read_text(), port)
        except OSError:
            continue
    wanted = {f"socket:[{inode}]" for inode in inodes}
    for entry in proc.iterdir() if wanted else ():
        if entry.name.isdigit() and _holds_socket(entry, wanted):
            return int(entry.name)
    return None


def _holds_socket(entry: Path, wanted: set[str]) -> bool:
    try:
        return any(os.readlink(fd) in wanted for fd in (entry / "fd").iterdir())
    except OSError:  # gone, or not ours to read
        return False


def children_matching(parent: int, word: str, proc: Path = PROC) -> list[int]:
    """Direct children of `parent` whose command line contains `word`."""
    found = []
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == parent and word in cmdline:
            found.append(int(entry.name))
    return sorted(found)
