"""Garbage-collection pauses of this process (the bench, the edge and today the workers): how
many collections, how long each stopped the event loop, and their share of the phase."""

from __future__ import annotations

import gc
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any


@dataclass
class GcPauses:
    started: float = field(default_factory=time.perf_counter)
    pauses_ms: dict[int, list[float]] = field(default_factory=lambda: {0: [], 1: [], 2: []})
    _began: float = 0.0

    def callback(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._began = time.perf_counter()
        else:
            self.pauses_ms[info["generation"]].append((time.perf_counter() - self._began) * 1000)

    def figures(self) -> dict[str, Any]:
        every = [ms for pauses in self.pauses_ms.values() for ms in pauses]
        elapsed_ms = (time.perf_counter() - self.started) * 1000
        return {
            "collections": {str(gen): len(pauses) for gen, pauses in self.pauses_ms.items()},
            "total_ms": round(sum(every), 1),
            "share_of_phase": round(sum(every) / elapsed_ms, 4) if elapsed_ms else 0.0,
            "max_ms": round(max(every, default=0.0), 1),
            "gen2_max_ms": round(max(self.pauses_ms[2], default=0.0), 1),
        }


@contextmanager
def recording() -> Iterator[GcPauses]:
    pauses = GcPauses()
    gc.callbacks.append(pauses.callback)
    try:
        yield pauses
    finally:
        gc.callbacks.remove(pauses.callback)
