"""One wording for invalid input, shared by the edge and the platform adapters."""

from __future__ import annotations

from typing import Any


def describe_validation(errors: list[Any], *, prefix: str = "") -> tuple[int, str, str]:
    """400 for a body that is not JSON at all, else 422 naming the first bad field."""
    first = errors[0]
    if first.get("type") == "json_invalid":
        return 400, "malformed_json", f"request body is not valid JSON: {first.get('msg', '')}"
    loc = [str(part) for part in first.get("loc", ()) if part not in ("body", "query", "path")]
    field = ".".join([prefix, *loc] if prefix else loc) or prefix or "body"
    return 422, "invalid_field", f"{field}: {first.get('msg', 'invalid')}"
