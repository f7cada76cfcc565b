"""Notebooks as implementations: their definitions kept, everything else left out, and a cell
that is not Python named."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from reference.notebooks import NotebookError, digest, script
from reference.subject import ImplementationError, load_impl
from tests.grading.notebooks import notebook_of
from tests.paths import IMPLS

TUTORIAL = (IMPLS / "tutorial_verbatim.py").read_text()


@pytest.fixture
def tutorial_notebook(tmp_path: Path) -> Path:
    return notebook_of(TUTORIAL, tmp_path / "my_net.ipynb")


def test_definitions_are_kept_and_the_training_loop_and_magics_left_out(
    tutorial_notebook: Path,
) -> None:
    source = script(tutorial_notebook)
    for kept in ("class MyNetwork", "class BinaryCrossEntropyLoss", "import numpy as np", "lr ="):
        assert kept in source
    for left_out in ("for epoch_idx", "net = MyNetwork", "np.random.seed", "%matplotlib", "!pip"):
        assert left_out not in source
    assert "plt.plot" not in source
    assert "print(" not in source.split("class")[0]


def test_run_all_keeps_every_statement_but_the_magics(tutorial_notebook: Path) -> None:
    source = script(tutorial_notebook, run_all=True)
    assert "for epoch_idx in range(2000)" in source
    assert "net = MyNetwork(3, 4)" in source
    assert "%matplotlib" not in source
    assert "!pip" not in source


def test_no_training_cell_runs_at_import(tmp_path: Path) -> None:
    """The definitions only: a cell that would never end (train until the loss is below a
    bound) and the tutorial's 2000 epochs are left out."""
    forever = "net = MyNetwork(3, 4)\nwhile True:\n    net.update_weights(x, y, lr)"
    path = notebook_of(TUTORIAL, tmp_path / "forever.ipynb", extra=(forever,))
    module = load_impl(str(path))
    assert hasattr(module, "MyNetwork")
    assert not hasattr(module, "net")


def test_a_cell_that_is_not_python_is_named(tmp_path: Path) -> None:
    path = notebook_of(TUTORIAL + "\n", tmp_path / "broken.ipynb", extra=("def f(:\n    pass",))
    with pytest.raises(NotebookError, match=r"broken.ipynb: code cell \d+ is not Python"):
        script(path)
    with pytest.raises(ImplementationError, match="is not Python"):
        load_impl(str(path))


def test_a_file_that_is_no_notebook_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "not.ipynb"
    path.write_text("{not json")
    with pytest.raises(NotebookError, match="is not a notebook") as raised:
        script(path)
    assert "\n" not in str(raised.value)


def test_the_same_code_with_other_outputs_has_one_digest(
    tutorial_notebook: Path, tmp_path: Path
) -> None:
    notebook = nbformat.read(str(tutorial_notebook), as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = []
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    other = tmp_path / "copy.ipynb"
    nbformat.write(notebook, str(other))
    assert other.read_bytes() != tutorial_notebook.read_bytes()
    assert digest(other) == digest(tutorial_notebook)
    changed = notebook_of(TUTORIAL.replace("lr = 0.01", "lr = 0.02"), tmp_path / "changed.ipynb")
    assert digest(changed) != digest(tutorial_notebook)


def test_a_helper_module_beside_the_notebook_is_importable(tmp_path: Path) -> None:
    (tmp_path / "helpers.py").write_text("SCALE = 3\n")
    path = notebook_of(
        "from helpers import SCALE\n\ndef f():\n    return SCALE\n", tmp_path / "n.ipynb"
    )
    assert load_impl(str(path)).f() == 3
