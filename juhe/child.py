"""A helper process that announces `READY <words…>` on stdout and dies with its parent.

The embedded store and the embedded broker both run this way: the child watches its stdin,
an open pipe from the parent that closes when the parent dies (even by kill -9), and its
stderr is appended to a log whose tail explains a failed start.
"""

from __future__ import annotations

import queue
import subprocess
import threading
import time
from pathlib import Path
from typing import IO

STOP_GRACE_SECONDS = 10.0
LOG_TAIL_BYTES = 4000


class ChildStartError(RuntimeError):
    """The child exited, or said something else, before announcing READY."""


class ReadyChild:
    def __init__(
        self,
        command: list[str],
        log_path: Path | None,
        *,
        stop_grace: float = STOP_GRACE_SECONDS,
        env: dict[str, str] | None = None,
    ) -> None:
        """`log_path` None: the child writes to this process's stderr (its lines belong to ours)."""
        self.command = command
        self.log_path = log_path
        self._stop_grace = stop_grace
        self._env = env
        self._proc: subprocess.Popen[bytes] | None = None
        self._log_offset = 0

    @property
    def pid(self) -> int | None:
        return None if self._proc is None else self._proc.pid

    def start(self, timeout: float) -> list[str]:
        """Spawn the child and return the words after READY; stops it on any failure."""
        try:
            self._proc = self._spawn()
            return self._await_ready(self._proc, time.monotonic() + timeout, timeout)
        except BaseException:
            # Interrupts included: a half-started child would hold the data dir's lock.
            self.stop()
            raise

    def stop(self) -> None:
        """Ask the child to stop, kill it after the grace period; safe to call twice."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=self._stop_grace)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        for pipe in (proc.stdin, proc.stdout):
            if pipe is not None:
                pipe.close()

    def log_tail(self) -> str:
        """The end of what the child wrote to the log during this run."""
        if self.log_path is None:
            return "(written to this process's stderr)"
        try:
            with self.log_path.open("rb") as log:
                log.seek(max(self._log_offset, log.seek(0, 2) - LOG_TAIL_BYTES))
                return log.read().decode(errors="replace")
        except OSError as exc:
            return f"(log unreadable: {exc})"

    def _spawn(self) -> subprocess.Popen[bytes]:
        if self.log_path is None:
            return self._popen(None)
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            self._log_offset = log.tell()
            return self._popen(log)

    def _popen(self, stderr: IO[bytes] | None) -> subprocess.Popen[bytes]:
        # A new session keeps a terminal's Ctrl-C away, so shutdown order stays ours.
        return subprocess.Popen(
            self.command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=stderr,
            start_new_session=True,
            env=self._env,
        )

    def _await_ready(self, proc: subprocess.Popen[bytes], deadline: float, timeout: float) -> list[str]:
        assert proc.stdout is not None
        line = _readline_before(proc.stdout, deadline)
        if line is None:
            raise ChildStartError(f"no READY line within {timeout:g} s")
        if not line:
            proc.wait(timeout=self._stop_grace)
            raise ChildStartError(f"exited with code {proc.returncode} before READY")
        words = line.decode(errors="replace").split()
        if len(words) < 2 or words[0] != "READY":
            raise ChildStartError(f"announced {line!r} instead of READY")
        return words[1:]


def _readline_before(stream: IO[bytes], deadline: float) -> bytes | None:
    """Read one line from `stream`, or return None if none arrives by `deadline`."""
    lines: queue.Queue[bytes] = queue.Queue(maxsize=1)
    # A pipe read cannot time out portably; the thread ends when stop() kills the child.
    reader = threading.Thread(target=lambda: lines.put(stream.readline()), daemon=True)
    reader.start()
    try:
        return lines.get(timeout=max(0.0, deadline - time.monotonic()))
    except queue.Empty:
        return None
