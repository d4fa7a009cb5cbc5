"""Launcher that runs SecantusDB as a child process when no MongoDB URL is configured."""

from __future__ import annotations

import os
import sys
import time
from importlib.util import find_spec
from pathlib import Path
from types import TracebackType

from pymongo import MongoClient
from pymongo.errors import PyMongoError

from juhe.affinity import as_setting, cpu_numbers
from juhe.child import ChildStartError, ReadyChild
from juhe.settings import Settings

# Retryable writes off: SecantusDB 0.7.0b3 scans (and past its cap sorts) every recorded
# retryable write on each new one, so the cost of a write grows with the writes before it.
# Juhe does not need them: a failed write fails the handler, and the redelivered message
# converges because every handler is idempotent (DESIGN.md, principles 1-2).
_CLIENT_OPTIONS = "directConnection=true&retryWrites=false"


#: `embedded_store_cpus`: one CPU (the last this process may use), or no pinning.
ONE_CPU, ALL_CPUS = "one", "all"
#: `embedded_store_cache`: sized as mongod sizes its cache, or a size such as `512M` or `4G`.
AUTO_CACHE = "auto"
_MIB = 1024 * 1024


class EmbeddedStoreError(RuntimeError):
    """The embedded store could not be started."""


def store_cpus(choice: str, allowed: set[int] | None = None) -> frozenset[int] | None:
    """The CPUs to pin the embedded store to (`Settings.embedded_store_cpus`), None for none.

    The store is one Python process whose connection threads share one interpreter lock, and
    its storage engine lets go of that lock on every call: spread over several cores, the
    threads spend more CPU handing the lock from core to core than on the commands themselves.
    """
    if choice == ALL_CPUS or not hasattr(os, "sched_setaffinity"):
        return None
    if choice == ONE_CPU:
        usable = allowed if allowed is not None else os.sched_getaffinity(0)
        return frozenset({max(usable)})
    # The setting's pattern admits only CPU numbers here; the store refuses CPUs it may not use.
    return cpu_numbers(choice)


def store_cache(choice: str, memory: int | None = None) -> str:
    """The storage engine's cache size for `Settings.embedded_store_cache`, as `<n>M` or `<n>G`.

    `auto` takes what mongod takes by default: half of the memory above 1 GiB, at least 256 MiB.
    A store that outgrows its cache reads while it evicts dirty pages: with the store library's
    own default (1 GiB), reads right after a bulk load of a million orders were up to three times
    slower than on the small store (the README's performance section).
    """
    if choice != AUTO_CACHE:
        return choice
    available = memory if memory is not None else usable_memory()
    return f"{max(256, (available - 1024 * _MIB) // 2 // _MIB)}M"


def usable_memory() -> int:
    """This machine's memory in bytes, or its control group's limit when that is lower."""
    physical = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    try:
        limit = Path("/sys/fs/cgroup/memory.max").read_text().strip()
    except OSError:
        return physical
    return min(physical, int(limit)) if limit.isdigit() else physical


class EmbeddedStore:
    """One SecantusDB child process serving the data under `data_dir/store`."""

    def __init__(
        self, data_dir: Path, *, startup_timeout: float = 30.0, cpus: str = ONE_CPU, cache: str = AUTO_CACHE
    ) -> None:
        self._data_dir = data_dir
        self._startup_timeout = startup_timeout
        #: The storage engine's cache as given to the child, e.g. `11540M`.
        self.cache_size = store_cache(cache)
        store_dir = (data_dir / "store").resolve()
        command = [sys.executable, "-m", "juhe.store.secantus_server"]
        command += ["--storage-path", str(store_dir), "--watch-stdin", "--cache-size", self.cache_size]
        #: The CPUs the store runs on, None when it is not pinned.
        self.cpus = store_cpus(cpus)
        if self.cpus is not None:
            command += ["--cpus", as_setting(self.cpus)]
        self._log_path = data_dir / "store.log"
        self._child = ReadyChild(command, self._log_path)
        self._url: str | None = None

    @property
    def url(self) -> str | None:
        """The connection URL while the store runs, else None."""
        return self._url

    @property
    def pid(self) -> int | None:
        """The store process, while it runs."""
        return self._child.pid

    @property
    def log_path(self) -> Path:
        """The file that collects the child's stderr across runs."""
        return self._log_path

    def start(self) -> str:
        """Start the child, wait until it answers a ping, and return its URL."""
        if self._url is not None:
            return self._url
        _require_secantus()
        (self._data_dir / "store").mkdir(parents=True, exist_ok=True)
        deadline = time.monotonic() + self._startup_timeout
        try:
            words = self._child.start(self._startup_timeout)
        except ChildStartError as exc:
            raise self._failure(str(exc)) from exc
        if len(words) != 1 or not words[0].isdigit():
            self._child.stop()
            raise self._failure(f"announced READY {' '.join(words)} instead of READY <port>")
        url = f"mongodb://127.0.0.1:{words[0]}/?{_CLIENT_OPTIONS}"
        try:
            self._await_ping(url, deadline)
        except BaseException:
            self._child.stop()
            raise
        self._url = url
        return url

    def stop(self) -> None:
        """Ask the child to stop, kill it after a grace period; safe to call twice."""
        self._url = None
        self._child.stop()

    def __enter__(self) -> str:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

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
        return EmbeddedStoreError(f"embedded store {what}; log {self.log_path}:\n{self._child.log_tail()}")


def configured_store(data_dir: Path, settings: Settings, *, startup_timeout: float = 30.0) -> EmbeddedStore:
    """The embedded store on the CPUs and with the cache `settings` name."""
    return EmbeddedStore(
        data_dir,
        startup_timeout=startup_timeout,
        cpus=settings.embedded_store_cpus,
        cache=settings.embedded_store_cache,
    )


def _require_secantus() -> None:
    """Fail with the fix when SecantusDB is not installed in this environment."""
    if find_spec("secantus") is None:
        raise EmbeddedStoreError(
            "SecantusDB is not installed: install the `embedded` extra "
            "(`uv sync --extra embedded`) or set JUHE_MONGODB_URL to a MongoDB deployment"
        )
