"""Bad input to the project's own implementations gets an error that names the problem."""

from __future__ import annotations

import re
import subprocess
import sys
from types import ModuleType

import numpy as np
import pytest

import scratch
import scratch.grown
import scratch.stable
from reference.compare import assert_match

F32 = np.float32
GOOD_X, GOOD_Y = np.ones(3, F32), np.zeros(4, F32)
GOOD_YHAT, GOOD_LABELS = np.array([0.2, 0.7], F32), np.array([0.0, 1.0], F32)


@pytest.fixture(
    params=[scratch, scratch.grown, scratch.stable],
    ids=["scratch", "scratch.grown", "scratch.stable"],
)
def own(request: pytest.FixtureRequest) -> ModuleType:
    module: ModuleType = request.param
    return module


@pytest.mark.parametrize(
    ("yhat", "y", "error", "message"),
    [
        pytest.param(GOOD_YHAT, np.array([0.0], F32), ValueError, "Shape difference", id="shape"),
        pytest.param(
            np.array([1.5, 0.2], F32), GOOD_LABELS, ValueError, "Domain error for yhat", id="yhat>1"
        ),
        pytest.param(
            np.array([-0.1, 0.2], F32),
            GOOD_LABELS,
            ValueError,
            "Domain error for yhat",
            id="yhat<0",
        ),
        pytest.param(
            GOOD_YHAT, np.array([0.0, 2.0], F32), ValueError, "Domain error for y", id="y>1"
        ),
        pytest.param(
            GOOD_YHAT, np.array([-1.0, 0.0], F32), ValueError, "Domain error for y", id="y<0"
        ),
        pytest.param(
            np.array([np.nan, 0.2], F32), GOOD_LABELS, ValueError, "yhat contains NaN", id="nan"
        ),
        pytest.param(
            GOOD_YHAT, np.array([np.inf, 0.0], F32), ValueError, "y contains inf", id="inf"
        ),
        pytest.param(
            np.array([0, 1]), GOOD_LABELS, TypeError, "floating-point dtype", id="int-dtype"
        ),
        pytest.param(
            GOOD_YHAT, np.array([True, False]), TypeError, "floating-point dtype", id="bool-dtype"
        ),
        pytest.param(
            [0.2, 0.7], GOOD_LABELS, TypeError, "yhat must be a numpy.ndarray, got list", id="list"
        ),
    ],
)
@pytest.mark.parametrize("method", ["forward", "backwards", "backward"])
def test_loss_rejects(
    own: ModuleType, method: str, yhat: object, y: object, error: type, message: str
) -> None:
    with pytest.raises(error, match=message):
        getattr(own.BinaryCrossEntropyLoss(), method)(yhat, y)


BAD_X = [
    pytest.param(np.ones(2, F32), ValueError, r"x has shape \(2,\), expected \(3,\)", id="length"),
    # (1, 3) is a mini-batch for the grown derivation's Linear (scratch.stable's): 3-D is not.
    pytest.param(np.ones((1, 1, 3), F32), ValueError, "x must have 1 dimension", id="ndim"),
    pytest.param(np.array([1.0, np.nan, 0.0], F32), ValueError, "x contains NaN", id="nan"),
    pytest.param(np.array([1.0, -np.inf, 0.0], F32), ValueError, "x contains inf", id="inf"),
    pytest.param(np.array([1, 2, 3]), TypeError, "x must have a floating-point dtype", id="int"),
    pytest.param(np.array(["a", "b", "c"]), TypeError, "x must have a floating-point", id="str"),
]


@pytest.mark.parametrize(("x", "error", "message"), BAD_X)
@pytest.mark.parametrize("method", ["forward", "backward"])
def test_linear_rejects(
    own: ModuleType, method: str, x: np.ndarray, error: type, message: str
) -> None:
    with pytest.raises(error, match=message):
        getattr(own.Linear(3, 4), method)(x)


# (module, method) of the networks: train_step is scratch.stable's alone.
NETWORK_METHODS = [
    pytest.param(module, method, id=f"{module.__name__}.{method}")
    for module in (scratch, scratch.stable)
    for method in ("forward_loss", "update_weights", "train_step")
    if hasattr(module.MyNetwork, method)
]
UPDATES = [p for p in NETWORK_METHODS if p.values[1] != "forward_loss"]


