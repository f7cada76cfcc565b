"""Bad input to the project's own implementation gets an error that names the problem."""

from __future__ import annotations

import numpy as np
import pytest

import scratch

F32 = np.float32
GOOD_YHAT = np.array([0.2, 0.7], F32)
GOOD_Y = np.array([0.0, 1.0], F32)


@pytest.mark.parametrize(
    ("yhat", "y", "error", "message"),
    [
        pytest.param(GOOD_YHAT, np.array([0.0], F32), ValueError, "Shape difference", id="shape"),
        pytest.param(
            np.array([1.5, 0.2], F32), GOOD_Y, ValueError, "Domain error for yhat", id="yhat>1"
        ),
        pytest.param(
            np.array([-0.1, 0.2], F32), GOOD_Y, ValueError, "Domain error for yhat", id="yhat<0"
        ),
        pytest.param(
            GOOD_YHAT, np.array([0.0, 2.0], F32), ValueError, "Domain error for y", id="y>1"
        ),
        pytest.param(
            np.array([np.nan, 0.2], F32), GOOD_Y, ValueError, "yhat contains NaN", id="nan"
        ),
        pytest.param(
            GOOD_YHAT, np.array([np.inf, 0.0], F32), ValueError, "y contains inf", id="inf"
        ),
        pytest.param(np.array([0, 1]), GOOD_Y, TypeError, "floating-point dtype", id="int-dtype"),
        pytest.param([0.2, 0.7], GOOD_Y, TypeError, "numpy.ndarray", id="list"),
    ],
)
@pytest.mark.parametrize("method", ["forward", "backwards", "backward"])
def test_loss_rejects(method: str, yhat: object, y: object, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        getattr(scratch.BinaryCrossEntropyLoss(), method)(yhat, y)


@pytest.mark.parametrize(
    ("x", "error", "message"),
    [
        pytest.param(np.ones(2, F32), ValueError, r"shape \(2,\), expected \(3,\)", id="length"),
        pytest.param(np.ones((1, 3), F32), ValueError, "1 dimension", id="ndim"),
        pytest.param(np.array([1.0, np.nan, 0.0], F32), ValueError, "NaN", id="nan"),
        pytest.param(np.array([1, 2, 3]), TypeError, "floating-point dtype", id="int-dtype"),
        pytest.param(np.array(["a", "b", "c"]), TypeError, "floating-point dtype", id="str-dtype"),
    ],
)
@pytest.mark.parametrize("method", ["forward", "backward"])
def test_linear_rejects(method: str, x: np.ndarray, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        getattr(scratch.Linear(3, 4), method)(x)


@pytest.mark.parametrize("method", ["forward", "backward"])
def test_sigmoid_rejects_nan(method: str) -> None:
    with pytest.raises(ValueError, match="x contains NaN"):
        getattr(scratch.Sigmoid(), method)(np.array([np.nan], F32))


@pytest.mark.parametrize(
    ("lr", "error"),
    [
        (0.0, ValueError),
        (-0.1, ValueError),
        (float("nan"), ValueError),
        (float("inf"), ValueError),
        ("0.1", TypeError),
        (True, TypeError),
    ],
    ids=["zero", "negative", "nan", "inf", "str", "bool"],
)
def test_update_rejects_bad_lr(lr: object, error: type) -> None:
    net = scratch.MyNetwork(3, 4)
    with pytest.raises(error, match="lr must be"):
        net.update_weights(np.ones(3, F32), np.zeros(4, F32), lr)  # type: ignore[arg-type]


def test_checks_survive_python_O() -> None:
    """The tutorial's asserts vanished under -O; these errors do not."""
    import subprocess
    import sys

    code = (
        "import numpy as np, scratch\n"
        "try:\n"
        "    scratch.BinaryCrossEntropyLoss().forward(np.array([2.0]), np.array([1.0]))\n"
        "except ValueError as e:\n"
        "    print('raised', e)\n"
    )
    out = subprocess.run([sys.executable, "-O", "-c", code], capture_output=True, text=True)
    assert out.stdout.startswith("raised Domain error for yhat"), out.stderr


def test_forward_is_the_prediction() -> None:
    """The network's forward (promised by the tutorial's text) is sigmoid(W x + b)."""
    net = scratch.MyNetwork(3, 4)
    x = np.array([1.0, 3.0, 5.0], F32)
    z = net.linear1.weight.astype(np.float64) @ x + net.linear1.bias
    np.testing.assert_allclose(net.forward(x), 1 / (1 + np.exp(-z)), rtol=1e-6)
