"""Records the store commands a process sends, to be replayed at the store alone.

Each command is kept as it went on the wire (encoded BSON, so a long recording costs the
process little memory and no garbage-collector work), with its database, when it started and
ended on this machine's monotonic clock (shared by every process here), and its effect: how
many documents it inserted, matched or returned. The replay (`bench.replay`) keeps the order
the commands had in time and compares effects, which tells whether it redid the same work.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import bson
from bson.codec_options import CodecOptions
from bson.raw_bson import RawBSONDocument
from pymongo import monitoring

from bench.metrics import NOISE

_RAW: CodecOptions[RawBSONDocument] = CodecOptions(document_class=RawBSONDocument)
#: Not work of their own: `getMore` continues a cursor the replay did not keep open.
UNREPLAYED = NOISE | {"getMore", "killCursors"}


@dataclass(frozen=True)
class Recorded:
    """One command as the process sent it."""

    database: str
    command: bytes  # BSON
    started: float
    ended: float  # `inf` when no reply came before the recording stopped
    effect: int | None  # None: the command failed

    def as_document(self) -> dict[str, Any]:
        return {
            "db": self.database,
            "cmd": RawBSONDocument(self.command),
            "t0": self.started,
            "t1": self.ended,
            "effect": self.effect,
        }

    @classmethod
    def from_document(cls, doc: Mapping[str, Any]) -> Recorded:
        """From a document read as raw BSON (`read`): the command keeps its bytes as written."""
        return cls(doc["db"], doc["cmd"].raw, doc["t0"], doc["t1"], doc["effect"])


def effect_of(reply: Mapping[str, Any]) -> int:
    """Documents a command inserted, matched, deleted or returned in its first batch."""
    if "lastErrorObject" in reply:  # findAndModify
        return int(reply["lastErrorObject"].get("n", 0))
    if "cursor" in reply:
        return len(reply["cursor"].get("firstBatch", ()))
    return int(reply.get("n", 0))


class CommandRecorder(monitoring.CommandListener):
    """Off until `start`; `stop` hands back what was recorded since."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._on = False
        self._open: dict[int, tuple[str, bytes, float]] = {}
        self._done: list[Recorded] = []

    def start(self) -> None:
        with self._lock:
            self._on, self._open, self._done = True, {}, []

    def stop(self) -> list[Recorded]:
        with self._lock:
            unanswered = [Recorded(db, cmd, t0, float("inf"), None) for db, cmd, t0 in self._open.values()]
            recorded = sorted(self._done + unanswered, key=lambda r: r.started)
            self._on, self._open, self._done = False, {}, []
        return recorded

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        if self._on and event.command_name not in UNREPLAYED:
            encoded = bson.encode(event.command)
            with self._lock:
                self._open[event.request_id] = (event.database_name, encoded, time.monotonic())

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        self._end(event.request_id, effect_of(event.reply))

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        self._end(event.request_id, None)

    def _end(self, request_id: int, effect: int | None) -> None:
        now = time.monotonic()
        with self._lock:
            if (opened := self._open.pop(request_id, None)) is not None:
                database, command, started = opened
                self._done.append(Recorded(database, command, started, now, effect))


def write(recorded: list[Recorded], path: Path) -> None:
    with path.open("wb") as out:
        for one in recorded:
            out.write(bson.encode(one.as_document()))


def read(path: Path) -> Iterator[Recorded]:
    with path.open("rb") as source:
        for doc in bson.decode_file_iter(source, codec_options=_RAW):
            yield Recorded.from_document(doc)
