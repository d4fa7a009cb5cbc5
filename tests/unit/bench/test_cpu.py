"""CPU accounting from /proc samples: stat parsing, roles sharing a process, per-order ms."""

from __future__ import annotations

import os
import time
from pathlib import Path

from bench.cpu import (
    Process,
    children_matching,
    cpu_per_order,
    group_roles,
    listening_inodes,
    read_ticks,
    sample,
    ticks_of,
    used_per_order,
)

# pid, comm (with a space and a parenthesis), state, ppid, … utime=120 stime=30 cutime=999 …
STAT = "4242 (beam.smp (x) y) S 1 4242 4242 0 -1 4194304 100 0 2 0 120 30 999 999 20 0 20 0 17342"


def test_ticks_are_user_plus_system_of_the_process_only() -> None:
    assert ticks_of(STAT) == 150


def test_roles_on_one_process_are_one_entry() -> None:
    roles = {"bench": [10], "edge": [10], "workers": [10], "store": [20], "broker": [], "extra": [31, 30]}
    assert group_roles(roles) == [
        Process("bench+edge+workers", (10,)),
        Process("store", (20,)),
        Process("extra", (30, 31)),
    ]


def test_workers_in_their_own_processes_are_their_own_entry() -> None:
    roles = {"bench": [10], "edge": [10], "workers": [11, 12]}
    assert group_roles(roles) == [Process("bench+edge", (10,)), Process("workers", (11, 12))]


def test_per_order_ms_sums_a_process_pids() -> None:
    processes = [Process("workers", (11, 12)), Process("store", (20,))]
    before = {11: 100, 12: 50, 20: 0}
    after = {11: 300, 12: 250, 20: 100}  # workers 400 ticks, store 100 ticks, at 100 ticks/s
    report = cpu_per_order(processes, before, after, orders=200, ticks_per_second=100)
    assert report["workers"] == {"pids": [11, 12], "cpu_seconds": 4.0, "ms_per_order": 20.0}
    assert report["store"] == {"pids": [20], "cpu_seconds": 1.0, "ms_per_order": 5.0}


def test_a_pid_missing_from_a_sample_is_unmeasured_not_zero() -> None:
    report = cpu_per_order([Process("store", (20,))], {20: 5}, {}, orders=10, ticks_per_second=100)
    assert report["store"]["cpu_seconds"] is None
    assert report["store"]["ms_per_order"] is None


def test_listening_inodes_reads_only_listeners_on_the_port() -> None:
    table = (
        "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
        "   0: 0100007F:1628 00000000:0000 0A 00000000:00000000 00:00000000 00000000 106 0 9750 1\n"
        "   1: 0100007F:1628 0100007F:C000 01 00000000:00000000 00:00000000 00000000 106 0 9999 1\n"
        "   2: 0100007F:6989 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 1234 1\n"
    )
    assert listening_inodes(table, 5672) == {9750}
    assert listening_inodes(table, 27017) == {1234}
    assert listening_inodes(table, 80) == set()


def _process(proc: Path, pid: int, ppid: int, cmdline: str, utime: int) -> None:
    folder = proc / str(pid)
    folder.mkdir()
    (folder / "stat").write_text(f"{pid} (python) S {ppid} 1 1 0 -1 0 0 0 0 0 {utime} 5 0 0 20 0 1 0 1")
    (folder / "cmdline").write_bytes(cmdline.replace(" ", "\0").encode())


def test_children_and_ticks_from_a_proc_tree(tmp_path: Path) -> None:
    _process(tmp_path, 100, 1, "python -m bench", 10)
    _process(tmp_path, 101, 100, "python -m juhe.store.secantus_server --watch-stdin", 20)
    _process(tmp_path, 102, 100, "python -m something_else", 30)
    _process(tmp_path, 103, 1, "python -m juhe.store.secantus_server", 40)  # not our child
    assert children_matching(100, "secantus", tmp_path) == [101]
    assert read_ticks([101, 102, 999], tmp_path) == {101: 25, 102: 35}


def test_samples_of_this_process_count_the_cpu_spent_between_them() -> None:
    me = [Process("bench", (os.getpid(),))]
    start = sample(me)
    deadline = time.process_time() + 0.3
    while time.process_time() < deadline:
        pass
    used = used_per_order(start, sample(me), orders=3)
    assert used["bench"]["pids"] == [os.getpid()]
    assert used["bench"]["cpu_seconds"] is not None
    assert 0.25 <= used["bench"]["cpu_seconds"] <= 1.0
    assert used["bench"]["ms_per_order"] == round(used["bench"]["cpu_seconds"] * 1000 / 3, 2)
