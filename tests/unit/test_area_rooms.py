"""Rules and handlers stay free of storage and transport: they import no PyMongo, FastStream,
FastAPI or aio_pika, not even indirectly (followed through the project's own modules)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PURE = [
    "workers.catalog.model",
    "workers.catalog.handlers.products",
    "workers.catalog.handlers.revisions",
    "workers.catalog.handlers.taxonomy",
    "workers.catalog.handlers.promotions",
    "workers.catalog.memory",
    "workers.selection.model",
    "workers.selection.handlers.selections",
    "workers.selection.handlers.shop_sync",
    "workers.selection.memory",
]
FORBIDDEN = {"pymongo", "bson", "faststream", "fastapi", "aio_pika"}


def _source(module: str) -> Path | None:
    """The project file of `module` (a module or a package), None for anything else."""
    base = ROOT.joinpath(*module.split("."))
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found |= {node.module, *(f"{node.module}.{alias.name}" for alias in node.names)}
    return found


def _reach(modules: list[str]) -> set[str]:
    """Every module these import, following the project's own modules and their packages."""
    seen: set[str] = set()
    todo = list(modules)
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        seen.add(module)
        if (path := _source(module)) is not None:
            todo += _imports(path)
            todo += [".".join(module.split(".")[:i]) for i in range(1, module.count(".") + 1)]
    return seen


def test_catalog_and_selection_rules_import_no_storage_or_transport() -> None:
    assert {name.split(".")[0] for name in _reach(PURE)} & FORBIDDEN == set()


def test_the_check_sees_an_indirect_import() -> None:
    assert "pymongo" in {name.split(".")[0] for name in _reach(["workers.selection.subscribers"])}
