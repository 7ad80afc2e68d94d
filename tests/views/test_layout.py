"""The app layer's layout holds: each kit imports only what its job needs, no kit imports a
lesson, nothing imports in a circle, and no module grows past 400 lines without saying why
(see `ema_lab`'s docstring for the table of packages)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LIMIT = 400

MAY_IMPORT = {  # package: the ema_lab packages its modules may import (besides its own)
    "model": set(),
    "plot": {"model"},
    "lessons": {"model", "plot"},
    "ui": {"model", "plot"},
    "server": {"model"},
}
STREAMLIT_FREE = {"model", "plot", "lessons", "server"}
ENTRY_POINTS = {"ema_lab.server.worker"}  # starts Streamlit itself, in the process it warmed


def _module(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every module a file imports, at its top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            # `from ema_lab.ui import state` imports the module ema_lab.ui.state
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


MODULES = {_module(p): p for p in sorted((ROOT / "ema_lab").rglob("*.py"))}


@pytest.mark.parametrize("name", sorted(MODULES))
def test_each_kit_imports_only_what_its_job_needs(name):
    parts = name.split(".")
    if len(parts) < 2 or parts[1] not in MAY_IMPORT:
        return  # the package's own __init__
    package = parts[1]
    allowed = MAY_IMPORT[package] | {package}
    imported = _imports(MODULES[name])
    ema_lab = {m.split(".")[1] for m in imported if m.startswith("ema_lab.")}
    assert ema_lab <= allowed, f"{name} imports ema_lab.{sorted(ema_lab - allowed)}"
    if package == "lessons":  # a lesson uses its own folder, not another lesson's
        own = ".".join(parts[:3])
        others = {m for m in imported if m.startswith("ema_lab.lessons.")}
        assert all(m.startswith(own) for m in others), f"{name} imports {sorted(others)}"
    if package in STREAMLIT_FREE:
        used = {m for m in imported if m.split(".")[0] == "streamlit"}
        assert used <= ({"streamlit.web", "streamlit.web.cli"} if name in ENTRY_POINTS else set())


def test_nothing_imports_in_a_circle():
    graph = {
        name: {m for m in _imports(path) if m in MODULES and m != name}
        for name, path in MODULES.items()
    }
    done, path = set(), []

    def visit(node: str) -> None:
        if node in path:
            cycle = [*path[path.index(node) :], node]
            raise AssertionError(" → ".join(cycle))
        if node in done:
            return
        path.append(node)
        for nxt in graph[node]:
            if MODULES[nxt].name != "__init__.py":  # a package is not a module's import
                visit(nxt)
        path.pop()
        done.add(node)

    for name in graph:
        visit(name)


@pytest.mark.parametrize(
    "path",
    sorted([*(ROOT / "ema_lab").rglob("*.py"), *(ROOT / "ema_core").rglob("*.py")]),
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_a_module_over_400_lines_says_why_at_its_top(path):
    source = path.read_text()
    if len(source.splitlines()) > LIMIT:
        doc = ast.get_docstring(ast.parse(source)) or ""
        assert "Longer than 400 lines" in doc, f"{path.name}: {len(source.splitlines())} lines"
