"""Launcher that runs a private RabbitMQ node as a child process when no AMQP URL is configured."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from juhe.child import ChildStartError, ReadyChild

#: A cold node boots in ~8 s on two idle cores; a loaded machine needs more.
STARTUP_TIMEOUT_SECONDS = 150.0
#: RabbitMQ's own graceful stop, then its private epmd's, fit in the keeper's grace.
STOP_GRACE_SECONDS = 45.0


class EmbeddedBrokerError(RuntimeError):
    """The embedded broker could not be started."""


@dataclass(frozen=True)
class BrokerUrls:
    amqp: str
    management: str


class EmbeddedBroker:
    """One RabbitMQ node (through its keeper, `juhe.broker.node`) with its data under `data_dir/broker`."""

    def __init__(self, data_dir: Path) -> None:
        command = [sys.executable, "-m", "juhe.broker.node", str((data_dir / "broker").resolve())]
        self._child = ReadyChild(command, data_dir / "broker.log", stop_grace=STOP_GRACE_SECONDS)

    def start(self) -> BrokerUrls:
        try:
            words = self._child.start(STARTUP_TIMEOUT_SECONDS)
        except ChildStartError as exc:
            raise EmbeddedBrokerError(
                f"embedded broker {exc}; log {self._child.log_path}:\n{self._child.log_tail()}"
            ) from exc
        amqp, management = words
        return BrokerUrls(
            amqp=f"amqp://guest:guest@127.0.0.1:{amqp}/", management=f"http://127.0.0.1:{management}/"
        )

    def stop(self) -> None:
        self._child.stop()
