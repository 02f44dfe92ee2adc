"""The layering of the project's modules, read from their source (no imports run).

- The apps own their queries and writes; `packagegrid.web` holds the pages on top of them,
  so no module outside it imports it (but the root URLconf).
- Imports sit at the top of a module. An import inside a function is how an import cycle
  hides; only `AppConfig.ready()` may import there (Django's documented place to connect
  signal receivers).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2]


def _modules() -> Iterator[tuple[str, ast.Module]]:
    """(dotted name, syntax tree) of every non-test module of the project."""
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE.parent)
        if "tests" in relative.parts or "migrations" in relative.parts:
            continue
        if relative.name == "conftest.py":
            continue
        name = ".".join(relative.with_suffix("").parts)
        yield name, ast.parse(path.read_text(), filename=str(path))


def _imported(node: ast.Import | ast.ImportFrom) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    module = node.module or ""
    return [module, *(f"{module}.{alias.name}" for alias in node.names)]


def _imports_in_functions(tree: ast.Module) -> Iterator[tuple[str, int, str]]:
    """(function, line, imported module) of each project import inside a function body."""
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(function):
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [n for n in _imported(node) if n.startswith("packagegrid")]
                if names:
                    yield function.name, node.lineno, names[0]


def test_it_finds_the_project_modules() -> None:
    names = {name for name, _ in _modules()}
    assert "packagegrid.fetchers.services" in names
    assert "packagegrid.health.services" in names
    assert not any(".tests." in name for name in names)


def test_it_keeps_imports_of_the_project_out_of_functions() -> None:
    found = [
        f"{name}:{line} {function}() imports {imported}"
        for name, tree in _modules()
        for function, line, imported in _imports_in_functions(tree)
        if not (name.endswith(".apps") and function == "ready")
    ]
    assert found == []


def test_it_imports_the_web_pages_only_from_the_url_configuration() -> None:
    found = [
        f"{name} imports {imported}"
        for name, tree in _modules()
        if not name.startswith("packagegrid.web") and name != "packagegrid.urls"
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for imported in _imported(node)
        if imported == "packagegrid.web" or imported.startswith("packagegrid.web.")
    ]
    assert found == []
