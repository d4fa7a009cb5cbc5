"""The order model and handlers stay pure: no store, broker or web framework, not even indirectly.

Follows the imports of our own packages from the model and the handlers, statically.
"""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

OURS = ("workers", "juhe", "schemas", "edge_api")
FORBIDDEN = {"pymongo", "motor", "faststream", "fastapi", "starlette", "aio_pika", "bson"}
PURE = ("workers.order.model", "workers.order.handlers")


def source(module: str) -> Path | None:
    spec = importlib.util.find_spec(module)
    return None if spec is None or spec.origin is None else Path(spec.origin)


def imported_by(module: str) -> set[str]:
    path = source(module)
    assert path is not None, module
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            subs = (f"{node.module}.{alias.name}" for alias in node.names)
            names |= {sub for sub in subs if node.module.startswith(OURS) and _is_module(sub)}
    return names


def _is_module(name: str) -> bool:
    try:
        return source(name) is not None
    except ModuleNotFoundError:
        return False


def reachable(roots: list[str]) -> set[str]:
    seen: set[str] = set()
    todo = list(roots)
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        seen.add(module)
        if module.startswith(OURS):
            todo += imported_by(module)
    return seen


def test_the_model_and_handlers_import_no_storage_broker_or_web_framework() -> None:
    handlers = Path(source("workers.order.handlers") or "").parent
    roots = [*PURE, *(f"workers.order.handlers.{p.stem}" for p in handlers.glob("[!_]*.py"))]
    modules = reachable(roots)
    assert "workers.order.handlers.saga" in modules
    assert {m.split(".")[0] for m in modules} & FORBIDDEN == set()
    assert not any(m.endswith((".queries", ".repository")) or ".repository." in m for m in modules)
