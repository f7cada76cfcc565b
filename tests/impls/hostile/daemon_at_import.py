"""Starts a detached process in a session of its own at import, which outlives its parent
unless something ends it."""

import subprocess
import sys

from _base import BinaryCrossEntropyLoss, Linear, MyNetwork, Sigmoid  # noqa: F401

subprocess.Popen(
    [sys.executable, "-c", "import time; time.sleep(600)"],
    start_new_session=True,
    stdin=subprocess.DEVNULL,
    stdout=subprocess.DEVNULL,
    stderr=subprocess.DEVNULL,
)
