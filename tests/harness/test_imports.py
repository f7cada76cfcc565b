"""The package's imports run one way: no cycle among reference's modules, and no import of
one of them inside a function, except the CLI's per-command imports (reference/__main__.py)
and the lazy public surface (reference/__init__.py). A public name resolves."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import reference
from tests.paths import ROOT

PACKAGE = ROOT / "reference"
MODULES = sorted(p for p in PACKAGE.rglob("*.py") if "slips" not in p.parts)
# Where an import inside a function is the point: one command's dependencies, loaded when it
# runs; the public names, loaded when first used.
DEFERRING = {PACKAGE / "__main__.py", PACKAGE / "__init__.py"}


def _name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported(node: ast.Import | ast.ImportFrom, module: str) -> list[str]:
    """The reference modules an import statement loads (a package's submodules by name)."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names if a.name.startswith("reference")]
    base = node.module or ""
    if node.level:  # relative: from the module's own package
        base = ".".join(module.split(".")[: -node.level] + ([base] if base else []))
    if not base.startswith("reference"):
        return []
    known = {_name(p) for p in MODULES}
    return [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names]


def _graph() -> tuple[dict[str, set[str]], list[str]]:
    """Each module's top-level reference imports; the function-level ones, as problems."""
    graph: dict[str, set[str]] = {}
    nested: list[str] = []
    for path in MODULES:
        module = _name(path)
        tree = ast.parse(path.read_text())
        graph[module] = set()
        for node in tree.body:
            if isinstance(node, ast.Import | ast.ImportFrom):
                graph[module] |= set(_imported(node, module)) - {module}
        for func in ast.walk(tree):
            if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for inner in ast.walk(func):
                if isinstance(inner, ast.Import | ast.ImportFrom) and _imported(inner, module):
                    if path not in DEFERRING:
                        nested.append(f"{module}.{func.name} imports {_imported(inner, module)}")
    return graph, nested


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(node: str, path: list[str]) -> list[str] | None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt] if nxt in path else [*path, nxt]
            if nxt not in state and (found := visit(nxt, [*path, nxt])):
                return found
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (found := visit(start, [start])):
            return found
    return None


def test_no_import_cycle() -> None:
    graph, _ = _graph()
    assert "reference.checks.base" in graph["reference.checks.edges"]  # the graph sees imports
    assert _cycle(graph) is None, " -> ".join(_cycle(graph) or [])


def test_the_cycle_finder_finds_one() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]


def test_no_function_level_import_between_the_packages_modules() -> None:
    _, nested = _graph()
    assert not nested, nested


@pytest.mark.slow
def test_import_reference_is_free_and_its_public_names_resolve() -> None:
    code = (
        "import sys, reference; assert 'torch' not in sys.modules, 'torch imported eagerly'; "
        "print(reference.run_checks.__module__, reference.Grade.WRONG.value, "
        "len(reference.RECORDS))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["reference.checks", "wrong", "11"]
    assert set(reference.__all__) <= set(dir(reference))
