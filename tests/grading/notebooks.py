"""Notebooks made from the project's .py implementations, as a student hands them in: a cell a
definition, the training loop and a plot at top level, IPython's magics and shell lines."""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

PREAMBLE = "%matplotlib inline\n!pip install numpy"
PLOT = "import matplotlib.pyplot as plt\nplt.plot([1, 2, 3])\nprint('trained')"


def cells_of(source: str) -> list[str]:
    """The source cut into cells: each class or function its own, the statements between
    them together."""
    lines = source.splitlines()
    cells: list[str] = []
    loose: list[str] = []
    for stmt in ast.parse(source).body:
        start = min([stmt.lineno, *(d.lineno for d in getattr(stmt, "decorator_list", []))])
        text = "\n".join(lines[start - 1 : stmt.end_lineno])
        if isinstance(stmt, ast.ClassDef | ast.FunctionDef):
            if loose:
                cells.append("\n".join(loose))
                loose = []
            cells.append(text)
        else:
            loose.append(text)
    return cells + (["\n".join(loose)] if loose else [])


def notebook_of(source: str, path: Path, extra: tuple[str, ...] = (PLOT,)) -> Path:
    """``source`` written to ``path`` as a notebook, with a title, the magics first and the
    ``extra`` cells last; each code cell given an output, as a run notebook has."""
    cells = [new_markdown_cell("# My binary classifier"), new_code_cell(PREAMBLE)]
    for text in [*cells_of(source), *extra]:
        cell = new_code_cell(text)
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="ran\n")]
        cells.append(cell)
    nbformat.write(new_notebook(cells=cells), str(path))
    return path
