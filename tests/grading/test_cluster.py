"""A class checked on a Dask cluster: the submissions' files travel (their helper modules
too), every worker's stack is held to the golden data's, and the verdicts are the process
pool's."""

from __future__ import annotations

from pathlib import Path

import pytest

from reference.cluster import ClusterError, ship, stack_problem
from reference.isolation import Limits
from reference.results import Status
from reference.runner import check_all
from tests.paths import CATALOGUE, IMPLS

ONLY = ["partials-Sigmoid-1x1", "partials-BinaryCrossEntropyLoss-1x1"]


def _class(folder: Path) -> list[str]:
    """Three submissions: the tutorial's code, a slip, and one whose loss lives in a helper
    module beside it."""
    tutorial = (IMPLS / "tutorial_verbatim.py").read_text()
    (folder / "good.py").write_text(tutorial)
    (folder / "slip.py").write_text((CATALOGUE / "bce_grad_plus.py").read_text())
    (folder / "_slip.py").write_text((CATALOGUE / "_slip.py").read_text())  # it imports this
    helper = folder / "helper"
    helper.mkdir()
    loss, rest = tutorial.split("@dataclass\nclass LinearPartials")
    (helper / "losses.py").write_text(loss)
    (helper / "split.py").write_text(
        "from dataclasses import dataclass\nimport numpy as np\n"
        "from losses import BinaryCrossEntropyLoss, BinaryCrossEntropyLossPartials\n"
        "@dataclass\nclass LinearPartials" + rest
    )
    return [str(folder / "good.py"), str(folder / "slip.py"), str(helper / "split.py")]


def test_a_file_travels_with_the_modules_beside_it(tmp_path: Path) -> None:
    specs = _class(tmp_path)
    shipped = ship(specs[2])
    assert set(shipped.files) == {"split.py", "losses.py"}
    assert shipped.entry == "split.py"
    assert shipped.path == str(Path(specs[2]).resolve())
    assert ship("scratch").files == {}  # a module: the worker has it installed


def test_a_worker_with_another_stack_is_named() -> None:
    golden = {"torch": "2.13.0+cpu", "numpy": "2.4.6", "python": "3.11.7"}
    assert stack_problem(golden, {"torch": "2.13.0", "numpy": "2.4.6", "python": "3.11.9"}) == ""
    problem = stack_problem(golden, {"torch": "2.14.1", "numpy": "2.4.6", "python": "3.12.1"})
    assert "torch 2.14.1 (the golden data's: 2.13.0+cpu)" in problem
    assert "python 3.12.1" in problem
    assert "numpy" not in problem


def test_no_scheduler_there_is_one_line() -> None:
    from reference.cluster import Cluster

    with pytest.raises(ClusterError, match="cannot reach the Dask scheduler") as raised:
        Cluster("dask://127.0.0.1:9", timeout="0.5s")  # the discard port: nothing listens
    assert "\n" not in str(raised.value)


@pytest.mark.slow
def test_the_cluster_gives_the_process_pools_verdicts(tmp_path: Path) -> None:
    from distributed import LocalCluster

    from reference.cluster import Cluster

    specs = _class(tmp_path)
    limits = Limits(import_s=30, call_s=30)
    local = check_all(specs, "tutorial", {}, 2, ONLY, limits)
    with LocalCluster(n_workers=1, threads_per_worker=2, dashboard_address=":0") as lc:
        with Cluster(lc.scheduler_address) as cluster:
            remote = check_all(specs, "tutorial", {}, None, ONLY, limits, cluster=cluster)
    for spec in specs:
        assert not local[spec].error, local[spec].error
        assert [(r.check, r.status, r.layer, r.quantity) for r in remote[spec].results] == [
            (r.check, r.status, r.layer, r.quantity) for r in local[spec].results
        ]
        assert remote[spec].file == local[spec].file  # provenance read here, of this file
    assert remote[specs[1]].failures
    assert all(r.status != Status.FAILED for r in remote[specs[2]].results)
