"""Launcher that runs SecantusDB as a child process when no MongoDB URL is configured."""

from __future__ import annotations

import queue
import subprocess
import sys
import threading
import time
from importlib.util import find_spec
from pathlib import Path
from types import TracebackType
from typing import IO

from pymongo import MongoClient
from pymongo.errors import PyMongoError

_STOP_GRACE_SECONDS = 10.0
_LOG_TAIL_BYTES = 4000


# Retryable writes off: SecantusDB 0.7.0b3 scans (and past its cap sorts) every recorded
# retryable write on each new one, so the cost of a write grows with the writes before it.
# Juhe does not need them: a failed write fails the handler, and the redelivered message
# converges because every handler is idempotent (DESIGN.md, principles 1-2).
_CLIENT_OPTIONS = "directConnection=true&retryWrites=false"


class EmbeddedStoreError(RuntimeError):
    """The embedded store could not be started."""


class EmbeddedStore:
    """One SecantusDB child process serving the data under `data_dir/store`."""

    def __init__(self, data_dir: Path, *, startup_timeout: float = 30.0) -> None:
        self._data_dir = data_dir
        self._startup_timeout = startup_timeout
        self._proc: subprocess.Popen[bytes] | None = None
        self._url: str | None = None
        self._log_offset = 0

    @property
    def url(self) -> str | None:
        """The connection URL while the store runs, else None."""
        return self._url

    @property
    def log_path(self) -> Path:
        """The file that collects the child's stderr across runs."""
        return self._data_dir / "store.log"

    def start(self) -> str:
        """Start the child, wait until it answers a ping, and return its URL."""
        if self._url is not None:
            return self._url
        _require_secantus()
        deadline = time.monotonic() + self._startup_timeout
        try:
            self._proc = self._spawn()
            port = self._await_ready(self._proc, deadline)
            url = f"mongodb://127.0.0.1:{port}/?{_CLIENT_OPTIONS}"
            self._await_ping(url, deadline)
        except BaseException:
            # Interrupts included: a half-started child would hold the data dir's lock.
            self.stop()
            raise
        self._url = url
        return url

    def stop(self) -> None:
        """Ask the child to stop, kill it after a grace period; safe to call twice."""
        proc, self._proc, self._url = self._proc, None, None
        if proc is None:
            return
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=_STOP_GRACE_SECONDS)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        for pipe in (proc.stdin, proc.stdout):
            if pipe is not None:
                pipe.close()

    def __enter__(self) -> str:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _spawn(self) -> subprocess.Popen[bytes]:
        """Start the child with its stderr appended to the store log."""
        store_dir = (self._data_dir / "store").resolve()
        store_dir.mkdir(parents=True, exist_ok=True)
        command = [sys.executable, "-m", "juhe.store.secantus_server"]
        command += ["--storage-path", str(store_dir), "--watch-stdin"]
        with self.log_path.open("ab") as log:
            self._log_offset = log.tell()
            # stdin stays an open pipe the child watches: it closes when this process dies.
            # A new session keeps a terminal's Ctrl-C away, so shutdown order stays ours.
            return subprocess.Popen(
                command,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
                start_new_session=True,
            )

    def _await_ready(self, proc: subprocess.Popen[bytes], deadline: float) -> int:
        """Read the child's `READY <port>` line, failing on early exit or timeout."""
        assert proc.stdout is not None
        line = _readline_before(proc.stdout, deadline)
        if line is None:
            raise self._failure(f"no READY line within {self._startup_timeout:g} s")
        if not line:
            proc.wait(timeout=_STOP_GRACE_SECONDS)
            raise self._failure(f"exited with code {proc.returncode} before READY")
        words = line.decode(errors="replace").split()
        if len(words) == 2 and words[0] == "READY" and words[1].isdigit():
            return int(words[1])
        raise self._failure(f"announced {line!r} instead of READY <port>")

    def _await_ping(self, url: str, deadline: float) -> None:
        """Wait until a client can reach the child and run `ping`."""
        timeout_ms = max(1, int((deadline - time.monotonic()) * 1000))
        client: MongoClient[dict[str, object]] = MongoClient(
            url, serverSelectionTimeoutMS=timeout_ms, connectTimeoutMS=timeout_ms
        )
        try:
            client.admin.command("ping")
        except PyMongoError as exc:
            raise self._failure(f"announced READY but did not answer ping: {exc}") from exc
        finally:
            client.close()

    def _failure(self, what: str) -> EmbeddedStoreError:
        """Build a start error carrying the tail of this run's store log."""
        return EmbeddedStoreError(f"embedded store {what}; log {self.log_path}:\n{self._log_tail()}")

    def _log_tail(self) -> str:
        """Return the end of what the child wrote to the log during this run."""
        try:
            with self.log_path.open("rb") as log:
                log.seek(max(self._log_offset, log.seek(0, 2) - _LOG_TAIL_BYTES))
                return log.read().decode(errors="replace")
        except OSError as exc:
            return f"(log unreadable: {exc})"


def _require_secantus() -> None:
    """Fail with the fix when SecantusDB is not installed in this environment."""
    if find_spec("secantus") is None:
        raise EmbeddedStoreError(
            "SecantusDB is not installed: install the `embedded` extra "
            "(`uv sync --extra embedded`) or set JUHE_MONGODB_URL to a MongoDB deployment"
        )


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
