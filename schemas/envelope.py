"""The envelope every message carries: id, correlation id (the order key), occurred-at."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import ClassVar, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from schemas.common import Instant

_MESSAGE_ID_NAMESPACE = uuid.UUID("8f0d5f0e-5a0c-4c55-9d3e-6a4f0e2b7c11")


def utcnow() -> datetime:
    return datetime.now(UTC)


class Message(BaseModel):
    """Base of every command and event.

    The message id is derived from the message name and its business key, so a producer that
    repeats itself (a redelivered handler, a retried webhook) emits the same id.
    """

    model_config = ConfigDict(frozen=True, extra="ignore")

    NAME: ClassVar[str]
    IS_COMMAND: ClassVar[bool]
    #: An event nobody subscribes to yet (a broadcast fact) may be published unroutable.
    MUST_ROUTE: ClassVar[bool] = True

    message_id: str = ""
    correlation_id: str
    occurred_at: Instant = Field(default_factory=utcnow)

    def business_key(self) -> str:
        """What makes two instances the same request; subclasses narrow it."""
        return self.correlation_id

    @model_validator(mode="after")
    def _derive_message_id(self) -> Self:
        if not self.message_id:
            key = f"{self.NAME}|{self.business_key()}"
            object.__setattr__(self, "message_id", str(uuid.uuid5(_MESSAGE_ID_NAMESPACE, key)))
        return self


class Command(Message):
    IS_COMMAND: ClassVar[bool] = True


class Event(Message):
    IS_COMMAND: ClassVar[bool] = False
