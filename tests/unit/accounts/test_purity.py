"""The rules stay pure: the handlers, the model and the twin import no driver, broker or web code,
not even through the modules they import."""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

FORBIDDEN = {"pymongo", "bson", "motor", "faststream", "aio_pika", "fastapi", "starlette"}
OURS = {"workers", "schemas", "juhe"}
PURE = [
    "workers.accounts.handlers.applications",
    "workers.accounts.handlers.parties",
    "workers.accounts.handlers.rotation",
    "workers.accounts.handlers.supplier_routing",
    "workers.accounts.handlers.tiers",
    "workers.accounts.memory",
]


def imports_of(module: str) -> set[str]:
    """The modules `module` imports (with their parent packages, which Python imports first)."""
    spec = importlib.util.find_spec(module)
    assert spec is not None
    assert spec.origin is not None
    found: set[str] = set()
    for node in ast.walk(ast.parse(Path(spec.origin).read_text())):
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        for name in names:
            parts = name.split(".")
            found |= {".".join(parts[: i + 1]) for i in range(len(parts))}
    return found


def test_handlers_model_and_memory_import_no_pymongo_faststream_or_fastapi() -> None:
    seen, todo, outside = set(PURE), list(PURE), set()
    while todo:
        for name in imports_of(todo.pop()) - seen:
            seen.add(name)
            if name.split(".")[0] in OURS and importlib.util.find_spec(name) is not None:
                todo.append(name)
            else:
                outside.add(name.split(".")[0])
    assert "workers.accounts.model" in seen
    assert outside & FORBIDDEN == set()
