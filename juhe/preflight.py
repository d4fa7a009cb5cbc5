"""What `juhe` checks before it says anything is up: each failure is one sentence and an exit code.

A newcomer reads these, not a traceback: the data dir held by another `juhe`, a taken port, a
broker or store that does not answer, a setting that does not parse.
"""

from __future__ import annotations

import fcntl
import os
import socket
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit

from pydantic import ValidationError
from pymongo import MongoClient
from pymongo.errors import PyMongoError

PROBE_SECONDS = 5.0


class Refused(Exception):
    """A precondition does not hold; the message says what to do about it."""


def settings_problem(exc: ValidationError) -> str:
    first = exc.errors(include_url=False)[0]
    name = "JUHE_" + "_".join(str(part) for part in first["loc"]).upper() if first["loc"] else "a setting"
    return f"invalid setting {name}: {first['msg']}"


def lock_data_dir(data_dir: Path) -> IO[str]:
    """Hold the data dir for this process's lifetime; the lock goes with the process, even on kill -9."""
    data_dir.mkdir(parents=True, exist_ok=True)
    handle = (data_dir / "juhe.pid").open("a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or "unknown"
        handle.close()
        raise Refused(
            f"the data dir {data_dir} is in use by another juhe (pid {holder}); "
            "stop it, or set JUHE_DATA_DIR to another folder"
        ) from None
    handle.seek(0)
    handle.truncate()
    handle.write(str(os.getpid()))
    handle.flush()
    return handle


def require_free_port(host: str, port: int) -> None:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise Refused(
                f"cannot listen on {host}:{port} ({exc.strerror}); stop what holds it, or set JUHE_API_PORT"
            ) from None


def redacted(url: str) -> str:
    """The URL without its password, for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
    return parts._replace(netloc=netloc).geturl()


def require_broker(url: str) -> None:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 5672
    try:
        with socket.create_connection((host, port), timeout=PROBE_SECONDS) as sock:
            sock.settimeout(PROBE_SECONDS)
            sock.sendall(b"AMQP\x00\x00\x09\x01")
            answered = sock.recv(1) == b"\x01"
    except OSError as exc:
        raise Refused(f"the broker at {redacted(url)} is unreachable ({exc}); {_broker_hint()}") from None
    if not answered:
        raise Refused(f"{redacted(url)} does not answer AMQP 0-9-1; {_broker_hint()}")


def require_store(url: str) -> None:
    timeout_ms = int(PROBE_SECONDS * 1000)
    client: MongoClient[dict[str, object]] = MongoClient(
        url, serverSelectionTimeoutMS=timeout_ms, connectTimeoutMS=timeout_ms
    )
    try:
        client.admin.command("ping")
    except PyMongoError as exc:
        reason = str(exc).split(" (configured")[0].split(",")[0]
        raise Refused(
            f"the store at {redacted(url)} does not answer ({reason}); "
            "start it, or unset JUHE_MONGODB_URL to run an embedded one"
        ) from None
    finally:
        client.close()


def _broker_hint() -> str:
    return "start RabbitMQ there, or unset JUHE_AMQP_URL to run a private broker under the data dir"