@pytest.mark.parametrize(("x", "error", "message"), BAD_X)
@pytest.mark.parametrize(("own", "method"), NETWORK_METHODS)
def test_network_rejects_bad_x(
    own: ModuleType, method: str, x: np.ndarray, error: type, message: str
) -> None:
    net = own.MyNetwork(3, 4)
    args = (x, GOOD_Y) if method == "forward_loss" else (x, GOOD_Y, 0.1)
    with pytest.raises(error, match=message):
        getattr(net, method)(*args)


@pytest.mark.parametrize(
    ("y", "error", "message"),
    [
        pytest.param(np.zeros(3, F32), ValueError, "Shape difference", id="shape"),
        pytest.param(np.full(4, 2.0, F32), ValueError, "Domain error for y", id="range"),
        pytest.param(np.array([0, 0, np.nan, 0], F32), ValueError, "y contains NaN", id="nan"),
        pytest.param(np.zeros(4, int), TypeError, "floating-point dtype", id="int-dtype"),
    ],
)
@pytest.mark.parametrize(("own", "method"), NETWORK_METHODS)
def test_network_rejects_bad_y(
    own: ModuleType, method: str, y: np.ndarray, error: type, message: str
) -> None:
    net = own.MyNetwork(3, 4)
    args = (GOOD_X, y) if method == "forward_loss" else (GOOD_X, y, 0.1)
    with pytest.raises(error, match=message):
        getattr(net, method)(*args)


@pytest.mark.parametrize("method", ["forward", "backward"])
def test_sigmoid_rejects_nan(own: ModuleType, method: str) -> None:
    with pytest.raises(ValueError, match="x contains NaN"):
        getattr(own.Sigmoid(), method)(np.array([np.nan], F32))


@pytest.mark.parametrize(
    ("lr", "error", "message"),
    [
        (0.0, ValueError, "lr must be a finite positive number, got 0.0"),
        (-0.1, ValueError, "lr must be a finite positive number, got -0.1"),
        (float("nan"), ValueError, "lr must be a finite positive number, got nan"),
        (float("inf"), ValueError, "lr must be a finite positive number, got inf"),
        ("0.1", TypeError, "lr must be a real number, got str"),
        (True, TypeError, "lr must be a real number, got bool"),
    ],
    ids=["zero", "negative", "nan", "inf", "str", "bool"],
)
@pytest.mark.parametrize(("own", "method"), UPDATES)
def test_update_rejects_bad_lr(
    own: ModuleType, method: str, lr: object, error: type, message: str
) -> None:
    net = own.MyNetwork(3, 4)
    with pytest.raises(error, match=re.escape(message)):
        getattr(net, method)(GOOD_X, GOOD_Y, lr)


def test_checks_survive_python_O() -> None:
    """The tutorial's asserts vanished under -O; these errors do not."""
    code = (
        "import numpy as np, scratch\n"
        "try:\n"
        "    scratch.BinaryCrossEntropyLoss().forward(np.array([2.0]), np.array([1.0]))\n"
        "except ValueError as e:\n"
        "    print('raised', e)\n"
    )
    out = subprocess.run([sys.executable, "-O", "-c", code], capture_output=True, text=True)
    assert out.stdout.startswith("raised Domain error for yhat"), out.stderr


def test_forward_is_the_prediction(own: ModuleType) -> None:
    """The network's forward (promised by the tutorial's text) is sigmoid(W x + b)."""
    net = own.MyNetwork(3, 4)
    x = np.array([1.0, 3.0, 5.0], F32)
    z = net.linear1.weight.astype(np.float64) @ x + net.linear1.bias
    expected = (1 / (1 + np.exp(-z))).astype(F32)
    assert_match(
        net.forward(x), expected, layer="MyNetwork", quantity="yhat", inputs={"x": x}, dtype=F32
    )


