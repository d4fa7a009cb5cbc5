"""Field conventions shared by the stored documents and the views built from them."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


def is_none(value: object) -> bool:
    return value is None


#: A field left out of the stored document (and the API answer) while it has no value.
Omitted = Field(default=None, exclude_if=is_none)


def stored_fields(fields: dict[str, Any] | None) -> dict[str, Any]:
    """Fields as the store keeps them: models (and lists of them) as plain documents; the
    repository and its in-memory twin both set fields this way."""

    def dump(value: Any) -> Any:
        if isinstance(value, BaseModel):
            return value.model_dump()
        if isinstance(value, list):
            return [dump(item) for item in value]
        return value

    return {name: dump(value) for name, value in (fields or {}).items()}
