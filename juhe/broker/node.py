"""A private RabbitMQ node under a data dir, run by `juhe up` when no JUHE_AMQP_URL is set.

This module is the node's keeper, run as its own process (`python -m juhe.broker.node DIR`):
it starts RabbitMQ with its own name, cookie, ports, config and file-handle limit, prints
`READY <amqp port> <management port>` once the broker answers AMQP, and stops the broker when
its standard input closes — which is also what happens when the `juhe` that started it is
killed with -9 — or when it is asked to stop (SIGTERM, SIGINT).
"""

from __future__ import annotations

import hashlib
import os
import resource
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

#: Debian's wrapper in /usr/sbin switches to the `rabbitmq` user; the real script does not.
SERVER_SCRIPTS = ("/usr/lib/rabbitmq/bin/rabbitmq-server", "rabbitmq-server")
#: Each quorum queue holds a few file handles; a namespace declares about 110 queues.
FILE_HANDLES = 65_536
READY_TIMEOUT_SECONDS = 120.0
STOP_GRACE_SECONDS = 30.0


@dataclass(frozen=True)
class Ports:
    amqp: int
    management: int
    distribution: int
    epmd: int


def node_name(base: Path) -> str:
    """Stable per data dir: RabbitMQ keeps a node's queues under its name."""
    digest = hashlib.sha256(str(base.resolve()).encode()).hexdigest()[:10]
    return f"juhe-{digest}@localhost"


def free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def server_script() -> str:
    for candidate in SERVER_SCRIPTS:
        found = shutil.which(candidate)
        if found:
            return found
    raise SystemExit(
        "rabbitmq-server is not installed: run `apt-get install -y rabbitmq-server` "
        "(as root), or set JUHE_AMQP_URL to a running broker"
    )


def prepare(base: Path, ports: Ports) -> dict[str, str]:
    """Write the node's config, plugins and cookie; return the environment that points at them."""
    home = base / "home"
    for folder in (base / "mnesia", base / "log", home):
        folder.mkdir(parents=True, exist_ok=True)
    cookie = home / ".erlang.cookie"
    if not cookie.exists():  # kept across restarts: the node's identity
        cookie.write_text(secrets.token_hex(16))
    cookie.chmod(0o400)
    (base / "rabbitmq.conf").write_text(
        f"listeners.tcp.default = 127.0.0.1:{ports.amqp}\n"
        f"management.tcp.ip = 127.0.0.1\nmanagement.tcp.port = {ports.management}\n"
    )
    (base / "enabled_plugins").write_text("[rabbitmq_management].\n")
    return {
        **os.environ,
        "HOME": str(home),
        "RABBITMQ_NODENAME": node_name(base),
        "RABBITMQ_DIST_PORT": str(ports.distribution),
        "ERL_EPMD_PORT": str(ports.epmd),
        "RABBITMQ_MNESIA_BASE": str(base / "mnesia"),
        "RABBITMQ_LOG_BASE": str(base / "log"),
        "RABBITMQ_CONFIG_FILE": str(base / "rabbitmq.conf"),
        "RABBITMQ_ENABLED_PLUGINS_FILE": str(base / "enabled_plugins"),
        "RABBITMQ_PLUGINS_EXPAND_DIR": str(base / "plugins-expand"),
        "RABBITMQ_PID_FILE": str(base / "rabbitmq.pid"),
    }


def raise_file_limit() -> None:
    """Runs in the broker's process before exec: as many handles as the hard limit allows."""
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = FILE_HANDLES if hard == resource.RLIM_INFINITY else min(FILE_HANDLES, hard)
    resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))


def answers_amqp(port: int) -> bool:
    """A listening port is not enough: the broker must answer the protocol header."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2) as sock:
            sock.sendall(b"AMQP\x00\x00\x09\x01")
            return sock.recv(1) == b"\x01"
    except OSError:
        return False


def await_ready(proc: subprocess.Popen[bytes], port: int) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while not answers_amqp(port):
        if proc.poll() is not None:
            raise SystemExit(f"rabbitmq-server exited with code {proc.returncode} before it was ready")
        if time.monotonic() > deadline:
            raise SystemExit(f"rabbitmq-server did not answer AMQP within {READY_TIMEOUT_SECONDS:g} s")
        time.sleep(0.5)


def stop(proc: subprocess.Popen[bytes], ports: Ports) -> None:
    """SIGTERM lets RabbitMQ stop cleanly (queues are kept); then its private epmd goes too."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=STOP_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    epmd = shutil.which("epmd")
    if epmd:
        subprocess.run(
            [epmd, "-port", str(ports.epmd), "-kill"],
            env={**os.environ, "ERL_EPMD_PORT": str(ports.epmd)},
            capture_output=True,
            timeout=10,
            check=False,
        )


def _set_at_eof(done: threading.Event) -> None:
    """The parent holds our stdin open; end of file means it is gone, however it went."""
    sys.stdin.buffer.read()
    done.set()


def main(base: Path) -> int:
    base.mkdir(parents=True, exist_ok=True)
    ports = Ports(*free_ports(4))
    env = prepare(base, ports)
    with (base / "broker.log").open("ab") as log:
        proc = subprocess.Popen(
            [server_script()],
            env=env,
            cwd=base,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            start_new_session=True,
            preexec_fn=raise_file_limit,
        )
    done = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: done.set())
    threading.Thread(target=_set_at_eof, args=(done,), daemon=True).start()
    try:
        await_ready(proc, ports.amqp)
        sys.stdout.write(f"READY {ports.amqp} {ports.management}\n")
        sys.stdout.flush()
        while not done.wait(1.0):
            if proc.poll() is not None:
                return 1
        return 0
    finally:
        stop(proc, ports)


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
