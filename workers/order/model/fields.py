"""Field conventions shared by the stored documents and the views built from them."""

from __future__ import annotations

from pydantic import Field


def is_none(value: object) -> bool:
    return value is None


#: A field left out of the stored document (and the API answer) while it has no value.
Omitted = Field(default=None, exclude_if=is_none)
