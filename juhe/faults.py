"""Named fault points, so tests can crash a handler between its store write and its publish."""

from __future__ import annotations

from collections import Counter


class InjectedFaultError(RuntimeError):
    """Raised at an armed fault point; behaves like a process dying there."""


class Faults:
    """Inert unless a test arms a point; each arming fires a fixed number of times."""

    def __init__(self) -> None:
        self._armed: Counter[str] = Counter()
        self.fired: Counter[str] = Counter()

    def arm(self, point: str, times: int = 1) -> None:
        self._armed[point] += times

    def hit(self, point: str) -> None:
        if self._armed[point] > 0:
            self._armed[point] -= 1
            self.fired[point] += 1
            raise InjectedFaultError(point)