def test_stable_is_silent_at_the_edges() -> None:
    """No NumPy warning from scratch.stable on valid input, edges included (warnings are
    errors in this suite); the tutorial's formulas warn there, which the edge tests allow."""
    z = np.array([-1000.0, -100.0, 0.0, 100.0, 1000.0], F32)
    yhat = scratch.stable.Sigmoid().forward(z)
    scratch.stable.Sigmoid().backward(z)
    for y in (np.zeros(5, F32), np.ones(5, F32), np.full(5, 0.5, F32)):
        scratch.stable.BinaryCrossEntropyLoss().forward(yhat, y)
        scratch.stable.BinaryCrossEntropyLoss().backward(yhat, y)
    with pytest.warns(RuntimeWarning):
        scratch.Sigmoid().backward(z)


def test_layers_record_their_shape(own: ModuleType) -> None:
    """The tutorial's attributes: in_features and out_features, on the layer and the network."""
    net = own.MyNetwork(3, 4)
    for holder in (net, net.linear1):
        assert (holder.in_features, holder.out_features) == (3, 4)


# --- the grown derivation (scratch.grown; scratch.stable shares its ReLU, Tanh and Linear) ---


@pytest.mark.parametrize("layer", ["ReLU", "Tanh", "Sigmoid"])
@pytest.mark.parametrize("method", ["forward", "backward"])
@pytest.mark.parametrize("module", [scratch.grown, scratch.stable], ids=["grown", "stable"])
def test_activations_reject_nan(module: ModuleType, layer: str, method: str) -> None:
    with pytest.raises(ValueError, match="x contains NaN"):
        getattr(getattr(module, layer)(), method)(np.array([[0.5, np.nan]], F32))


@pytest.mark.parametrize("module", [scratch.grown, scratch.stable], ids=["grown", "stable"])
def test_an_empty_batch_is_named(module: ModuleType) -> None:
    with pytest.raises(ValueError, match=r"x has shape \(0, 3\), expected \(batch, 3\)"):
        module.Linear(3, 4).forward(np.ones((0, 3), F32))


@pytest.mark.parametrize("module", [scratch.grown, scratch.stable], ids=["grown", "stable"])
def test_the_two_layer_network_records_its_shape(module: ModuleType) -> None:
    net = module.TwoLayerNetwork(3, 5, 2, activation="tanh", reduction="mean")
    assert (net.in_features, net.hidden_features, net.out_features) == (3, 5, 2)
    assert (net.linear1.in_features, net.linear1.out_features) == (3, 5)
    assert (net.linear2.in_features, net.linear2.out_features) == (5, 2)
    assert type(net.activation) is module.Tanh
    assert type(net.sigmoid) is module.Sigmoid
    assert type(net.loss) is module.BinaryCrossEntropyLoss
    assert net.loss.reduction == "mean"


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid"])
def test_stable_builds_its_network_from_its_own_layers(activation: str) -> None:
    """scratch.stable's hidden sigmoid is its own, torch's numerics (no NaN at -1000)."""
    net = scratch.stable.TwoLayerNetwork(1, 1, 1, activation=activation)
    assert type(net.activation) is scratch.stable.TwoLayerNetwork.activations[activation]
    h = net.activation.backward(np.array([-1000.0], F32)).output_wrt_x
    assert np.isfinite(h).all()


@pytest.mark.parametrize(
    ("a", "message"),
    [
        (np.array([1.0, np.nan, np.inf], F32), r"x contains NaN at index \(1,\) \(shape \(3,\)\)"),
        (
            np.array([[0.0, 1.0], [-np.inf, 2.0]]),
            r"x contains inf at index \(1, 0\) \(shape \(2, 2\)\)",
        ),
    ],
)
def test_a_nan_or_inf_is_named_in_one_line(a: np.ndarray, message: str) -> None:
    """Whatever the array's size, the error is one line: the first bad element's index."""
    with pytest.raises(ValueError, match=f"^{message}$"):
        scratch.Sigmoid().forward(a)
    big = np.zeros((64, 64))
    big[10, 3] = np.nan
    with pytest.raises(
        ValueError, match=r"^x contains NaN at index \(10, 3\) \(shape \(64, 64\)\)$"
    ):
        scratch.grown.Linear(64, 2).forward(big)
