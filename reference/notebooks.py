"""A notebook as an implementation: its code cells, definitions only.

Students hand in notebooks whose cells train, print and plot at top level. The way notebook
graders load them, :func:`script` keeps the definitions of every code cell (imports,
functions, classes, assignments of literals and lambdas, and ``try``/``if`` blocks made of
those) and leaves out every other top-level statement (``net = MyNetwork(3, 4)``, training
loops, prints) and IPython's magics and shell lines (``%matplotlib``, ``!pip``, ``%%time``
cells), so that importing it costs what its ``.py`` twin's definitions cost. ``run_all``
keeps every statement instead (the magics still left out: they are not Python).

Nothing here runs the notebook's code: it is parsed, and the implementation's process runs
what is kept (:func:`reference.subject.load_impl`).
"""

from __future__ import annotations

import ast
import hashlib
from pathlib import Path

SUFFIX = ".ipynb"


class NotebookError(Exception):
    """A notebook that cannot be loaded: named, with the cell, in one line."""


def is_notebook(spec: str) -> bool:
    return spec.endswith(SUFFIX)


def code_cells(path: Path) -> list[str]:
    """The sources of the notebook's code cells, in order."""
    import nbformat  # only where a notebook is given

    try:
        notebook = nbformat.read(str(path), as_version=4)
    except FileNotFoundError:
        raise NotebookError(f"notebook not found: {path}") from None
    except Exception as exc:  # nbformat raises several kinds for a file that is not one
        raise NotebookError(f"{path} is not a notebook nbformat can read: {exc}") from None
    return [cell.source for cell in notebook.cells if cell.cell_type == "code"]


def digest(path: Path) -> str:
    """SHA-256 of the code cells alone: two notebooks with the same code and different
    outputs or metadata are the same submission."""
    return hashlib.sha256("\n\0".join(code_cells(path)).encode()).hexdigest()


def _without_magics(source: str) -> str:
    """The cell with IPython's lines blanked (kept as empty lines, so that line numbers stay
    the cell's); a cell magic (``%%time``) makes the whole cell IPython's."""
    if source.lstrip().startswith("%%"):
        return ""
    lines = source.splitlines()
    return "\n".join(
        "" if line.lstrip().startswith(("%", "!")) or line.rstrip().endswith("?") else line
        for line in lines
    )


def _literal(node: ast.expr) -> bool:
    if isinstance(node, ast.Lambda):
        return True
    try:
        ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, RecursionError):
        return False
    return True


def _definition(stmt: ast.stmt) -> bool:
    if isinstance(
        stmt, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    ):
        return True
    if isinstance(stmt, (ast.Assign, ast.AnnAssign)):
        return stmt.value is not None and _literal(stmt.value)
    if isinstance(stmt, ast.Expr):  # a docstring, or a bare string between definitions
        return isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str)
    if isinstance(stmt, ast.Try):  # try: import x / except ImportError: ...
        blocks = [stmt.body, stmt.orelse, stmt.finalbody, *(h.body for h in stmt.handlers)]
        return all(_definition(s) or isinstance(s, ast.Pass) for b in blocks for s in b)
    if isinstance(stmt, ast.If) and not _is_main_guard(stmt):
        return all(_definition(s) for s in [*stmt.body, *stmt.orelse])
    return False


def _is_main_guard(stmt: ast.If) -> bool:
    return "__name__" in ast.unparse(stmt.test)


def script(path: Path, run_all: bool = False) -> str:
    """The notebook as one Python source: each code cell's definitions (every statement with
    ``run_all``), under a comment naming the cell. :class:`NotebookError` names a cell that
    is not Python."""
    parts = []
    for number, source in enumerate(code_cells(path), 1):
        cell = _without_magics(source)
        try:
            tree = ast.parse(cell)
        except SyntaxError as exc:
            raise NotebookError(
                f"{path}: code cell {number} is not Python ({exc.msg}, line {exc.lineno})"
            ) from None
        lines = cell.splitlines()
        kept = []
        for stmt in tree.body:
            if run_all or _definition(stmt):
                decorators = getattr(stmt, "decorator_list", [])
                start = min([stmt.lineno, *(d.lineno for d in decorators)])
                kept.append("\n".join(lines[start - 1 : stmt.end_lineno]))
        parts.append(f"# code cell {number}\n" + "\n".join(kept))
    return "\n\n".join(parts) + "\n"
