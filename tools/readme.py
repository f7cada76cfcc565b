"""The README's generated sections: the claims table, the divergence register, the
evaluation, the regression example and what grading a submission costs."""

from __future__ import annotations

import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from reference.claims import claims_markdown
from reference.divergences import register_markdown

README = Path(__file__).resolve().parent.parent / "README.md"
# What the README says is made by a command, not typed: each section between
# <!-- name:start --> and <!-- name:end --> comes from a function of the code.


def _evaluation() -> str:
    from tools.evaluation import evaluate, markdown  # about a minute on two cores

    return markdown(evaluate())


# The tutorial's sigmoid derivative, and torch's formula for it, from the sigmoid's output.
TUTORIAL_GRADIENT = "        output_wrt_x = np.exp(-x) / ((np.exp(-x) + 1) ** 2)\n"
TORCH_GRADIENT = "        s = self.forward(x)\n        output_wrt_x = s * (1 - s)\n"


def _timed(command: list[str], cwd: Path) -> tuple[float, subprocess.CompletedProcess[str]]:
    start = time.perf_counter()
    run = subprocess.run(
        [sys.executable, "-m", "reference", *command], cwd=cwd, capture_output=True, text=True
    )
    return time.perf_counter() - start, run


def regression_example() -> str:
    """check --against as a user runs it: the tutorial's code committed in a git repository
    as my_net.py, then its sigmoid's derivative changed to torch's s * (1 - s); and what the
    comparison cost beside checking each version alone."""
    tutorial = (README.parent / "scratch" / "tutorial.py").read_text()
    if TUTORIAL_GRADIENT not in tutorial:
        raise ValueError("scratch/tutorial.py no longer has the sigmoid derivative to change")
    with tempfile.TemporaryDirectory() as folder:
        repo = Path(folder)
        git = ["git", "-c", "user.name=u", "-c", "user.email=u@example.org"]
        subprocess.run([*git, "init", "-q"], cwd=repo, check=True)
        (repo / "my_net.py").write_text(tutorial)
        subprocess.run([*git, "add", "my_net.py"], cwd=repo, check=True)
        subprocess.run([*git, "commit", "-q", "-m", "the tutorial"], cwd=repo, check=True)
        (repo / "old.py").write_text(tutorial)
        (repo / "my_net.py").write_text(tutorial.replace(TUTORIAL_GRADIENT, TORCH_GRADIENT))
        against, run = _timed(["check", "my_net.py", "--against", "HEAD:my_net.py"], repo)
        alone = [_timed(["check", name], repo)[0] for name in ("old.py", "my_net.py")]
        diff = subprocess.run(
            ["git", "diff", "-U1", "--no-color", "my_net.py"],
            cwd=repo,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    change = "\n".join(diff.splitlines()[4:])
    from reference.reports import stack_versions

    versions = ", ".join(f"{k} {v}" for k, v in stack_versions().items())
    return (
        "```diff\n" + change + "\n```\n\n"
        "```\n$ python -m reference check my_net.py --against HEAD:my_net.py\n"
        + run.stdout.rstrip()
        + f"\n$ echo $?\n{run.returncode}\n```\n\n"
        f"Both versions checked side by side: {against:.1f} s, where checking each alone took "
        f"{alone[0]:.1f} s and {alone[1]:.1f} s ({against / sum(alone):.0%} of the two), on "
        f"{os.cpu_count()} cores ({platform.processor() or platform.machine()}); {versions}.\n"
    )


def _tree_rss(pid: int) -> int:
    """Resident bytes of a process and all its descendants, read from /proc."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        todo += children.get(current, [])
        try:
            status = Path(f"/proc/{current}/status").read_text()
        except OSError:
            continue
        rss = re.search(r"VmRSS:\s+(\d+) kB", status)
        total += int(rss.group(1)) * 1024 if rss else 0
    return total


def _measured(command: list[str], cwd: Path) -> tuple[float, int, int]:
    """Wall seconds, peak resident bytes (the harness's process and the implementation's,
    summed, sampled every 50 ms) and exit code of ``python -m reference COMMAND``."""
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "reference", *command],
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    peak = 0
    while process.poll() is None:
        peak = max(peak, _tree_rss(process.pid))
        time.sleep(0.05)
    return time.perf_counter() - start, peak, process.returncode


def grading_costs() -> str:
    """What one submission costs an autograder: the tutorial's code as a .py (it trains at
    import) and as a notebook (its training cell left out), each checked alone, then a class
    of four on this machine's cores."""
    from reference.reports import stack_versions
    from tests.grading.notebooks import notebook_of

    tutorial = (README.parent / "tests" / "impls" / "tutorial_verbatim.py").read_text()
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        here = Path(folder)
        (here / "my_net.py").write_text(tutorial)
        notebook_of(tutorial, here / "my_notebook.ipynb")
        for name in ("my_net.py", "my_notebook.ipynb"):
            seconds, peak, code = _measured(["check", name, "--jobs", "1"], here)
            rows.append(f"| `check {name}` | {seconds:.1f} s | {peak / 2**20:.0f} MB | {code} |")
        # (Not copy.py: run from this folder, it would shadow the standard library's copy.)
        (here / "second.py").write_text(tutorial)
        notebook_of(tutorial, here / "second.ipynb")
        four = ["my_net.py", "second.py", "my_notebook.ipynb", "second.ipynb"]
        seconds, peak, code = _measured(["check", *four, "--format", "json"], here)
        cores = os.cpu_count()
        rows.append(
            f"| a class of 4 (2 `.py`, 2 notebooks), {cores} processes | {seconds:.1f} s "
            f"({seconds / 4:.1f} s a submission) | {peak / 2**20:.0f} MB | {code} |"
        )
    versions = ", ".join(f"{k} {v}" for k, v in stack_versions().items())
    return (
        "| run | wall time | peak memory | exit |\n|---|---|---|---|\n"
        + "\n".join(rows)
        + f"\n\nMeasured on {cores} cores ({platform.processor() or platform.machine()}); "
        f"peak memory is the harness's process and the submission's, summed; {versions}.\n"
    )


SECTIONS: dict[str, Callable[[], str]] = {
    "claims": claims_markdown,
    "register": register_markdown,
    "evaluation": _evaluation,
    "regression": regression_example,
    "grading": grading_costs,
}


def section(text: str, name: str) -> str:
    """The text between ``<!-- name:start -->`` and ``<!-- name:end -->``."""
    match = re.search(rf"<!-- {name}:start -->\n(.*?)<!-- {name}:end -->", text, re.S)
    if match is None:
        raise ValueError(f"README.md has no '{name}' section markers")
    return match.group(1)


def update_readme(path: Path = README, only: tuple[str, ...] = ()) -> None:
    """Every generated section made anew (those named in ``only``, if given)."""
    text = path.read_text()
    for name, render in SECTIONS.items():
        if only and name not in only:
            continue
        old = section(text, name)
        text = text.replace(
            f"<!-- {name}:start -->\n{old}<!-- {name}:end -->",
            f"<!-- {name}:start -->\n{render()}<!-- {name}:end -->",
        )
    path.write_text(text)
