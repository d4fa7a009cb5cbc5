"""What a handler may return besides plain messages."""

from __future__ import annotations

from dataclasses import dataclass

from schemas.envelope import Message


@dataclass(frozen=True)
class Later:
    """Publish `message` after `seconds` (through the matching delay queue)."""

    message: Message
    seconds: int


Outgoing = Message | Later


class DeadLetterError(Exception):
    """The message can never succeed (gave up retrying): park it in its DLQ now."""
