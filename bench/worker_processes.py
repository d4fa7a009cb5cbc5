"""The bench's worker processes (`--worker-processes N`): N children of `bench.worker_child`, each
hosting every worker (competing consumers on every queue), as `juhe up` runs them apart from the
edge. The bench asks them for their counts over their stdin and stdout."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.metrics import CommandCounts
from juhe.settings import Settings

_START_SECONDS = 60.0
_ANSWER_SECONDS = 10.0
_STOP_SECONDS = 30.0


def child_environment(settings: Settings) -> dict[str, str]:
    """The bench's settings as the JUHE_* variables `Settings()` reads in the child."""
    chosen = {
        "JUHE_NAMESPACE": settings.namespace,
        # Always named: one inherited from this environment would be another database.
        "JUHE_DATABASE": settings.database_name,
        "JUHE_WORKER_CPUS": settings.worker_cpus,
        "JUHE_AMQP_URL": settings.amqp_url or "",
        "JUHE_MONGODB_URL": settings.mongodb_url or "",
        "JUHE_ADMIN_TOKEN": settings.admin_token or "",
        "JUHE_PREFETCH": str(settings.prefetch),
    }
    return {**os.environ, **{name: value for name, value in chosen.items() if value}}


@dataclass
class WorkerChild:
    """One child and its request/reply pipe: one question at a time, each reply read before the
    next question is written, or the child's answers would belong to the wrong questions."""

    process: asyncio.subprocess.Process
    _turn: asyncio.Lock = field(default_factory=asyncio.Lock)
    #: A question was written and its reply not read (cancelled, timed out): whatever the pipe
    #: says next answers that question, so the child can no longer be asked.
    _out_of_step: bool = False

    @classmethod
    async def start(cls, env: dict[str, str]) -> WorkerChild:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bench.worker_child",
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            env=env,
        )
        child = cls(process)
        try:
            async with asyncio.timeout(_START_SECONDS):
                line = await child._readline()
        except BaseException:
            await child.stop()
            raise
        if line != "READY":
            await child.stop()
            raise RuntimeError(f"a bench worker process said {line!r} instead of READY")
        return child

    @property
    def pid(self) -> int:
        return self.process.pid

    async def ask(self, request: str) -> dict[str, Any]:
        assert self.process.stdin is not None
        async with self._turn:
            if self._out_of_step:
                raise RuntimeError(f"bench worker process {self.pid}: an earlier reply went unread")
            self._out_of_step = True
            self.process.stdin.write(f"{request}\n".encode())
            await self.process.stdin.drain()
            async with asyncio.timeout(_ANSWER_SECONDS):
                line = await self._readline()
            self._out_of_step = False
        reply: dict[str, Any] = json.loads(line)
        if "error" in reply:
            raise RuntimeError(f"bench worker process {self.pid}: {reply['error']}")
        return reply

    async def stop(self) -> None:
        """End of input: the workers finish the messages in hand; killed if they take too long."""
        if self.process.returncode is not None:
            return
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            await asyncio.wait_for(self.process.wait(), _STOP_SECONDS)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()

    async def _readline(self) -> str:
        assert self.process.stdout is not None
        line = await self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"bench worker process {self.pid} exited (code {self.process.returncode})")
        return line.decode().strip()


@dataclass
class WorkerChildren:
    children: list[WorkerChild]

    @classmethod
    async def start(cls, settings: Settings, count: int) -> WorkerChildren:
        env = child_environment(settings)
        started = await asyncio.gather(
            *(WorkerChild.start(env) for _ in range(count)), return_exceptions=True
        )
        children = [child for child in started if isinstance(child, WorkerChild)]
        failures = [outcome for outcome in started if isinstance(outcome, BaseException)]
        if failures:
            await asyncio.gather(*(child.stop() for child in children))
            raise RuntimeError(f"a bench worker process did not start: {failures[0]!r}")
        return cls(children)

    @property
    def pids(self) -> tuple[int, ...]:
        return tuple(child.pid for child in self.children)

    async def counts(self) -> tuple[CommandCounts, dict[str, int]]:
        """Store commands and publishes, summed over the children."""
        replies = await asyncio.gather(*(child.ask("counts") for child in self.children))
        commands, published = CommandCounts(), Counter[str]()
        for reply in replies:
            commands += CommandCounts.from_dict(reply["commands"])
            published.update(reply["published"])
        return commands, dict(published)

    async def reset(self) -> None:
        await asyncio.gather(*(child.ask("reset") for child in self.children))

    async def record(self) -> None:
        await asyncio.gather(*(child.ask("record") for child in self.children))

    async def recorded(self, folder: Path) -> list[Path]:
        """Each child writes what it recorded to a file of its own in `folder`."""
        files = [(child, folder / f"worker-{child.pid}.bson") for child in self.children]
        await asyncio.gather(*(child.ask(f"recorded {path}") for child, path in files))
        return [path for _, path in files]

    async def stop(self) -> None:
        await asyncio.gather(*(child.stop() for child in self.children))
