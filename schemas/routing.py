"""Every exchange and queue name in one place; all are prefixed by the deployment namespace."""

from __future__ import annotations

COMMANDS = "commands"
EVENTS = "events"
DEAD_LETTERS = "dlx"
DELAY = "delay"

#: Growing backoff for outbound HTTP deliveries; the last step repeats until give-up.
BACKOFF_SECONDS: tuple[int, ...] = (5, 30, 120, 600, 1800, 3600)


def exchange(namespace: str, base: str) -> str:
    return f"{namespace}.{base}"


def queue(namespace: str, worker: str, message_name: str) -> str:
    return f"{namespace}.{worker}.{message_name}"


def dead_letter_queue(queue_name: str) -> str:
    return f"{queue_name}.dlq"


def delay_exchange(namespace: str, seconds: int) -> str:
    return f"{namespace}.{DELAY}.{seconds}s"


def backoff_seconds(attempt: int) -> int:
    """Delay before retry number `attempt` (1-based) of an outbound delivery."""
    return BACKOFF_SECONDS[min(attempt, len(BACKOFF_SECONDS)) - 1]
