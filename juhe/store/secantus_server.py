"""Child-process entry point that serves SecantusDB with Juhe's two fixes.

The candidate-selection fix stops a top-level `$and` from forcing a collection scan; the
sorted walk (`juhe.store.secantus_walk`) answers a limited, sorted find over a compound index
without reading every document under its prefix.
"""

from __future__ import annotations

import argparse
import functools
import importlib.metadata
import logging
import os
import re
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from types import FrameType
from typing import Any

from juhe.affinity import cpu_numbers
from juhe.store import secantus_walk
from juhe.store.secantus_entries import secantus_module

REQUIRED_VERSION = "0.7.0b3"
_FIX_MARKER = "__juhe_candidate_fix__"
_WALK_MARKER = "__juhe_sorted_walk__"
#: A storage-engine cache size as WiredTiger takes it: megabytes or gigabytes.
CACHE_SIZE = re.compile(r"[1-9]\d*[MG]")

Candidates = list[Any] | None
CandidatePicker = Callable[..., Candidates]


def version_problem() -> str | None:
    """Describe why the installed SecantusDB cannot take the fix, or None when it can."""
    try:
        found = importlib.metadata.version("secantusdb")
    except importlib.metadata.PackageNotFoundError:
        found = None
    if found == REQUIRED_VERSION:
        return None
    # The fix wraps a private method, so any other release may silently change its meaning.
    return (
        f"the embedded store needs secantusdb=={REQUIRED_VERSION}, found {found or 'none'}; "
        "run `uv sync --extra embedded` or set JUHE_MONGODB_URL"
    )


def _field_clauses(filter: dict[str, Any]) -> dict[str, Any] | None:
    """Return the field clauses of a filter whose only operator key is `$and`, else None."""
    if not filter:
        return None
    operators = {key for key in filter if key.startswith("$")}
    if operators != {"$and"}:
        return None
    clauses = {key: value for key, value in filter.items() if key != "$and"}
    return clauses or None


def _with_field_candidates(original: CandidatePicker) -> CandidatePicker:
    """Wrap the candidate picker so a `$and` beside field clauses no longer forces a scan."""

    @functools.wraps(original)
    def pick(self: Any, db: str, coll: str, filter: dict[str, Any], *, collation: Any = None) -> Candidates:
        # Every caller re-checks each candidate against the full filter with matches(), and a
        # top-level $and can only narrow the result, so the field clauses give a safe superset.
        clauses = _field_clauses(filter)
        chosen = filter if clauses is None else clauses
        return original(self, db, coll, chosen, collation=collation)

    setattr(pick, _FIX_MARKER, True)
    return pick


def _wrapped(method: str, marker: str) -> bool:
    """Whether SecantusDB's `Storage.<method>` is Juhe's wrapper carrying `marker` in this process."""
    return getattr(getattr(secantus_module("storage").Storage, method, None), marker, False) is True


def _install(method: str, marker: str, wrap: Callable[[Any], Any]) -> None:
    """Wrap `Storage.<method>` once, on the one SecantusDB version the wrapper was written for."""
    problem = version_problem()
    if problem is not None:
        raise RuntimeError(problem)
    storage_cls = secantus_module("storage").Storage
    if not _wrapped(method, marker):
        setattr(storage_cls, method, wrap(getattr(storage_cls, method)))


def candidate_fix_applied() -> bool:
    """Tell whether SecantusDB's candidate picker is Juhe's wrapper in this process."""
    return _wrapped("_try_index_id_keys", _FIX_MARKER)


def apply_candidate_fix() -> None:
    """Install the candidate-selection fix once; calling it again changes nothing."""
    _install("_try_index_id_keys", _FIX_MARKER, _with_field_candidates)


