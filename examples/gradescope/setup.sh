#!/usr/bin/env bash
# Gradescope runs this once, when it builds the autograder's image (its spec: setup.sh at the
# zip's root). The harness and its pinned stack; the golden data were made with these versions,
# and a worker with others refuses to judge.
set -euo pipefail
apt-get install -y python3 python3-pip python3-venv
python3 -m venv /autograder/venv
/autograder/venv/bin/pip install -c /autograder/source/constraints.txt /autograder/source/bce_harness-*.whl