def _with_sorted_walk(original: Callable[..., list[Any]]) -> Callable[..., list[Any]]:
    """Wrap find_matching so a limited sort along a compound index stops after the page."""

    @functools.wraps(original)
    def find_matching(self: Any, db: str, coll: str, filter: Any = None, **options: Any) -> list[Any]:
        found = secantus_walk.answer(self, db, coll, filter, options)
        return found if found is not None else original(self, db, coll, filter, **options)

    setattr(find_matching, _WALK_MARKER, True)
    return find_matching


def sorted_walk_applied() -> bool:
    """Tell whether SecantusDB's find_matching is Juhe's sorted-walk wrapper in this process."""
    return _wrapped("find_matching", _WALK_MARKER)


def apply_sorted_walk_fix() -> None:
    """Install the sorted walk once; calling it again changes nothing."""
    _install("find_matching", _WALK_MARKER, _with_sorted_walk)


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Read the command line of the store child."""
    parser = argparse.ArgumentParser(prog="python -m juhe.store.secantus_server")
    parser.add_argument("--storage-path", type=Path, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument(
        "--cpus",
        type=cpu_numbers,
        help="comma-separated CPUs this process and every thread it starts may run on",
    )
    parser.add_argument(
        "--cache-size",
        type=_cache_size,
        default="1G",
        help="the storage engine's cache, e.g. 512M or 4G (the store library's default: 1G)",
    )
    parser.add_argument(
        "--watch-stdin",
        action="store_true",
        help="stop when stdin closes (the launcher's pipe closes when the launcher dies)",
    )
    return parser.parse_args(argv)


def _cache_size(text: str) -> str:
    if not CACHE_SIZE.fullmatch(text):
        raise argparse.ArgumentTypeError(f"want a size such as 512M or 4G, got {text!r}")
    return text


def _stop_on_signals(stop: threading.Event) -> None:
    """Turn SIGTERM and SIGINT into a request to stop."""

    def request_stop(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)


def _stop_on_stdin_eof(stop: threading.Event) -> None:
    """Request a stop once stdin reaches end of file."""

    def watch() -> None:
        # Raw reads: a daemon thread parked in sys.stdin's buffer aborts interpreter shutdown.
        while os.read(sys.stdin.fileno(), 4096):
            pass
        stop.set()

    threading.Thread(target=watch, name="juhe-parent-watch", daemon=True).start()


def _serve(args: argparse.Namespace, stop: threading.Event) -> None:
    """Run the server until a stop is requested, announcing the bound port on stdout."""
    server = secantus_module("server").SecantusDBServer(
        host=args.host,
        port=args.port,
        storage_path=str(args.storage_path),
        sync_on_commit=True,
        cache_size=args.cache_size,
    )
    server.start()
    try:
        # start() has bound the socket, so address holds the port the OS picked for port 0.
        sys.stdout.write(f"READY {server.address[1]}\n")
        sys.stdout.flush()
        stop.wait()
    finally:
        server.stop()


def main(argv: Sequence[str] | None = None) -> int:
    """Start the fixed SecantusDB server and block until told to stop."""
    args = _parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    log = logging.getLogger("juhe.store")
    if args.cpus is not None:
        # Before any thread starts: each thread inherits the CPUs of the thread that starts it.
        try:
            os.sched_setaffinity(0, args.cpus)
        except (OSError, ValueError) as exc:
            log.error("refusing to start: cannot run on CPUs %s: %s", sorted(args.cpus), exc)
            return 2
    stop = threading.Event()
    _stop_on_signals(stop)
    if args.watch_stdin:
        _stop_on_stdin_eof(stop)
    try:
        apply_candidate_fix()
        apply_sorted_walk_fix()
    except RuntimeError as exc:
        log.error("refusing to start: %s", exc)
        return 2
    if not (candidate_fix_applied() and sorted_walk_applied()):
        log.error("refusing to start: the candidate-selection fix or the sorted walk is not in place")
        return 2
    args.storage_path.mkdir(parents=True, exist_ok=True)
    _serve(args, stop)
    log.info("store stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
